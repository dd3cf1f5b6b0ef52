"""The assistance overlap report: what counts as the same assistance twice, the likely
duplicates that make two records one person, who sees what, the files and the command."""

from __future__ import annotations

import copy
import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Role
from homeward.accounts.services import membership_grant
from homeward.casework.assistance.models import AssistanceType, Delivery
from homeward.core.actors import Actor
from homeward.core.models import AuditEvent
from homeward.dedup.models import CandidatePair
from homeward.dedup.overlap import assistance_overlap
from homeward.dedup.tests.conftest import make_pair
from homeward.geo.models import Area
from homeward.registry.models import Household, Person
from homeward.registry.services import household_register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def strict_templates(settings):
    """The page's rows are rendered strictly: a misspelt variable fails the test."""
    from homeward.core.tests.test_pages import UndefinedVariable

    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = UndefinedVariable("%s")
    settings.TEMPLATES = templates


HANDED_OVER = date(2025, 5, 10)


def register(system, organisation, project, *people, number_of_members=1) -> Household:
    """A household of ``people`` (first and last names), the first its head."""
    return household_register(
        actor=system,
        organisation=organisation,
        project=project,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "accommodation": "collective_centre",
        },
        members=[
            {
                "relationship_to_head": "head" if index == 0 else "child",
                "first_name": first,
                "last_name": last,
                "sex": "male",
                "date_of_birth": date(1970 + index * 25, 5, 12),
                "displacement_status": "idp",
            }
            for index, (first, last) in enumerate(people)
        ],
        duplicate_reason="Overlap test data.",
    )


def deliver(to, *, project, organisation=None, code="aid-kit", status="delivered", **fields):
    """A delivery of ``code`` to a person (or, given a household, to the whole household)."""
    person = to if isinstance(to, Person) else None
    household = to.household if person else to
    return Delivery.objects.create(
        project=project,
        organisation=organisation or project.lead_organisation,
        assistance_type=AssistanceType.objects.get(code=code),
        household=household,
        person=person,
        status=status,
        actual_value=fields.pop("value", Decimal("100")),
        currency="EUR",
        handover_on=fields.pop("on", HANDED_OVER),
        **fields,
    )


@pytest.fixture
def dragan(household_a) -> Person:
    """The head of A's household (org A, project A)."""
    return household_a.members.get(relationship_to_head="head")


@pytest.fixture
def household_b(system, org_b, project_b) -> Household:
    """B's own family in B's project: nobody at A sees it."""
    return register(system, org_b, project_b, ("Arben", "Krasniqi"))


@pytest.fixture
def arben(household_b) -> Person:
    return household_b.members.get()


@pytest.fixture
def dragan_at_b(system, org_b, project_b) -> Person:
    """Dragan registered a second time by B, in B's project, spelt without diacritics."""
    return register(system, org_b, project_b, ("Dragan", "Petrovic")).members.get()


def read(user, **criteria):
    return assistance_overlap(actor=Actor(user=user), **criteria)


# --- what counts -----------------------------------------------------------------------------


def test_the_same_type_from_two_organisations_is_an_overlap(
    manager_a, dragan, project_a, project_b
):
    mine = deliver(dragan, project=project_a, value=Decimal("80"))
    deliver(dragan, project=project_b, value=Decimal("95"))

    [row] = read(manager_a)

    assert row.record == dragan
    assert row.kind_label == "Aid kit"
    assert (row.organisations, row.projects, row.total_deliveries) == (2, 2, 2)
    assert [delivery.pk for delivery in row.deliveries] == [mine.pk]
    # B's delivery in B's project: counted, never shown, its organisation not named.
    [theirs] = row.by_others
    assert (theirs.count, theirs.organisation) == (1, None)
    assert theirs.description == "1 delivery of the same kind by another organisation"
    assert row.values == {"EUR": Decimal("80")}
    assert not row.through_duplicate


def test_two_projects_of_one_organisation_overlap_only_across_projects(
    manager_a, dragan, project_a, project_a2
):
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_a2)

    assert read(manager_a) == []
    [row] = read(manager_a, across="project")
    assert (row.organisations, row.projects, len(row.deliveries)) == (1, 2, 2)


def test_different_types_overlap_only_by_category(manager_a, dragan, project_a, project_b):
    deliver(dragan, project=project_a, code="aid-kit")
    deliver(dragan, project=project_b, code="food-items")
    deliver(dragan, project=project_b, code="legal-aid")

    assert read(manager_a) == []
    [row] = read(manager_a, kind="category")
    assert row.kind_label == "Basic needs"
    assert row.total_deliveries == 2


@pytest.mark.parametrize("status", ["planned", "approved", "cancelled"])
def test_deliveries_not_handed_over_do_not_count(manager_a, dragan, project_a, project_b, status):
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b, status=status)

    assert read(manager_a) == []


def test_a_verified_delivery_counts(manager_a, dragan, project_a, project_b):
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b, status="verified")

    assert len(read(manager_a)) == 1


def test_the_period_is_the_handover_date_both_ends_included(
    manager_a, dragan, project_a, project_b
):
    deliver(dragan, project=project_a, on=date(2025, 1, 31))
    deliver(dragan, project=project_b, on=date(2025, 3, 1))

    assert len(read(manager_a, since=date(2025, 1, 31), until=date(2025, 3, 1))) == 1
    assert read(manager_a, since=date(2025, 2, 1)) == []
    assert read(manager_a, until=date(2025, 2, 28)) == []


def test_a_type_or_a_category_narrows_the_report(manager_a, dragan, project_a, project_b):
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b)
    deliver(dragan, project=project_a, code="legal-aid")
    deliver(dragan, project=project_b, code="legal-aid")

    assert len(read(manager_a)) == 2
    [row] = read(manager_a, assistance_type=AssistanceType.objects.get(code="legal-aid"))
    assert row.assistance_type.code == "legal-aid"
    [row] = read(manager_a, category="basic_needs")
    assert row.assistance_type.code == "aid-kit"


def test_a_project_keeps_the_overlaps_with_a_delivery_in_it(
    manager_a, dragan, household_a, project_a, project_a2, project_b
):
    milica = household_a.members.get(relationship_to_head="child")
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b)
    deliver(milica, project=project_a2)
    deliver(milica, project=project_b)

    assert [row.record for row in read(manager_a, project=project_a2)] == [milica]


def test_households_count_what_any_member_and_the_household_received(
    manager_a, dragan, household_a, project_a, project_b
):
    deliver(household_a, project=project_a, code="food-items")
    deliver(dragan, project=project_b, code="food-items")

    assert read(manager_a) == []
    [row] = read(manager_a, unit="household")
    assert row.record == household_a
    assert row.name == dragan.full_name  # the head
    assert row.total_deliveries == 2


# --- likely duplicates -----------------------------------------------------------------------


def test_two_records_of_a_likely_duplicate_count_as_one_person(
    manager_a, dragan, dragan_at_b, project_a, project_b
):
    deliver(dragan, project=project_a)
    deliver(dragan_at_b, project=project_b)
    assert read(manager_a) == []

    pair = make_pair(dragan, dragan_at_b)
    [row] = read(manager_a)

    assert row.record == dragan
    assert row.through_duplicate
    [link] = row.pairs
    assert link.id == pair.pk
    assert link.explanation == "through a likely duplicate, not yet reviewed"
    # B's record is not A's to review: no link to a page that would answer 404.
    assert not link.reviewable
    assert row.others == []
    assert [other.count for other in row.by_others] == [1]


def test_a_pair_marked_unsure_still_joins_and_says_so(
    manager_a, dragan, dragan_at_b, project_a, project_b
):
    deliver(dragan, project=project_a)
    deliver(dragan_at_b, project=project_b)
    make_pair(dragan, dragan_at_b, status=CandidatePair.Status.UNSURE)

    [row] = read(manager_a)
    assert row.pairs[0].explanation == "through a likely duplicate, marked unsure"


@pytest.mark.parametrize("status", [CandidatePair.Status.NOT_SAME, CandidatePair.Status.SAME])
def test_a_decided_pair_joins_nothing(manager_a, dragan, dragan_at_b, project_a, project_b, status):
    deliver(dragan, project=project_a)
    deliver(dragan_at_b, project=project_b)
    make_pair(dragan, dragan_at_b, status=status)

    assert read(manager_a) == []
    assert read(manager_a, unit="household") == []


def test_likely_duplicates_chain_and_join_households(
    manager_a, system, org_a, dragan, dragan_at_b, project_a, project_a2, project_b
):
    """Dragan at B ~ Dragan ~ Dragan once more at A: one person, and their three households
    one household; A sees two of the records and may review the pair between them."""
    third = register(system, org_a, project_a2, ("Dragan", "Petrović Milanov")).members.get()
    make_pair(dragan, dragan_at_b)
    reviewable = make_pair(dragan, third, 0.97)
    deliver(third, project=project_a2)
    deliver(dragan_at_b, project=project_b)

    [row] = read(manager_a)
    assert row.record == third  # the record A sees that received it
    assert [other.household_number for other in row.others] == [dragan.household.number]
    assert {link.id: link.reviewable for link in row.pairs}[reviewable.pk] is True
    assert sum(link.reviewable for link in row.pairs) == 1

    [row] = read(manager_a, unit="household")
    assert row.through_duplicate
    assert row.total_deliveries == 2


# --- who sees what ---------------------------------------------------------------------------


def test_another_organisations_manager_sees_their_own_people_only(
    manager_b, dragan, arben, project_a, project_b
):
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b)
    deliver(arben, project=project_b)
    deliver(arben, project=project_a)

    [row] = read(manager_b)
    assert row.record == arben
    assert [delivery.project for delivery in row.deliveries] == [project_b]
    assert row.by_others[0].organisation is None


def test_an_organisation_is_named_when_its_project_is_open_to_the_reader(
    system, manager_a, org_b, dragan, project_a, project_b
):
    membership_grant(actor=system, user=manager_a, organisation=org_b, role=Role.DONOR_VIEWER)
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b)

    [row] = read(manager_a)
    assert row.by_others[0].description == ("1 delivery of the same kind by Organisation B")
    assert row.deliveries[0].project == project_a


def test_the_page_lists_rows_for_the_roles_that_coordinate(
    client_for, make_user, org_a, manager_a, dpo_a, dragan, project_a, project_b
):
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b)
    me_officer = make_user(org_a, Role.ME_OFFICER)

    for reader in (manager_a, dpo_a, me_officer):
        page = client_for(reader).get("/duplicates/overlap/")
        assert page.status_code == 200, reader
        assert "Petrović" in page.content.decode()
        assert "1 delivery of the same kind by another organisation" in page.content.decode()


def test_the_page_and_the_api_are_not_there_for_other_roles(
    client_for, api_client_for, case_worker_a, donor_viewer, admin_a
):
    for user in (case_worker_a, donor_viewer, admin_a):
        assert client_for(user).get("/duplicates/overlap/").status_code == 404
        answer = api_client_for(user).get("/api/v1/assistance-overlap/")
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"


def test_the_page_never_names_another_organisations_person(
    client_for, manager_b, dragan, arben, project_a, project_b
):
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b)
    deliver(arben, project=project_a)
    deliver(arben, project=project_b)

    html = client_for(manager_b).get("/duplicates/overlap/").content.decode()
    assert "Krasniqi" in html
    assert "Petrović" not in html
    assert dragan.household.number not in html


def test_the_page_links_a_pair_the_reader_may_review(
    client_for, manager_a, system, org_a, dragan, project_a, project_a2
):
    twin = register(system, org_a, project_a2, ("Dragan", "Petrovic")).members.get()
    pair = make_pair(dragan, twin)
    deliver(dragan, project=project_a)
    deliver(twin, project=project_a2)

    browser = client_for(manager_a)
    for unit in ("person", "household"):
        html = browser.get(f"/duplicates/overlap/?across=project&unit={unit}").content.decode()
        assert f'href="/duplicates/pairs/{pair.pk}/"' in html
        assert "through a likely duplicate, not yet reviewed" in html
        assert f'also recorded as <a href="/registry/households/{twin.household.number}/"' in (html)


# --- the API -------------------------------------------------------------------------------


def test_the_api_answers_the_rows(api_client, dragan, project_a, project_b):
    mine = deliver(dragan, project=project_a)
    deliver(dragan, project=project_b)

    answer = api_client.get("/api/v1/assistance-overlap/", {"unit": "person"})

    assert answer.status_code == 200
    [row] = answer.json()["results"]
    assert row["person"] == dragan.pk
    assert row["household"] == dragan.household.number
    assert row["assistance_type"] == "aid-kit"
    assert [delivery["id"] for delivery in row["deliveries"]] == [mine.pk]
    assert row["deliveries_by_others"] == [
        {
            "count": 1,
            "organisation": None,
            "project": None,
            "description": "1 delivery of the same kind by another organisation",
        }
    ]
    assert row["values"] == {"EUR": "100.00"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"since": "2025-13-01"}, "since", "Give the date as YYYY-MM-DD"),
        ({"since": "2025-06-01", "until": "2025-05-01"}, "until", "before its start"),
        ({"type": "no-such-kit"}, "type", "No type of assistance has the code no-such-kit."),
        ({"category": "luxuries"}, "category", "luxuries is not a category of assistance"),
        ({"unit": "family"}, "unit", "family is not one of the choices: person, household."),
        ({"project": "project-b"}, "project", "No project with the code project-b"),
    ],
)
def test_bad_criteria_are_refused_naming_the_field(
    api_client, client_for, manager_a, project_b, query, field, message
):
    answer = api_client.get("/api/v1/assistance-overlap/", query)
    assert answer.status_code == 400
    assert message in " ".join(answer.json()["error"]["fields"][field])

    page = client_for(manager_a).get("/duplicates/overlap/", query)
    assert page.status_code == 400
    assert message in page.content.decode()


# --- files -----------------------------------------------------------------------------------


def test_the_download_is_formula_safe_and_audited(
    client_for, manager_a, org_a, dragan, project_a, project_a2
):
    Organisation.objects.filter(pk=org_a.pk).update(name='=HYPERLINK("http://evil.test")')
    Person.objects.filter(pk=dragan.pk).update(first_name="+Dragan", father_name="")
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_a2)
    browser = client_for(manager_a)

    answer = browser.post("/duplicates/overlap/?across=project", {"format": "csv"})

    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="assistance-overlap-')
    lines = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(lines) == 2
    assert lines[0]["name"] == "'+Dragan Petrović"
    assert lines[0]["organisation"] == '\'=HYPERLINK("http://evil.test")'
    event = AuditEvent.objects.get(action="export.assistance_overlap")
    assert event.actor == manager_a
    assert event.changes["filters"]["after"] == {"across": "project"}
    assert event.changes["rows"]["after"] == 1

    answer = browser.post("/duplicates/overlap/?across=project", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(answer.content)).active
    cells = {cell.value: cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row}
    assert cells['\'=HYPERLINK("http://evil.test")'] == "s"
    assert AuditEvent.objects.filter(action="export.assistance_overlap").count() == 2


def test_an_unknown_format_is_refused(client_for, manager_a):
    answer = client_for(manager_a).post("/duplicates/overlap/", {"format": "pdf"})
    assert answer.status_code == 400
    assert "Choose CSV or XLSX." in answer.content.decode()
    assert not AuditEvent.objects.filter(action="export.assistance_overlap").exists()


# --- the command -----------------------------------------------------------------------------


def test_the_command_writes_the_report_and_audits_it(
    tmp_path, manager_a, dragan, project_a, project_b
):
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b)
    out = tmp_path / "overlap.xlsx"

    call_command("assistance_overlap", "--user", manager_a.username, "--out", str(out))

    sheet = load_workbook(out).active
    assert [cell.value for cell in sheet[1]][:4] == ["row", "unit", "household_id", "name"]
    assert sheet.max_row == 3  # header, A's delivery, B's counted
    event = AuditEvent.objects.get(action="export.assistance_overlap")
    assert event.via == "cli"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--since", "2025-02-30"], "--since: Give the date as YYYY-MM-DD"),
        (["--type", "no-such-kit"], "--type: No type of assistance has the code no-such-kit."),
        (["--user", "caseworker-a"], "caseworker-a may not read the assistance overlap report."),
        (["--user", "nobody-at-all"], "No user is called 'nobody-at-all'."),
    ],
)
def test_the_command_refuses_naming_the_option(tmp_path, case_worker_a, arguments, message):
    out = tmp_path / "overlap.csv"
    with pytest.raises(CommandError, match=message):
        call_command("assistance_overlap", *arguments, "--out", str(out))
    assert not out.exists()
    assert not AuditEvent.objects.filter(action="export.assistance_overlap").exists()


def test_the_command_exits_with_status_1_when_refused(tmp_path, capsys, db):
    from django.core.management import ManagementUtility

    out = tmp_path / "overlap.pdf"
    with pytest.raises(SystemExit) as exit_status:
        ManagementUtility(["homeward", "assistance_overlap", "--out", str(out)]).execute()
    assert exit_status.value.code == 1
    assert "Name a file ending in .csv or .xlsx." in capsys.readouterr().err


def test_the_command_writes_csv_to_standard_output(capsysbinary, dragan, project_a, project_b):
    deliver(dragan, project=project_a)
    deliver(dragan, project=project_b)

    call_command("assistance_overlap", "--out", "-")

    written = capsysbinary.readouterr()
    lines = list(csv.DictReader(io.StringIO(written.out.decode("utf-8-sig"))))
    # The operator sees every delivery.
    assert [line["organisation"] for line in lines] == ["Organisation A", "Organisation B"]
    assert b"1 overlaps (2 lines) written to standard output" in written.err


# --- speed ---------------------------------------------------------------------------------


def _overlapping_people(system, org_a, org_b, project_a, project_b, letters):
    """Per letter, Ana registered by A and by B (a likely duplicate): an aid kit from both
    organisations to A's record, food from each to its own record."""
    for letter in letters:
        name = f"Ana {letter}"
        a = register(system, org_a, project_a, (name, "Jovanović")).members.get()
        b = register(system, org_b, project_b, (name, "Jovanovic")).members.get()
        deliver(a, project=project_a)
        deliver(a, project=project_b)
        deliver(b, project=project_b, code="food-items")
        deliver(a, project=project_a, code="food-items")
        make_pair(a, b)


@pytest.mark.parametrize("unit", ["person", "household"])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    system, manager_a, org_a, org_b, project_a, project_b, unit
):
    def queries(letters):
        _overlapping_people(system, org_a, org_b, project_a, project_b, letters)
        actor = Actor(user=manager_a)
        with CaptureQueriesContext(connection) as captured:
            rows = assistance_overlap(actor=actor, unit=unit)
        return len(rows), len(captured)

    few_rows, few_queries = queries("ab")
    many_rows, many_queries = queries("cdefghijkl")
    assert (few_rows, many_rows) == (4, 24)
    assert many_queries == few_queries
