"""``homeward export-list``: the API's export from the command line, with the same filters, rules,
file and audit event (channel ``cli``)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from homeward.core.models import AuditEvent, Job
from homeward.exchange import lists
from homeward.exchange.tests.conftest import FORMULA

pytestmark = pytest.mark.django_db


def _cli(*args):
    call_command("export_list", *args)


def _api(api_client_for, user, name, query):
    response = api_client_for(user).get(f"/api/v1/exports/{name}/?{query}")
    assert response.status_code == 200, response.content
    return response.content


def _values(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.values)


def test_the_csv_file_is_the_apis_byte_for_byte(
    tmp_path,
    api_client_for,
    manager_a,
    household_a,
    formula_household,
    household_b,
):
    out = tmp_path / "people.csv"
    _cli("people", "--format", "csv", "--out", str(out), "--user", "manager-a", "--q", "Jovanović")
    expected = _api(api_client_for, manager_a, "people", "format=csv&q=Jovanovi%C4%87")
    assert out.read_bytes() == expected
    text = out.read_bytes().decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text
    assert "Dragan" not in text
    assert "Besa" not in text


@pytest.mark.parametrize(
    ("name", "options", "query"),
    [
        ("people", ["--displacement-status", "idp"], "displacement_status=idp"),
        ("households", ["--sort", "number"], "sort=number"),
        (
            "deliveries",
            ["--project", "project-a", "--status", "planned"],
            "project=project-a&status=planned",
        ),
    ],
)
def test_each_list_as_csv_equals_the_apis(
    name,
    options,
    query,
    tmp_path,
    api_client_for,
    manager_a,
    household_a,
    deliveries,
):
    out = tmp_path / f"{name}.csv"
    _cli(name, "--format", "csv", "--out", str(out), "--user", "manager-a", *options)
    assert out.read_bytes() == _api(api_client_for, manager_a, name, f"format=csv&{query}")
    assert len(out.read_bytes().decode("utf-8-sig").splitlines()) > 1


def test_the_xlsx_file_holds_what_the_apis_holds_and_formulas_stay_text(
    tmp_path,
    api_client_for,
    case_worker_a,
    deliveries,
):
    out = tmp_path / "deliveries.xlsx"
    _cli(
        "deliveries",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--user",
        case_worker_a.username,
        "--project",
        "project-a",
    )
    expected = _api(api_client_for, case_worker_a, "deliveries", "format=xlsx&project=project-a")
    assert _values(out.read_bytes()) == _values(expected)
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    settlements = [row[header.index("settlement")] for row in sheet.iter_rows(min_row=2)]
    formula = next(cell for cell in settlements if cell.value == "'=1+1")
    assert formula.data_type == "s"


def test_the_attendance_of_an_activity_equals_the_apis(
    tmp_path,
    api_client_for,
    case_worker_a,
    activity,
):
    out = tmp_path / "attendance.xlsx"
    _cli(
        "attendance",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--user",
        case_worker_a.username,
        "--activity",
        str(activity.pk),
    )
    expected = _api(
        api_client_for, case_worker_a, "attendance", f"format=xlsx&activity={activity.pk}"
    )
    assert _values(out.read_bytes()) == _values(expected)
    assert _values(out.read_bytes())[1][1:4] == ("Dragan", "Milan", "Petrović")


def test_the_export_is_audited_with_channel_cli(tmp_path, manager_a, household_a):
    _cli(
        "people",
        "--format",
        "xlsx",
        "--out",
        str(tmp_path / "p.xlsx"),
        "--user",
        "manager-a",
        "--displacement-status",
        "idp",
    )
    event = AuditEvent.objects.get(action="export.people")
    assert event.via == "cli"
    assert event.actor == manager_a
    assert event.changes["filters"]["after"] == {"displacement_status": "idp"}
    assert event.changes["format"]["after"] == "xlsx"
    assert event.changes["rows"]["after"] == 2


def test_a_long_list_is_written_at_once_without_a_job(
    tmp_path,
    manager_a,
    household_a,
    formula_household,
    monkeypatch,
):
    monkeypatch.setattr(lists, "DIRECT_ROWS", 1)
    out = tmp_path / "people.xlsx"
    _cli("people", "--format", "xlsx", "--out", str(out), "--user", "manager-a")
    assert len(_values(out.read_bytes())) == 1 + 3
    assert not Job.objects.exists()
    assert AuditEvent.objects.get(action="export.people").changes["rows"]["after"] == 3


def test_standard_output_gets_the_same_csv(capsysbinary, api_client_for, manager_a, household_a):
    _cli("households", "--format", "csv", "--out", "-", "--user", "manager-a")
    assert capsysbinary.readouterr().out == _api(
        api_client_for, manager_a, "households", "format=csv"
    )


@pytest.fixture
def folder(tmp_path):
    """Where the refused exports would have been written."""
    path = tmp_path / "exports"
    path.mkdir()
    return path


def _refused(folder, *args) -> CommandError:
    with pytest.raises(CommandError) as refusal:
        _cli(*args)
    assert refusal.value.returncode != 0
    assert list(folder.iterdir()) == [], "nothing is written, not even a temporary file"
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()
    return refusal.value


def test_a_user_who_may_not_export_is_refused_and_nothing_is_written(
    folder,
    case_worker_a,
    manager_b,
    donor_viewer,
    deliveries,
):
    out = str(folder / "out.csv")
    error = _refused(
        folder, "people", "--format", "csv", "--out", out, "--user", case_worker_a.username
    )
    assert "may not export the people list" in str(error)
    error = _refused(
        folder,
        *("deliveries", "--format", "csv", "--out", out, "--user", "manager-b"),
        *("--project", "project-a"),
    )
    assert "project-a" in str(error)
    _refused(
        folder,
        *("households", "--format", "xlsx", "--out", out, "--user", "donor-viewer"),
    )


def test_an_activity_of_another_organisation_is_refused(folder, manager_b, activity):
    out = str(folder / "out.csv")
    error = _refused(
        folder,
        *("attendance", "--format", "csv", "--out", out, "--user", "manager-b"),
        *("--activity", str(activity.pk)),
    )
    assert "attendance" in str(error)


def test_bad_filters_and_missing_ones_are_named(folder, manager_a, household_a):
    out = str(folder / "out.csv")
    error = _refused(
        folder,
        *("people", "--format", "csv", "--out", out, "--user", "manager-a"),
        *("--project", "no-such-project"),
    )
    assert str(error).startswith("project:")
    error = _refused(folder, "deliveries", "--format", "csv", "--out", out, "--user", "manager-a")
    assert str(error).startswith("project:")
    error = _refused(folder, "attendance", "--format", "csv", "--out", out, "--user", "manager-a")
    assert str(error).startswith("activity:")


def test_an_unknown_list_format_or_user_is_refused(folder, manager_a, household_a):
    out = str(folder / "out.csv")
    error = _refused(folder, "passwords", "--format", "csv", "--out", out, "--user", "manager-a")
    assert "invalid choice" in str(error)
    error = _refused(folder, "people", "--format", "pdf", "--out", out, "--user", "manager-a")
    assert "invalid choice" in str(error)
    error = _refused(folder, "people", "--format", "csv", "--out", out, "--user", "nobody")
    assert "nobody" in str(error)
    error = _refused(
        folder,
        *("people", "--format", "csv", "--out", str(folder / "no" / "out.csv")),
        *("--user", "manager-a"),
    )
    assert "no folder" in str(error)
