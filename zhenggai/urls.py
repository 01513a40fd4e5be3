from django.contrib import admin
from django.urls import include, path

from zhenggai.api.main import api

urlpatterns = [
    path("", include("zhenggai.oversight.home_urls")),
    path("", include("zhenggai.ledger.urls")),
    path("accounts/", include("zhenggai.accounts.urls")),
    path("oversight/", include("zhenggai.oversight.urls")),
    path("public/", include("zhenggai.disclosure.urls")),
    path("api/v1/", api.urls),
    path("accounts/tokens/", include("zhenggai.api.token_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "zhenggai.views.not_found"
handler403 = "zhenggai.views.forbidden"
handler500 = "zhenggai.views.server_error"
