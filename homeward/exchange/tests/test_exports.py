"""Exports of lists: who may export what, only rows in scope, audited, formulas made inert."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from homeward.accounts.roles import Role
from homeward.core.models import AuditEvent, Job
from homeward.exchange import lists
from homeward.exchange.tests.conftest import FORMULA

pytestmark = pytest.mark.django_db


def _csv_rows(response) -> list[list[str]]:
    content = b"".join(response) if hasattr(response, "streaming_content") else response.content
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark for UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _export(browser, name, query="", file_format="csv"):
    return browser.post(f"/exports/{name}/{'?' + query if query else ''}", {"format": file_format})


# --- people and households ------------------------------------------------------------------


def test_a_manager_exports_the_people_the_registry_search_finds(
    client_for, manager_a, household_a, household_b
):
    response = _export(client_for(manager_a), "people", "q=Petrovi%C4%87")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header == lists.PEOPLE_HEADER
    assert sorted(row[2] for row in rows) == ["Dragan", "Milica"]
    assert {row[0] for row in rows} == {household_a.number}
    dragan = next(row for row in rows if row[2] == "Dragan")
    assert dragan[5] == "M"
    assert dragan[6] == "1970-05-12"
    assert dragan[10] == "idp"
    assert dragan[7] == "no"  # the whole date of birth is known


def test_only_rows_in_the_actors_scope_are_exported(
    client_for, manager_a, household_a, household_b
):
    _header, *rows = _csv_rows(_export(client_for(manager_a), "people"))
    assert "Besa" not in {row[2] for row in rows}
    assert len(rows) == 2


def test_the_export_is_audited_with_filters_and_row_count(
    client_for, manager_a, household_a, org_a
):
    _export(client_for(manager_a), "people", "q=Dragan&displacement_status=idp", "xlsx")
    event = AuditEvent.objects.get(action="export.people")
    assert event.actor == manager_a
    assert event.organisation == org_a
    assert event.changes["filters"]["after"] == {"q": "Dragan", "displacement_status": "idp"}
    assert event.changes["rows"]["after"] == 1
    assert event.changes["format"]["after"] == "xlsx"


def test_a_cell_starting_with_equals_stays_text_in_csv_and_xlsx(
    client_for, manager_a, formula_household
):
    browser = client_for(manager_a)
    _header, *rows = _csv_rows(_export(browser, "people", "q=Jovanovi%C4%87"))
    assert rows[0][13] == "'" + FORMULA
    assert rows[0][12] == "'=1+1"

    response = _export(browser, "people", "q=Jovanovi%C4%87", "xlsx")
    assert response["Content-Type"] == lists.CONTENT_TYPES["xlsx"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=14)
    assert cell.data_type == "s"
    assert isinstance(cell.value, str)
    assert cell.value == "'" + FORMULA
    # Dates stay dates a spreadsheet can sort.
    assert isinstance(sheet.cell(row=2, column=7).value, datetime.datetime)


def test_households_are_exported_with_their_head_and_size(client_for, manager_a, household_a):
    response = _export(client_for(manager_a), "households", "show=households", "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert list(rows[0]) == lists.HOUSEHOLDS_HEADER
    assert rows[1][:4] == (household_a.number, "Dragan", "Petrović", 2)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PROJECT_MANAGER, True),
        (Role.ME_OFFICER, True),
        (Role.DATA_PROTECTION_OFFICER, True),
        (Role.CASE_WORKER, False),
        (Role.SELECTION_COMMITTEE, False),
        (Role.DONOR_VIEWER, False),
        (Role.ADMINISTRATOR, False),
        (Role.INFO_DESK_OPERATOR, False),
    ],
)
def test_who_may_export_the_registry(role, allowed, make_user, org_a, client_for, household_a):
    browser = client_for(make_user(org_a, role))
    response = _export(browser, "people")
    assert response.status_code == (200 if allowed else 404)
    assert AuditEvent.objects.filter(action="export.people").exists() == allowed


def test_the_export_button_follows_the_filters_of_the_search_page(
    client_for, manager_a, case_worker_a, household_a
):
    page = client_for(manager_a).get("/registry/?q=Dragan&show=people")
    assert b'action="/exports/people/?q=Dragan&amp;show=people"' in page.content
    assert b'value="xlsx"' in page.content
    page = client_for(case_worker_a).get("/registry/?q=Dragan")
    assert b"/exports/" not in page.content


def test_an_unknown_list_or_format_is_refused(client_for, manager_a, household_a):
    browser = client_for(manager_a)
    assert _export(browser, "passwords").status_code == 404
    response = _export(browser, "people", file_format="pdf")
    assert response.status_code == 400
    assert "CSV or XLSX" in response.content.decode()
    assert browser.get("/exports/people/").status_code == 405
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_bad_filters_are_named(client_for, manager_a, household_a):
    response = _export(client_for(manager_a), "people", "project=no-such-project")
    assert response.status_code == 400
    assert "project" in response.content.decode()


def test_the_export_form_is_csrf_protected(manager_a, household_a):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager_a)
    assert browser.post("/exports/people/", {"format": "csv"}).status_code == 403


# --- deliveries and attendance --------------------------------------------------------------


def test_a_case_worker_exports_the_distribution_list_of_their_project(
    client_for, case_worker_a, deliveries, household_a, project_a
):
    browser = client_for(case_worker_a)
    page = browser.get("/projects/project-a/deliveries/")
    assert b'action="/exports/deliveries/?project=project-a"' in page.content
    response = _export(browser, "deliveries", "project=project-a&status=planned", "xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == lists.DELIVERIES_HEADER
    assert len(rows) == 3
    numbers = {row[4] for row in rows[1:]}
    assert household_a.number in numbers
    assert {row[9] for row in rows[1:]} == {"Mirijevo", "'=1+1"}
    assert {row[12] for row in rows[1:]} == {80}
    event = AuditEvent.objects.get(action="export.deliveries")
    assert event.target_id == str(project_a.pk)
    assert event.changes["filters"]["after"] == {"project": "project-a", "status": "planned"}
    assert event.changes["rows"]["after"] == 2


def test_deliveries_of_a_project_out_of_scope_are_not_there(
    client_for, case_worker_a, manager_b, deliveries, donor_viewer
):
    assert _export(client_for(manager_b), "deliveries", "project=project-a").status_code == 404
    assert _export(client_for(donor_viewer), "deliveries", "project=project-a").status_code == 404
    response = _export(client_for(case_worker_a), "deliveries")
    assert response.status_code == 400
    assert "project" in response.content.decode()


def test_a_selection_committee_member_may_not_export_deliveries(
    make_user, org_a, client_for, deliveries
):
    member = make_user(org_a, Role.SELECTION_COMMITTEE)
    assert _export(client_for(member), "deliveries", "project=project-a").status_code == 404


def test_the_attendance_of_an_activity_is_exported_session_by_session(
    client_for, case_worker_a, activity
):
    browser = client_for(case_worker_a)
    page = browser.get(f"/activities/{activity.pk}/")
    assert f'action="/exports/attendance/?activity={activity.pk}"'.encode() in page.content
    header, *rows = _csv_rows(_export(browser, "attendance", f"activity={activity.pk}"))
    session_date = (activity.planned_start + datetime.timedelta(days=1)).isoformat()
    assert header[:7] == [
        "household_id",
        "first_name",
        "father_name",
        "last_name",
        "sex",
        "year_of_birth",
        "enrolled_on",
    ]
    assert f"session_{session_date}" in header
    assert rows[0][1:4] == ["Dragan", "Milan", "Petrović"]
    assert rows[0][header.index(f"session_{session_date}")] == "1"
    assert AuditEvent.objects.get(action="export.attendance").changes["rows"]["after"] == 1


def test_attendance_of_another_organisation_is_not_there(client_for, manager_b, activity):
    assert (
        _export(client_for(manager_b), "attendance", f"activity={activity.pk}").status_code == 404
    )
    assert _export(client_for(manager_b), "attendance", "activity=abc").status_code == 404


# --- long lists through a background job ----------------------------------------------------


def test_a_long_list_is_written_by_a_job_whose_page_offers_the_file(
    client_for, manager_a, household_a, monkeypatch, django_capture_on_commit_callbacks, settings
):
    from django.tasks import default_task_backend  # noqa: F401

    from homeward.core.jobs import run_job

    monkeypatch.setattr(lists, "DIRECT_ROWS", 1)
    browser = client_for(manager_a)
    response = _export(browser, "people", "displacement_status=idp", "xlsx")
    job = Job.objects.get(kind=lists.JOB_KIND)
    assert response.status_code == 302
    assert response.url == f"/jobs/{job.pk}/"
    assert job.params["filters"] == {"displacement_status": "idp"}
    assert not AuditEvent.objects.filter(action="export.people").exists()

    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["rows"] == 2
    assert (job.progress_done, job.progress_total) == (2, 2)
    assert browser.get(f"/jobs/{job.pk}/").status_code == 200
    download = browser.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert len(list(workbook.active.values)) == 3
    event = AuditEvent.objects.get(action="export.people")
    assert event.changes["rows"]["after"] == 2
    assert event.via == "task"


# --- the API ----------------------------------------------------------------------------------


def test_the_api_exports_with_format_csv(api_client_for, manager_a, household_a, formula_household):
    api = api_client_for(manager_a)
    response = api.get("/api/v1/exports/people/?format=csv&q=Jovanovi%C4%87")
    assert response.status_code == 200
    _header, *rows = _csv_rows(response)
    assert rows[0][13] == "'" + FORMULA
    event = AuditEvent.objects.get(action="export.people")
    assert event.via == "api"


def test_the_api_lists_the_exports_open_to_the_caller(api_client_for, manager_a, case_worker_a):
    names = [
        entry["name"]
        for entry in api_client_for(manager_a).get("/api/v1/exports/").json()["exports"]
    ]
    assert names == ["people", "households", "deliveries", "attendance"]
    names = [
        entry["name"]
        for entry in api_client_for(case_worker_a).get("/api/v1/exports/").json()["exports"]
    ]
    assert names == ["deliveries", "attendance"]


def test_the_api_refuses_what_the_pages_refuse(
    api_client_for, manager_a, case_worker_a, donor_viewer, household_a
):
    response = api_client_for(case_worker_a).get("/api/v1/exports/people/?format=csv")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api_client_for(donor_viewer).get("/api/v1/exports/").status_code == 404
    response = api_client_for(manager_a).get("/api/v1/exports/people/?format=ods")
    assert response.status_code == 400
    assert "format" in response.json()["error"]["fields"]
    response = api_client_for(manager_a).get("/api/v1/exports/deliveries/?format=csv")
    assert "project" in response.json()["error"]["fields"]


def test_the_api_answers_a_job_for_a_long_list(api_client_for, manager_a, household_a, monkeypatch):
    monkeypatch.setattr(lists, "DIRECT_ROWS", 1)
    response = api_client_for(manager_a).get("/api/v1/exports/people/?format=xlsx")
    assert response.status_code == 202
    job = Job.objects.get(kind=lists.JOB_KIND)
    assert response.json()["job"] == str(job.pk)
