"""The pages of assistance: included at the site's root by ``homeward/urls.py``."""

from django.urls import path

from homeward.casework.assistance import views

urlpatterns = [
    path("assistance/types/", views.assistance_type_list_view, name="assistance-types"),
    path("projects/<slug:code>/deliveries/", views.project_deliveries, name="project-deliveries"),
    path("projects/<slug:code>/deliveries/new/", views.delivery_plan_view, name="delivery-plan"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("deliveries/<int:pk>/edit/", views.delivery_edit, name="delivery-edit"),
    path(
        "deliveries/<int:pk>/transition/",
        views.delivery_transition_view,
        name="delivery-step",
    ),
    path("deliveries/<int:pk>/document/", views.delivery_document, name="delivery-document"),
    path("monitoring-visits/<int:pk>/", views.monitoring_visit_view, name="monitoring-visit"),
    path("monitoring-photos/<int:pk>/", views.monitoring_photo, name="monitoring-photo"),
]
