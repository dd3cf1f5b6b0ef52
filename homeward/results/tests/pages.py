"""What ``core/tests/test_pages.py`` checks of this app's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes the records the
paths name, visible to every role of organisation A, and returns their values.
"""

from homeward.accounts.roles import Capability

C = Capability

PAGES = {
    # The dashboard: counts only for whoever may not see people (see test_dashboard.py).
    "results": ("/results/", C.VIEW_PROJECTS),
    "results-project": ("/projects/project-a/results/", C.VIEW_PROJECTS),
    # The results framework (see test_views.py).
    "results-framework": ("/projects/project-a/framework/", C.VIEW_PROJECTS),
    "results-result-new": ("/projects/project-a/framework/results/new/", C.MANAGE_PROJECTS),
    "results-result-edit": (
        "/projects/project-a/framework/results/{result}/edit/",
        C.MANAGE_PROJECTS,
    ),
    "results-indicator-new": (
        "/projects/project-a/framework/indicators/new/",
        C.MANAGE_PROJECTS,
    ),
    "results-indicator": (
        "/projects/project-a/framework/indicators/{indicator}/",
        C.VIEW_PROJECTS,
    ),
    "results-indicator-edit": (
        "/projects/project-a/framework/indicators/{indicator}/edit/",
        C.MANAGE_PROJECTS,
    ),
}
API_ENDPOINTS = {
    "result-list": ("/api/v1/results/?project=project-a", C.VIEW_PROJECTS),
    "result-detail": ("/api/v1/results/{result}/", C.VIEW_PROJECTS),
    "indicator-list": ("/api/v1/indicators/?project=project-a", C.VIEW_PROJECTS),
    "indicator-detail": ("/api/v1/indicators/{indicator}/", C.VIEW_PROJECTS),
    "project-figures-list": ("/api/v1/project-figures/", C.VIEW_PROJECTS),
    "project-figures-detail": ("/api/v1/project-figures/project-a/", C.VIEW_PROJECTS),
}
ELSEWHERE = {
    "results-result-delete": "results/tests/test_views.py (POST only)",
    "results-target-set": "results/tests/test_views.py (POST only)",
    "results-manual-value": "results/tests/test_views.py (POST only)",
    "indicator-targets": "results/tests/test_api.py (POST only)",
    "indicator-values": "results/tests/test_api.py (POST only)",
}


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    """Project A's framework: an objective with one indicator computed by a rule."""
    from homeward.results.services import indicator_create, result_create, target_set

    objective = result_create(
        actor=system, project=project, level="objective", code="SO", statement="Return"
    )
    indicator = indicator_create(
        actor=system,
        project=project,
        result=objective,
        code="SO.1",
        name="Families given assistance",
        unit="households",
        rule={"kind": "assistance_delivered", "count": "households"},
        disaggregations=["municipality"],
    )
    target_set(
        actor=system,
        indicator=indicator,
        label="End",
        start=project.start_date,
        end=project.end_date,
        value=25,
    )
    return {"result": objective.pk, "indicator": indicator.pk}
