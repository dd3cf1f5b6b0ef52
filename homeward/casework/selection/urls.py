"""The pages of selection: included at the site's root by ``homeward/urls.py``."""

from django.urls import path

from homeward.casework.selection import views

urlpatterns = [
    path("projects/<slug:code>/selection/", views.selection_page, name="selection"),
    path(
        "projects/<slug:code>/selection/criteria/new/",
        views.criteria_new,
        name="selection-criteria-new",
    ),
    path(
        "projects/<slug:code>/selection/criteria/<int:number>/",
        views.criteria_detail,
        name="selection-criteria",
    ),
    path("projects/<slug:code>/selection/run/", views.run_start, name="selection-run-start"),
    path("selection/runs/<int:pk>/", views.run_detail, name="selection-run"),
    path("selection/runs/<int:pk>/decide/", views.run_decide, name="selection-decide"),
]
