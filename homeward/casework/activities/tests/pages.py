"""What ``core/tests/test_pages.py`` checks of this app's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes the records the
paths name, visible to every role of organisation A, and returns their values.
"""

import datetime

from homeward.accounts.roles import Capability

C = Capability

PAGES = {
    "activities": ("/projects/project-a/activities/", C.VIEW_PERSONAL_DATA),
    "activity-new": ("/projects/project-a/activities/new/", C.RECORD_CASEWORK),
    "activity": ("/activities/{activity}/", C.VIEW_PERSONAL_DATA),
    "activity-edit": ("/activities/{activity}/edit/", C.RECORD_CASEWORK),
    "activity-participant-complete": (
        "/activities/{activity}/participants/{participant_person}/complete/",
        C.RECORD_CASEWORK,
    ),
    "activity-session-new": ("/activities/{activity}/sessions/new/", C.RECORD_CASEWORK),
    "activity-session": ("/activities/sessions/{session}/", C.VIEW_PERSONAL_DATA),
    "activity-session-edit": ("/activities/sessions/{session}/edit/", C.RECORD_CASEWORK),
    "information-materials": ("/projects/project-a/materials/", C.VIEW_PROJECTS),
    "information-material-new": ("/projects/project-a/materials/new/", C.RECORD_CASEWORK),
    "information-material-edit": ("/materials/{material}/edit/", C.RECORD_CASEWORK),
}
API_ENDPOINTS = {
    "activity-list": ("/api/v1/activities/", C.VIEW_PERSONAL_DATA),
    "activity-detail": ("/api/v1/activities/{activity}/", C.VIEW_PERSONAL_DATA),
    "activity-participants": ("/api/v1/activities/{activity}/participants/", C.VIEW_PERSONAL_DATA),
    "session-list": ("/api/v1/sessions/", C.VIEW_PERSONAL_DATA),
    "session-detail": ("/api/v1/sessions/{session}/", C.VIEW_PERSONAL_DATA),
    "information-material-list": ("/api/v1/information-materials/", C.VIEW_PROJECTS),
    "information-material-detail": (
        "/api/v1/information-materials/{material}/",
        C.VIEW_PROJECTS,
    ),
}
ELSEWHERE = {
    "activity-participant-enrol": "activities/tests/test_views.py (POST only)",
    "activity-session-status": "activities/tests/test_views.py (POST only)",
    "activity-session-attendance": "activities/tests/test_views.py (POST only)",
    "activity-attendance-remove": "activities/tests/test_views.py (POST only)",
    "activity-complete": "activities/tests/test_api.py (POST only)",
    "session-transition": "activities/tests/test_api.py (POST only)",
    "session-attendance": "activities/tests/test_api.py (POST only)",
}


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    """A training of project A with one held session that the head of ``household`` attended
    (not yet completed), and a leaflet."""
    from homeward.casework.activities.services import (
        activity_create,
        material_create,
        session_attendance_record,
        session_create,
        session_transition,
    )

    activity = activity_create(
        actor=system,
        project=project,
        kind="business_training",
        title="Starting a small business",
        planned_start=project.start_date,
        planned_end=project.start_date + datetime.timedelta(days=30),
        sessions_planned=4,
        leads_to_certificate=True,
    )
    session = session_create(
        actor=system, activity=activity, date=project.start_date + datetime.timedelta(days=1)
    )
    session_transition(actor=system, session=session, status="held", expected_version=None)
    head = household.members.get(relationship_to_head="head")
    session_attendance_record(
        actor=system,
        session=session,
        people=[head],
        others=[{"category": "officials", "organisation_name": "Town hall", "women": 2, "men": 1}],
    )
    material = material_create(
        actor=system,
        project=project,
        kind="leaflet",
        title="Return: what help there is",
        period_start=project.start_date,
        quantity_produced=500,
        people_reached=300,
    )
    return {
        "activity": activity.pk,
        "session": session.pk,
        "participant_person": head.pk,
        "material": material.pk,
    }
