from django.contrib.auth import views as auth_views
from django.urls import path

from . import directory_views, letterhead_views, unit_views, user_views, views
from .forms import ThrottledLoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=ThrottledLoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password-change"),
    path("locked/", views.lock_list, name="lock-list"),
    path("units/", unit_views.unit_list, name="unit-list"),
    path("units/add/", unit_views.unit_add, name="unit-add"),
    path("units/<int:pk>/", unit_views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", unit_views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/active/", unit_views.unit_active, name="unit-active"),
    path("units/<int:pk>/letterhead/", letterhead_views.letterhead_edit, name="letterhead-edit"),
    path("units/<int:pk>/members/", unit_views.membership_add, name="membership-add"),
    path("members/<int:pk>/", unit_views.membership_edit, name="membership-edit"),
    path("members/<int:pk>/delete/", unit_views.membership_delete, name="membership-delete"),
    path("users/", user_views.user_list, name="user-list"),
    path("users/add/", user_views.user_add, name="user-add"),
    path("users/<int:pk>/", user_views.user_detail, name="user-detail"),
    path("users/<int:pk>/edit/", user_views.user_edit, name="user-edit"),
    path("users/<int:pk>/active/", user_views.user_active, name="user-active"),
    path("users/<int:pk>/reset/", user_views.user_reset, name="user-reset"),
    path("one-time/", user_views.one_time, name="one-time"),
    path("policy/", user_views.policy, name="policy"),
    path("directory/", directory_views.directory_import, name="directory-import"),
    path(
        "directory/<str:token>/",
        directory_views.directory_preview,
        name="directory-preview",
    ),
    path("directory-template/", directory_views.directory_template, name="directory-template"),
    path("directory-export/", directory_views.directory_export, name="directory-export"),
]
