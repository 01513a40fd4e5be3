from django.urls import path

from . import imports_views, views

app_name = "ledger"
urlpatterns = [
    path("", views.home, name="home"),
    path("inspections/add/", views.inspection_add, name="inspection-add"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="inspection-edit"),
    path("inspections/<int:pk>/delete/", views.inspection_delete, name="inspection-delete"),
    path("inspections/<int:pk>/void/", views.inspection_void, name="inspection-void"),
    path("inspections/voided/", views.voided_list, name="voided-list"),
    path("inspections/<int:pk>/problems/add/", views.problem_add, name="problem-add"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem-edit"),
    path("problems/<int:pk>/move/", views.problem_move, name="problem-move"),
    path("problems/<int:pk>/delete/", views.problem_delete, name="problem-delete"),
    path("problems/<int:pk>/measures/add/", views.measure_add, name="measure-add"),
    path("measures/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure-edit"),
    path("measures/<int:pk>/move/", views.measure_move, name="measure-move"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure-delete"),
    path(
        "measures/<int:pk>/request-completion/",
        views.completion_request,
        name="completion-request",
    ),
    path("completions/<int:pk>/confirm/", views.completion_confirm, name="completion-confirm"),
    path("completions/<int:pk>/return/", views.completion_return, name="completion-return"),
    path("progress/<int:pk>/withdraw/", views.progress_withdraw, name="progress-withdraw"),
    path("progress/<int:pk>/correct/", views.progress_correct, name="progress-correct"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("import/", imports_views.import_upload, name="import"),
    path("import/<str:token>/", imports_views.import_preview, name="import-preview"),
    path("inspections/<int:pk>/xlsx/", imports_views.inspection_xlsx, name="inspection-xlsx"),
    path("rounds/", imports_views.round_list, name="round-list"),
    path("rounds/xlsx/", imports_views.round_xlsx, name="round-xlsx"),
]
