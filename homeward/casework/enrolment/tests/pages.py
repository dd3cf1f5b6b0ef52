"""What ``core/tests/test_pages.py`` checks of this app's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes the records the
paths name, visible to every role of organisation A, and returns their values.
"""

from homeward.accounts.roles import Capability

PAGES = {
    "enrolment-new": ("/registry/households/{household}/enrol/", Capability.RECORD_CASEWORK),
    "enrolment": ("/enrolments/{enrolment}/", Capability.VIEW_PERSONAL_DATA),
    "project-enrolments": (
        "/projects/project-a/enrolments/?status=candidate&page=1",
        Capability.VIEW_PERSONAL_DATA,
    ),
}
API_ENDPOINTS = {
    "enrolment-list": (
        "/api/v1/enrolments/?project=project-a&status=candidate",
        Capability.VIEW_PERSONAL_DATA,
    ),
    "enrolment-detail": ("/api/v1/enrolments/{enrolment}/", Capability.VIEW_PERSONAL_DATA),
}
ELSEWHERE = {
    "enrolment-step": "casework/enrolment/tests/test_views.py (POST only)",
    "enrolment-transition": "casework/enrolment/tests/test_api.py (POST only)",
}


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    """Besides the household's own (selected) enrolment, its child enrolled alone as a
    candidate: both kinds of enrolment render on every page."""
    from homeward.casework.enrolment.services import enrolment_create

    child = household.members.exclude(relationship_to_head="head").first()
    person_enrolment = enrolment_create(
        actor=system, project=project, person=child, reason="Enrolled for a training."
    )
    return {"person_enrolment": person_enrolment.pk}
