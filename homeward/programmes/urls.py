"""The project pages. ``projects/new/`` comes before ``projects/<code>/``, which would
otherwise take "new" for a project's code."""

from django.urls import path

from homeward.programmes import views

urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/<slug:code>/", views.project_detail, name="project"),
    path("projects/<slug:code>/edit/", views.project_edit, name="project-edit"),
]
