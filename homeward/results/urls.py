"""The pages of results: included at the site's root by ``homeward/urls.py``."""

from django.urls import path

from homeward.results import dashboard, views

urlpatterns = [
    path("results/", dashboard.portfolio_results, name="results"),
    path("projects/<slug:code>/results/", dashboard.project_results, name="results-project"),
    # The results framework (results/views.py).
    path("projects/<slug:code>/framework/", views.framework, name="results-framework"),
    path(
        "projects/<slug:code>/framework/results/new/",
        views.result_new,
        name="results-result-new",
    ),
    path(
        "projects/<slug:code>/framework/results/<int:pk>/edit/",
        views.result_edit,
        name="results-result-edit",
    ),
    path(
        "projects/<slug:code>/framework/results/<int:pk>/delete/",
        views.result_remove,
        name="results-result-delete",
    ),
    path(
        "projects/<slug:code>/framework/indicators/new/",
        views.indicator_new,
        name="results-indicator-new",
    ),
    path(
        "projects/<slug:code>/framework/indicators/<int:pk>/",
        views.indicator_detail,
        name="results-indicator",
    ),
    path(
        "projects/<slug:code>/framework/indicators/<int:pk>/edit/",
        views.indicator_edit,
        name="results-indicator-edit",
    ),
    path(
        "projects/<slug:code>/framework/indicators/<int:pk>/targets/",
        views.indicator_target,
        name="results-target-set",
    ),
    path(
        "projects/<slug:code>/framework/indicators/<int:pk>/values/",
        views.indicator_value,
        name="results-manual-value",
    ),
]
