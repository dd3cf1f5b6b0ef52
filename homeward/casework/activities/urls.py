"""The pages of activities: included at the site's root by ``homeward/urls.py``."""

from django.urls import path

from homeward.casework.activities import views

urlpatterns = [
    path("projects/<slug:code>/activities/", views.activity_list, name="activities"),
    path("projects/<slug:code>/activities/new/", views.activity_new, name="activity-new"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path(
        "activities/<int:pk>/participants/",
        views.participant_enrol_view,
        name="activity-participant-enrol",
    ),
    path(
        "activities/<int:pk>/participants/<int:person_id>/complete/",
        views.participant_complete_view,
        name="activity-participant-complete",
    ),
    path("activities/<int:pk>/sessions/new/", views.session_new, name="activity-session-new"),
    path("activities/sessions/<int:pk>/", views.session_detail, name="activity-session"),
    path("activities/sessions/<int:pk>/edit/", views.session_edit, name="activity-session-edit"),
    path(
        "activities/sessions/<int:pk>/status/",
        views.session_status,
        name="activity-session-status",
    ),
    path(
        "activities/sessions/<int:pk>/attendance/",
        views.session_attendance,
        name="activity-session-attendance",
    ),
    path(
        "activities/attendances/<int:pk>/remove/",
        views.attendance_remove_view,
        name="activity-attendance-remove",
    ),
    path("projects/<slug:code>/materials/", views.material_list, name="information-materials"),
    path(
        "projects/<slug:code>/materials/new/",
        views.material_new,
        name="information-material-new",
    ),
    path("materials/<int:pk>/edit/", views.material_edit, name="information-material-edit"),
]
