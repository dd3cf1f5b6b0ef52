"""The pages of assessments: included at the site's root by ``homeward/urls.py``."""

from django.urls import path

from homeward.casework.assessments import views

urlpatterns = [
    path("assessments/templates/", views.template_list, name="assessment-templates"),
    path(
        "assessments/households/<str:number>/new/<slug:code>/",
        views.assessment_record_view,
        name="assessment-record",
    ),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment-edit"),
]
