from django.urls import path

from .views import dashboard, orders, signoffs, statistics

app_name = "oversight"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("inspections/<int:pk>/signoffs/", signoffs.signoff_list, name="signoff-list"),
    path("problems/<int:pk>/signoff/", signoffs.signoff_apply, name="signoff-apply"),
    path("signoffs/<int:pk>/", signoffs.signoff_detail, name="signoff-detail"),
    path("signoffs/<int:pk>/approve/", signoffs.signoff_approve, name="signoff-approve"),
    path("signoffs/<int:pk>/return/", signoffs.signoff_return, name="signoff-return"),
    path("signoffs/<int:pk>/correct/", signoffs.signoff_correct, name="signoff-correct"),
    path("orders/", orders.order_list, name="order-list"),
    path("orders/add/", orders.order_add, name="order-add"),
    path("orders/<int:pk>/", orders.order_detail, name="order-detail"),
    path("orders/<int:pk>/reply/", orders.order_reply, name="order-reply"),
    path("orders/<int:pk>/docx/", orders.order_docx, name="order-docx"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/statement.txt", statistics.statement_text, name="statement-text"),
    path("statistics/statement.docx", statistics.statement_docx, name="statement-docx"),
    path("indicators/", statistics.indicator_list, name="indicator-list"),
    path("indicators/apply/", statistics.indicator_apply, name="indicator-apply"),
]
