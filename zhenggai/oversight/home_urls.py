"""The home page: everyone's to-do (待办), at the site's root."""

from django.urls import path

from .views import todo

app_name = "todo"
urlpatterns = [path("", todo.todo, name="home")]
