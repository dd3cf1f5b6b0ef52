"""What ``core/tests/test_pages.py`` checks of this app's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes the records the
paths name, visible to every role of organisation A, and returns their values.
"""

from homeward.accounts.roles import Capability

PAGES = {
    "selection": ("/projects/project-a/selection/", Capability.VIEW_PERSONAL_DATA),
    "selection-criteria": (
        "/projects/project-a/selection/criteria/{selection_criteria}/",
        Capability.VIEW_PROJECTS,
    ),
    "selection-criteria-new": (
        "/projects/project-a/selection/criteria/new/",
        Capability.MANAGE_PROJECTS,
    ),
    "selection-run": ("/selection/runs/{selection_run}/", Capability.VIEW_PERSONAL_DATA),
}
API_ENDPOINTS = {
    "selection-criteria-list": ("/api/v1/selection-criteria/", Capability.VIEW_PROJECTS),
    "selection-criteria-detail": (
        "/api/v1/selection-criteria/{selection_criteria_id}/",
        Capability.VIEW_PROJECTS,
    ),
    "selection-run-list": ("/api/v1/selection-runs/", Capability.VIEW_PERSONAL_DATA),
    "selection-run-detail": (
        "/api/v1/selection-runs/{selection_run}/",
        Capability.VIEW_PERSONAL_DATA,
    ),
}
ELSEWHERE = {
    "selection-run-start": "casework/selection/tests/test_views.py (POST only)",
    "selection-decide": "casework/selection/tests/test_views.py (POST only)",
    "selection-run-decide": "casework/selection/tests/test_api.py (POST only)",
}


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    """Two versions of the criteria and two rankings of a candidate family (the given
    household is already selected), so the run page shows a ranked, explained row and what
    changed between the rankings."""
    from homeward.casework.enrolment.services import enrolment_create
    from homeward.casework.selection.services import selection_criteria_create, selection_run
    from homeward.core.actors import Actor
    from homeward.geo.models import Area
    from homeward.registry.services import household_register

    candidate = household_register(
        actor=Actor(user=case_worker),
        organisation=project.lead_organisation,
        project=project,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "accommodation": "informal_settlement",
            "origin_municipality": Area.objects.get(code="XK-prizren"),
        },
        members=[
            {
                "relationship_to_head": "head",
                "first_name": "Selekcija",
                "last_name": "Kandidatović",
                "sex": "female",
                "displacement_status": "idp",
                "single_parent": True,
            }
        ],
    )
    enrolment_create(actor=system, project=project, household=candidate)
    first = selection_criteria_create(
        actor=system,
        project=project,
        conditions=[
            {
                "fact": "household.current_municipality",
                "operator": "in",
                "value": ["RS-00-zvezdara"],
            }
        ],
        criteria=[{"fact": "household.single_parent", "operator": "is true", "points": 3}],
        replaces=None,
    )
    selection_run(actor=system, project=project, criteria=first)
    selection_criteria_create(
        actor=system,
        project=project,
        conditions=[],
        criteria=[
            {"fact": "household.single_parent", "operator": "is true", "points": 5},
            {"fact": "household.size", "points": 1, "per_unit": True, "max_points": 4},
        ],
        replaces=first.number,
    )
    run = selection_run(actor=system, project=project)
    return {
        "selection_run": run.pk,
        "selection_criteria": first.number,
        "selection_criteria_id": first.pk,
    }
