from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("zhenggai.ledger.urls")),
    path("accounts/", include("zhenggai.accounts.urls")),
    path("oversight/", include("zhenggai.oversight.urls")),
    path("public/", include("zhenggai.disclosure.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "zhenggai.views.not_found"
handler403 = "zhenggai.views.forbidden"
handler500 = "zhenggai.views.server_error"
