"""What ``core/tests/test_pages.py`` checks of this app's pages and endpoints.

``PAGES`` and ``API_ENDPOINTS``: url name → (path with ``{placeholders}``, capability needed);
``ELSEWHERE``: url name → the test that covers it; ``placeholders(...)`` makes the records the
paths name, visible to every role of organisation A, and returns their values.
"""

from homeward.accounts.roles import Capability

C = Capability

PAGES = {
    # The people import (imports-ui).
    "imports": ("/imports/", C.EDIT_REGISTRY),
    "import-new": ("/imports/new/", C.EDIT_REGISTRY),
    "import": ("/imports/{people_import}/", C.EDIT_REGISTRY),
    "import-template": ("/imports/template.xlsx", C.EDIT_REGISTRY),
    "import-problems-csv": ("/imports/{people_import}/problems.csv", C.EDIT_REGISTRY),
}
API_ENDPOINTS = {
    # Exports of lists and the people import (imports-ui).
    "export-list": ("/api/v1/exports/", C.VIEW_PERSONAL_DATA),
    # Every role that runs exports sees personal data: RUN_EXPORTS alone decides here.
    "export-detail": ("/api/v1/exports/people/?format=csv", C.RUN_EXPORTS),
    "import-list": ("/api/v1/imports/", C.EDIT_REGISTRY),
    "import-detail": ("/api/v1/imports/{people_import}/", C.EDIT_REGISTRY),
    "import-problems": ("/api/v1/imports/{people_import}/problems/", C.EDIT_REGISTRY),
}
ELSEWHERE = {
    # imports-ui
    "list-export": "exchange/tests/test_exports.py (POST only)",
    "import-columns": "exchange/tests/test_import_pages.py (a token of the session)",
    "import-run": "exchange/tests/test_import_pages.py (POST only)",
    "import-job": "exchange/tests/test_import_pages.py (a job of kind people.import)",
    "import-job-progress": "exchange/tests/test_import_pages.py (a job of kind people.import)",
    # Reports (exchange/reports): allowed with VIEW_AGGREGATES or RUN_EXPORTS, which one
    # capability here cannot say; every role is tried there.
    "project-report": "exchange/reports/tests/test_exports.py",
    "project-report-list": "exchange/reports/tests/test_exports.py",
    "project-report-detail": "exchange/reports/tests/test_exports.py",
}


def placeholders(*, system, case_worker, project, household, enrolment) -> dict:
    values = {}
    values |= _import_placeholders(project=project)
    return values


def _import_placeholders(*, project) -> dict:
    """A dry run of project A's lead with one warning (imports-ui)."""
    from homeward.exchange.models import ImportProblem, PeopleImport

    people_import = PeopleImport.objects.create(
        organisation=project.lead_organisation,
        project=project,
        filename="municipality-list.csv",
        file_format="csv",
        status=PeopleImport.Status.CHECKED,
        rows=1,
        warnings=1,
        mapping={"Prezime": "last_name"},
    )
    ImportProblem.objects.create(
        people_import=people_import,
        row=2,
        column="JMBG",
        field="national_id",
        value="0101990710001",
        message="The check digit is wrong.",
        severity=ImportProblem.Severity.WARNING,
    )
    return {"people_import": people_import.pk}
