"""The pages of exchange: included at the site's root by ``homeward/urls.py``."""

from django.urls import path

from homeward.exchange import views
from homeward.exchange.reports import views as report_views

urlpatterns = [
    path("exports/<slug:name>/", views.list_export_view, name="list-export"),
    path("imports/", views.import_list_view, name="imports"),
    path("imports/new/", views.import_new, name="import-new"),
    path("imports/template.<str:file_format>", views.import_template, name="import-template"),
    path("imports/new/<str:token>/columns/", views.import_columns, name="import-columns"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/import/", views.import_run, name="import-run"),
    path("imports/<int:pk>/problems.csv", views.import_problems_csv, name="import-problems-csv"),
    path("imports/jobs/<uuid:job_id>/", views.import_job, name="import-job"),
    path(
        "imports/jobs/<uuid:job_id>/progress/",
        views.import_job_progress,
        name="import-job-progress",
    ),
    # Reports of a project's results (exchange/reports).
    path(
        "projects/<slug:code>/reports/<str:report_format>/",
        report_views.report_download,
        name="project-report",
    ),
]
