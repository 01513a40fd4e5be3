from django.urls import path

from . import views

app_name = "disclosure"
urlpatterns = [
    path("", views.notice_list, name="notice-list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/docx/", views.notice_docx, name="notice-docx"),
    path("notices/<int:pk>/comment/", views.comment_add, name="comment-add"),
    path("notices/<int:pk>/satisfaction/", views.satisfaction_vote, name="satisfaction-vote"),
    path("notices/<int:pk>/comments/", views.notice_comments, name="notice-comments"),
    path("comments/", views.comment_list, name="comment-list"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="comment-reply"),
    path("comments/<int:pk>/handle/", views.comment_handle, name="comment-handle"),
    path("inspections/<int:pk>/draft/", views.notice_draft, name="notice-draft"),
    path("drafts/<int:pk>/sign/", views.draft_sign, name="draft-sign"),
    path("drafts/<int:pk>/return/", views.draft_return, name="draft-return"),
    path("drafts/<int:pk>/publish/", views.draft_publish, name="draft-publish"),
    path("inspections/<int:pk>/export/<str:fmt>/", views.notice_export, name="notice-export"),
]
