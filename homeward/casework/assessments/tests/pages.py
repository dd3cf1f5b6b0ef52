"""What ``core/tests/test_pages.py`` checks of this app's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes the records the
paths name, visible to every role of organisation A, and returns their values.
"""

import datetime

from homeward.accounts.roles import Capability

PAGES = {
    "assessment-templates": ("/assessments/templates/", Capability.VIEW_PROJECTS),
    "assessment-record": (
        "/assessments/households/{household}/new/durable-solutions/",
        Capability.RECORD_CASEWORK,
    ),
    "assessment": ("/assessments/{assessment}/", Capability.VIEW_PERSONAL_DATA),
    "assessment-edit": ("/assessments/{assessment}/edit/", Capability.RECORD_CASEWORK),
}
API_ENDPOINTS = {
    "assessment-template-list": ("/api/v1/assessment-templates/", Capability.VIEW_PROJECTS),
    "assessment-template-detail": (
        "/api/v1/assessment-templates/{assessment_template}/",
        Capability.VIEW_PROJECTS,
    ),
    "assessment-list": ("/api/v1/assessments/", Capability.VIEW_PERSONAL_DATA),
    "assessment-detail": ("/api/v1/assessments/{assessment}/", Capability.VIEW_PERSONAL_DATA),
}
ELSEWHERE = {}


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    from homeward.casework.assessments.selectors import active_template
    from homeward.casework.assessments.services import assessment_record
    from homeward.casework.assessments.tests.answers import durable_solutions_answers

    template = active_template("durable-solutions")
    assessment = assessment_record(
        actor=system,
        template=template,
        household=household,
        project=project,
        answers=durable_solutions_answers(),
        assessed_on=datetime.date(2025, 3, 1),
    )
    return {"assessment": assessment.pk, "assessment_template": template.pk}
