"""The pages of enrolment: included at the site's root by ``homeward/urls.py``."""

from django.urls import path

from homeward.casework.enrolment import views

urlpatterns = [
    path("registry/households/<str:number>/enrol/", views.enrolment_new, name="enrolment-new"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/step/", views.enrolment_step, name="enrolment-step"),
    path("projects/<slug:code>/enrolments/", views.project_enrolments, name="project-enrolments"),
]
