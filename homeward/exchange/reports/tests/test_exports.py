"""Reports of project A from the pages, the API and the command line: who may take them out,
what they hold, and that each is audited."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from lxml import etree
from openpyxl import load_workbook

from homeward.accounts.roles import Role
from homeward.core.actors import Actor
from homeward.core.models import AuditEvent
from homeward.exchange.reports import iati
from homeward.exchange.reports.services import FORMATS, report_export
from homeward.exchange.reports.tests.conftest import AS_OF, NAMES
from homeward.results.selectors import project_figures

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
    "iati": "application/xml",
}
FILENAMES = {
    "docx": "project-a-progress-report-2025-12-31.docx",
    "xlsx": "project-a-progress-report-2025-12-31.xlsx",
    "csv": "project-a-figures-2025-12-31.csv",
    "hxl": "project-a-3w-2025-12-31.hxl.csv",
    "iati": "project-a-iati-2025-12-31.xml",
}


def _url(report_format, as_of=AS_OF):
    return f"/projects/project-a/reports/{report_format}/?as_of={as_of}"


def readable_text(report_format: str, content: bytes) -> str:
    """Everything a reader of the file sees, as text."""
    if report_format == "docx":
        document = Document(io.BytesIO(content))
        parts = [p.text for p in document.paragraphs]
        parts += [
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        ]
        core = document.core_properties
        parts += [core.title or "", core.author or "", core.comments or ""]
        return "\n".join(parts)
    if report_format == "xlsx":
        workbook = load_workbook(io.BytesIO(content))
        return "\n".join(
            str(value)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("report_format", list(FORMATS))
def test_a_manager_downloads_each_format_and_it_is_audited(
    report_format, framework, manager_a, client_for
):
    response = client_for(manager_a).get(_url(report_format))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[report_format]
    assert response["Content-Disposition"] == (f'attachment; filename="{FILENAMES[report_format]}"')
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="report.export")
    assert event.actor == manager_a
    assert event.target_type == "programmes.project"
    assert event.target_label.startswith("project-a")
    assert event.changes["format"]["after"] == report_format
    assert event.changes["as_of"]["after"] == "2025-12-31"
    assert event.via == "ui"
    # Even for a manager, who sees the names on screen, the file suppresses small cells.
    text = readable_text(report_format, response.content)
    for name in NAMES:
        assert name not in text, (report_format, name)


@pytest.mark.parametrize("report_format", list(FORMATS))
def test_a_donor_viewer_gets_aggregates_and_never_a_name(
    report_format, framework, donor_viewer, client_for
):
    response = client_for(donor_viewer).get(_url(report_format))
    assert response.status_code == 200
    raw = response.content
    text = readable_text(report_format, raw)
    for name in NAMES:
        assert name not in text, (report_format, name)
        assert name.encode() not in raw, (report_format, name)
    if report_format == "docx":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
        for name in NAMES:
            assert name.encode() not in xml


@pytest.mark.parametrize(
    "role", [Role.DATA_PROTECTION_OFFICER, Role.ME_OFFICER, Role.ADMINISTRATOR]
)
def test_the_roles_with_aggregates_or_exports_may_report(
    role, framework, make_user, org_a, client_for
):
    user = make_user(org_a, role)
    assert client_for(user).get(_url("csv")).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.CASE_WORKER, Role.SELECTION_COMMITTEE, Role.INFO_DESK_OPERATOR]
)
def test_the_other_roles_find_no_reports(role, project_a, make_user, org_a, client_for):
    user = make_user(org_a, role)
    for report_format in FORMATS:
        assert client_for(user).get(_url(report_format)).status_code == 404


def test_another_organisations_project_is_not_found(
    project_a, project_b, manager_a, manager_b, client_for, api_client_for
):
    for report_format in FORMATS:
        assert client_for(manager_b).get(_url(report_format)).status_code == 404
        path = f"/projects/project-b/reports/{report_format}/"
        assert client_for(manager_a).get(path).status_code == 404
        response = api_client_for(manager_b).get(
            f"/api/v1/projects/project-a/reports/{report_format}/"
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert client_for(manager_a).get("/projects/no-such-project/reports/csv/").status_code == 404
    assert not AuditEvent.objects.filter(action="report.export").exists()


def test_an_unknown_format_is_not_found(project_a, manager_a, client_for, api_client_for):
    assert client_for(manager_a).get("/projects/project-a/reports/pdf/").status_code == 404
    api = api_client_for(manager_a)
    assert api.get("/api/v1/projects/project-a/reports/pdf/").status_code == 404


def test_a_bad_or_future_date_is_refused_naming_the_field(
    project_a, manager_a, client_for, api_client_for
):
    browser = client_for(manager_a)
    response = browser.get("/projects/project-a/reports/csv/?as_of=31.12.2025")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    response = browser.get("/projects/project-a/reports/csv/?as_of=2999-01-01")
    assert response.status_code == 400
    api = api_client_for(manager_a)
    response = api.get("/api/v1/projects/project-a/reports/iati/?as_of=yesterday")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["as_of"]
    assert not AuditEvent.objects.filter(action="report.export").exists()


def test_the_api_lists_the_formats_and_answers_the_file(framework, donor_viewer, api_client_for):
    api = api_client_for(donor_viewer)
    listing = api.get("/api/v1/projects/project-a/reports/")
    assert listing.status_code == 200
    body = listing.json()
    assert [r["format"] for r in body["reports"]] == list(FORMATS)
    assert body["reports"][4]["url"] == "/api/v1/projects/project-a/reports/iati/"
    response = api.get("/api/v1/projects/project-a/reports/iati/", {"as_of": "2025-12-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert iati.validation_errors(response.content) == []
    event = AuditEvent.objects.get(action="report.export")
    assert (event.via, event.actor) == ("api", donor_viewer)


def test_the_csv_numbers_equal_the_figures(framework, project_a, manager_a, client_for):
    response = client_for(manager_a).get(_url("csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures = project_figures(
        actor=Actor(user=manager_a), project=project_a, as_of=AS_OF, aggregate_only=True
    )
    checked = 0
    for indicator in figures.indicators:
        (actual,) = [
            r
            for r in rows
            if r["indicator"] == indicator.code
            and r["measure"] == "actual"
            and r["dimension"] == "total"
        ]
        if indicator.suppressed:
            assert (actual["value"], actual["suppressed"]) == ("<5", "true")
        else:
            assert Decimal(actual["value"]) == indicator.actual
            checked += 1
        for breakdown in indicator.breakdowns:
            for cell in breakdown.cells:
                (row,) = [
                    r
                    for r in rows
                    if (r["indicator"], r["dimension"], r["group"])
                    == (indicator.code, breakdown.dimension, cell.key)
                ]
                if cell.suppressed:
                    assert row["value"] == "<5"
                else:
                    assert Decimal(row["value"]) == cell.value
                    checked += 1
    assert checked >= 5
    kits = next(r for r in rows if r["indicator"] == "1.1.a" and r["measure"] == "actual")
    assert kits["value"] == "6"
    grants = next(r for r in rows if r["indicator"] == "1.1.b" and r["measure"] == "actual")
    assert (grants["value"], grants["suppressed"]) == ("<5", "true")


def test_the_docx_and_xlsx_carry_the_real_figures(framework, manager_a, client_for):
    browser = client_for(manager_a)
    document = Document(io.BytesIO(browser.get(_url("docx")).content))
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    kits = next(row for row in rows if row[0] == "1.1.a")
    assert kits[3:7] == ["0", "40", "6", "15 %"]
    assert kits[7].startswith("lagging")
    grants = next(row for row in rows if row[0] == "1.1.b")
    assert grants[5] == "fewer than 5"
    workbook = load_workbook(io.BytesIO(browser.get(_url("xlsx")).content))
    values = {row[2]: row for row in workbook["Indicators"].iter_rows(values_only=True)}
    assert values["1.1.a"][7] == 6
    assert values["1.1.b"][7] == "<5"
    assert workbook["Indicators"]._charts


def test_the_iati_file_of_the_project_validates(framework, project_a, system):
    report = report_export(actor=system, project=project_a, report_format="iati", as_of=AS_OF)
    assert iati.validation_errors(report.content) == []
    root = etree.fromstring(report.content)
    codes = [r.get("code") for r in root.iter("reference")]
    assert codes == ["R1.a", "1.1.a", "1.1.b"]
    grants = next(i for i in root.iter("indicator") if i.find("reference").get("code") == "1.1.b")
    actuals = grants.find("period").findall("actual")
    assert [a.get("value") for a in actuals] == [None]


def test_the_hxl_3w_counts_people_reached_by_organisation_what_where_and_month(
    framework, manager_a, client_for
):
    response = client_for(manager_a).get(_url("hxl"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    names, tags, *data = rows
    assert names[0] == "Organisation"
    assert tags[:6] == [
        "#org+name",
        "#org+code",
        "#sector+name",
        "#activity+code",
        "#activity+name",
        "#country+code",
    ]
    assert all(tag.startswith("#") for tag in tags)
    assert "#reached+f" in tags
    assert "#reached+age60plus" in tags
    row = {(r[3], r[9], r[10]): dict(zip(tags, r, strict=True)) for r in data}
    kits = row[("aid-kit", "RS-00-cukarica", "2025-05-01")]
    assert kits["#org+code"] == "org-a"
    assert kits["#adm1+code"] == "RS-00"
    assert kits["#date+end"] == "2025-05-31"
    assert (kits["#reached+f"], kits["#reached+m"], kits["#reached+total"]) == ("6", "0", "6")
    assert kits["#reached+age18_59"] == "6"
    grant = row[("income-grant-in-kind", "RS-00-zvezdara", "2025-03-01")]
    assert (grant["#reached+f"], grant["#reached+m"], grant["#reached+total"]) == (
        "<5",
        "<5",
        "<5",
    )
    training = row[("business_training", "RS-00-cukarica", "2025-06-01")]
    assert training["#reached+total"] == "5"
    assert training["#activity+name"] == "Business training"
    assert row[("business_training", "RS-00-zvezdara", "2025-06-01")]["#reached+total"] == "<5"
    for values in data:
        for tag, value in zip(tags, values, strict=True):
            if tag.startswith("#reached") and value not in ("<5", "x", "0"):
                assert int(value) >= 5, (tag, values)


def test_figures_as_of_an_earlier_day_leave_later_work_out(framework, manager_a, client_for):
    response = client_for(manager_a).get("/projects/project-a/reports/hxl/?as_of=2025-04-30")
    data = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))[2:]
    assert [r[3] for r in data] == ["income-grant-in-kind"]


def test_the_command_writes_the_file(framework, manager_a, tmp_path):
    out = tmp_path / "report.xlsx"
    call_command(
        "export", "xlsx", project="project-a", out=str(out), user="manager-a", as_of="2025-12-31"
    )
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Indicators", "Disaggregations", "Trend", "Budget"]
    event = AuditEvent.objects.get(action="report.export")
    assert (event.via, event.actor, event.changes["format"]["after"]) == ("cli", manager_a, "xlsx")


def test_the_command_refuses_an_unknown_project_with_a_non_zero_exit(
    project_a, manager_b, tmp_path, monkeypatch
):
    from django.db import connections

    from homeward.cli import main

    # A command run from the command line closes the connections when it ends: the test's too.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    out = tmp_path / "report.csv"
    for project, user in (("no-such-project", None), ("project-a", "manager-b")):
        arguments = ["homeward", "export", "csv", "--project", project, "--out", str(out)]
        if user:
            arguments += ["--user", user]
        with pytest.raises(SystemExit) as ended:
            main(arguments)
        assert ended.value.code == 1
    assert not out.exists()
    with pytest.raises(CommandError, match="as_of"):
        call_command("export", "csv", project="project-a", out=str(out), as_of="31.12.2025")
    with pytest.raises(CommandError, match="no folder"):
        call_command("export", "csv", project="project-a", out=str(tmp_path / "x" / "y.csv"))


def test_the_report_links_show_to_those_who_may_take_reports_out(
    project_a, manager_a, case_worker_a, donor_viewer, rf
):
    from django.template import Context, Template

    template = Template('{% include "exchange/_report_links.html" %}')

    def render(user):
        request = rf.get("/")
        request.user = user
        request.actor = Actor(user=user)
        return template.render(Context({"project": project_a, "request": request}))

    html = render(donor_viewer)
    for report_format in FORMATS:
        assert f"/projects/project-a/reports/{report_format}/" in html
    assert "IATI" in render(manager_a)
    assert render(case_worker_a).strip() == ""


def test_a_project_with_no_framework_and_no_casework_still_reports(
    project_b, manager_b, client_for
):
    browser = client_for(manager_b)
    for report_format in FORMATS:
        response = browser.get(f"/projects/project-b/reports/{report_format}/")
        assert response.status_code == 200, report_format
    iati_file = browser.get("/projects/project-b/reports/iati/").content
    assert iati.validation_errors(iati_file) == []
    hxl_rows = browser.get("/projects/project-b/reports/hxl/").content.decode().splitlines()
    assert len(hxl_rows) == 2
    assert AuditEvent.objects.filter(action="report.export").count() == len(FORMATS) + 2
