"""The people import engine: what it accepts, what it refuses and says, and what it writes."""

import io
import zipfile
from datetime import date

import pytest
from django.http import Http404
from openpyxl import Workbook

from homeward.accounts.roles import Role
from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.conftest import CHILD_A, HEAD_A
from homeward.core.models import AuditEvent
from homeward.exchange.imports.columns import TEMPLATE_COLUMNS
from homeward.exchange.imports.services import (
    headers_of,
    import_check,
    people_import,
    template_file,
)
from homeward.exchange.models import (
    ExternalHousehold,
    ExternalPerson,
    ImportDuplicate,
    ImportProblem,
    PeopleImport,
)
from homeward.exchange.tests.conftest import csv_bytes, person_row
from homeward.registry.history import readable
from homeward.registry.jmbg import make_jmbg
from homeward.registry.models import (
    DuplicateAcknowledgement,
    Household,
    IdentityDocument,
    Person,
    PersonNameToken,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(actor, case_worker_a):
    return actor(case_worker_a)


@pytest.fixture
def check(importer, project_a):
    def run(content, filename="people.csv", **extra):
        return import_check(
            actor=importer, source=content, filename=filename, project=project_a, **extra
        )

    return run


@pytest.fixture
def run_import(importer, project_a):
    def run(content, filename="people.csv", **extra):
        return people_import(
            actor=importer, source=content, filename=filename, project=project_a, **extra
        )

    return run


def registry_state():
    return (
        Household.objects.count(),
        Person.objects.count(),
        PersonNameToken.objects.count(),
        Enrolment.objects.count(),
        ExternalPerson.objects.count(),
        AuditEvent.objects.filter(target_type="registry.household").count(),
    )


def errors_of(report):
    return [(p.row, p.field, p.message) for p in report.errors]


# --- the happy path -----------------------------------------------------------------------------


def test_a_dry_run_counts_what_would_be_written_and_writes_nothing(check, family):
    before = registry_state()
    report = check(csv_bytes(family))
    assert report.ok
    assert report.dry_run
    assert not report.refused
    assert (report.households_new, report.people_new) == (2, 3)
    assert report.encoding == "utf-8"
    assert report.delimiter == ","
    assert registry_state() == before
    assert report.people_import.status == PeopleImport.Status.CHECKED


def test_an_import_registers_enrols_and_tells_the_history(run_import, family, project_a, org_a):
    report = run_import(csv_bytes(family))
    assert report.ok
    assert not report.refused
    assert report.people_import.status == PeopleImport.Status.IMPORTED
    milica = Person.objects.get(first_name="Milica")
    household = milica.household
    assert household.organisation == org_a
    assert household.project == project_a
    assert household.number == f"H-{household.pk:06d}"
    assert household.current_municipality.code == "RS-18-kraljevo"
    assert household.origin_municipality.code == "XK-gjilan"
    assert household.accommodation == "private"
    assert milica.last_key == "petrovic"
    assert milica.phone_key == "641234567"
    assert milica.sex == "female"
    assert milica.date_of_birth == date(1984, 3, 15)
    assert set(milica.name_tokens.values_list("token", flat=True)) == {
        "milica",
        "dragan",
        "petrovic",
    }
    ana = Person.objects.get(first_name="Ana")
    assert ana.relationship_to_head == "head"  # alone in her household: the head
    assert ana.date_of_birth == date(1950, 1, 1)
    assert ana.date_of_birth_estimated
    enrolments = Enrolment.objects.filter(project=project_a, person=None)
    assert enrolments.count() == 2
    assert {e.status for e in enrolments} == {"candidate"}
    assert (
        EnrolmentStep.objects.filter(enrolment__in=enrolments, to_status="candidate").count() == 2
    )
    assert ExternalPerson.objects.filter(organisation=org_a).count() == 3
    assert ExternalHousehold.objects.get(external_id="H1").household == household
    history = readable(
        AuditEvent.objects.filter(target_type="registry.household", target_id=str(household.pk))
    )
    assert history[0].title == "Household imported from a file"
    described = {change.label: change.after for change in history[0].changes}
    assert described["imported from"].startswith("people.csv")
    assert "Milica Petrović" in described["member"]
    assert AuditEvent.objects.filter(action="people_import.run").count() == 1


def test_importing_the_same_ids_again_updates_and_never_duplicates(run_import, family):
    run_import(csv_bytes(family))
    family[1]["first_name"] = "Jovana"
    family[1]["sex"] = "F"
    family[0]["address"] = "Novi put 3"
    report = run_import(csv_bytes(family))
    assert report.ok
    assert (report.people_new, report.people_updated) == (0, 1)
    assert (report.households_new, report.households_updated) == (0, 1)
    assert Person.objects.count() == 3
    assert Household.objects.count() == 2
    jovana = Person.objects.get(first_name="Jovana")
    assert jovana.version == 2
    assert jovana.first_key == "jovana"
    assert "jovana" in set(jovana.name_tokens.values_list("token", flat=True))
    assert "jovan" not in set(jovana.name_tokens.values_list("token", flat=True))
    assert jovana.household.address == "Novi put 3"
    event = AuditEvent.objects.get(action="person.import", target_id=str(jovana.pk))
    assert event.changes["first_name"] == {"before": "Jovan", "after": "Jovana"}
    # Enrolled once, not again.
    assert Enrolment.objects.filter(household=jovana.household).count() == 1


def test_a_new_member_of_an_imported_household_joins_it(run_import, family):
    run_import(csv_bytes(family))
    family.append(
        person_row(
            person_id="P4",
            relationship_to_head="child",
            first_name="Luka",
            sex="M",
            date_of_birth="2012",
        )
    )
    report = run_import(csv_bytes(family))
    assert (report.people_new, report.households_new) == (1, 0)
    luka = Person.objects.get(first_name="Luka")
    assert luka.household == Person.objects.get(first_name="Milica").household


# --- files -------------------------------------------------------------------------------------


def test_serbian_excel_csv_in_windows_1251_cyrillic_with_semicolons(check, family):
    for row in family:
        row["last_name"] = "Ђорђевић"
    family[0]["first_name"] = "Милица"
    report = check(csv_bytes(family, delimiter=";", encoding="cp1251"))
    assert report.ok, errors_of(report)
    assert report.people_import.problems.count() == 1  # only: no accommodation column
    assert (report.encoding, report.delimiter) == ("cp1251", ";")


def test_serbian_excel_csv_in_windows_1250_latin(run_import, family):
    family[0]["last_name"] = "Đorđević-Šćekić"
    family[0]["address"] = "Žička 5"
    report = run_import(csv_bytes(family, delimiter=";", encoding="cp1250"))
    assert report.ok, errors_of(report)
    assert report.encoding == "cp1250"
    assert Person.objects.filter(last_name="Đorđević-Šćekić").exists()
    assert Household.objects.filter(address="Žička 5").exists()


def test_excels_sep_line_names_the_delimiter(check, family):
    family[1]["first_name"] = "1"  # an error: its row is numbered as Excel shows it
    report = check(b"sep=;\r\n" + csv_bytes(family, delimiter=";"))
    assert report.delimiter == ";"
    assert [(p.row, p.field) for p in report.errors] == [(3, "first_name")]


def test_utf8_with_a_byte_order_mark(check, family):
    report = check(b"\xef\xbb\xbf" + csv_bytes(family))
    assert report.ok
    assert report.encoding == "utf-8-sig"
    assert "person_id" in report.mapping


@pytest.mark.parametrize(
    ("content", "words"),
    [
        # UTF-8 with a Windows-1250 "č" pasted in.
        ("utf8+1250", "mixes two encodings"),
        # UTF-8 read as Windows-1252 and saved again: "PetroviÄ‡".
        ("mojibake", "garbled"),
    ],
)
def test_a_file_in_the_wrong_encoding_is_refused_saying_so(run_import, family, content, words):
    if content == "utf8+1250":
        data = csv_bytes(family) + "P9,H9,head,Ana,,Čolić,F,1990,,,,,Kraljevo,,idp\n".encode(
            "cp1250"
        )
    else:
        data = csv_bytes(family).decode("utf-8").encode("utf-8").decode("cp1252", "replace")
        data = data.encode("utf-8")
    before = registry_state()
    report = run_import(data)
    assert report.refused
    assert words in report.message
    assert registry_state() == before


def test_a_missing_required_column_refuses_the_file(run_import, family):
    for row in family:
        del row["last_name"]
    before = registry_state()
    report = run_import(csv_bytes(family))
    assert report.refused
    assert any("last_name" in p.message and p.row is None for p in report.errors)
    assert registry_state() == before
    assert PeopleImport.objects.get().status == PeopleImport.Status.REFUSED


def test_a_duplicated_header_refuses_the_file(run_import, family):
    columns = [*family[0], "first_name"]
    report = run_import(csv_bytes(family, columns=columns))
    assert report.refused
    assert any("Two columns" in p.message for p in report.errors)


@pytest.mark.parametrize(
    ("content", "filename", "words"),
    [
        (b"", "people.csv", "empty"),
        (b"  \n\n", "people.csv", "empty"),
        (
            b"household_id,first_name,last_name,sex,current_municipality,displacement_status\n",
            "people.csv",
            "no rows",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00", "people.csv", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "people.xls", "old Excel"),
        (b"just some text", "people.xlsx", "not an Excel workbook"),
    ],
)
def test_files_that_cannot_be_used_are_refused_with_a_reason(run_import, content, filename, words):
    before = registry_state()
    report = run_import(content, filename=filename)
    assert report.refused
    assert words in report.message.lower() + report.errors[0].message
    assert registry_state() == before


def test_a_truncated_xlsx_is_refused(run_import, family):
    complete = xlsx_bytes([list(family[0]), *[list(row.values()) for row in family]])
    report = run_import(complete[: len(complete) // 2], filename="people.xlsx")
    assert report.refused
    assert "damaged" in report.message


def test_dates_in_three_formats_and_a_date_that_is_not(check, family):
    family[0]["date_of_birth"] = "1984-03-15"
    family[1]["date_of_birth"] = "15.06.2010."
    family[2]["date_of_birth"] = "1950"
    assert check(csv_bytes(family)).ok
    family[1]["date_of_birth"] = "31.02.2010"
    family[2]["date_of_birth"] = "06/15/1950"
    report = check(csv_bytes(family))
    assert [(p.row, p.field, p.value) for p in report.errors] == [
        (3, "date_of_birth", "31.02.2010"),
        (4, "date_of_birth", "06/15/1950"),
    ]
    assert "not a real date" in report.errors[0].message


def test_a_municipality_that_does_not_exist(run_import, family):
    family[2]["current_municipality"] = "Atlantida"
    before = registry_state()
    report = run_import(csv_bytes(family))
    assert report.refused
    [problem] = report.errors
    assert (problem.row, problem.column, problem.value) == (4, "current_municipality", "Atlantida")
    assert "No municipality" in problem.message
    assert registry_state() == before


def test_municipalities_in_any_script_or_by_code(check, family):
    family[0]["current_municipality"] = "Краљево"
    family[1]["current_municipality"] = "Краљево"
    family[2]["current_municipality"] = "RS-00-zvezdara"
    family[0]["origin_municipality"] = family[1]["origin_municipality"] = "Gnjilane"
    assert check(csv_bytes(family)).ok


def test_the_same_person_twice_in_one_file(run_import, family):
    family.append(dict(family[1]))  # the same person id
    number = make_jmbg(date(1950, 1, 1), region_code=71, sex="female", serial=9)
    family[2]["national_id"] = number
    family.append(
        person_row(
            person_id="P9",
            household_id="H9",
            national_id=number,
            first_name="Ana",
            last_name="Jovanović",
            date_of_birth="1950",
        )
    )
    report = run_import(csv_bytes(family))
    assert report.refused
    assert [(p.row, p.field) for p in report.errors] == [(5, "person_id"), (6, "national_id")]
    assert "Row 3" in report.errors[0].message
    assert "Row 4" in report.errors[1].message


def test_a_wrong_check_digit_is_imported_and_flagged(run_import, family):
    valid = make_jmbg(date(1984, 3, 15), region_code=71, sex="female", serial=10)
    wrong = valid[:12] + str((int(valid[12]) + 1) % 10)
    family[0]["national_id"] = wrong
    report = run_import(csv_bytes(family))
    assert report.ok
    assert not report.refused
    [warning] = [p for p in report.warnings if p.field == "national_id"]
    assert warning.row == 2
    assert "check digit" in warning.message
    milica = Person.objects.get(first_name="Milica")
    assert milica.national_id == wrong
    flagged = ImportProblem.objects.get(severity="warning", field="national_id")
    assert flagged.person == milica


def test_a_jmbg_that_cannot_exist_is_an_error(check, family):
    family[0]["national_id"] = "12345"
    report = check(csv_bytes(family))
    assert [(p.row, p.field) for p in report.errors] == [(2, "national_id")]


def test_one_head_per_household(check, family):
    family[1]["relationship_to_head"] = "head"
    report = check(csv_bytes(family))
    assert {(p.row, p.field) for p in report.errors} == {
        (2, "relationship_to_head"),
        (3, "relationship_to_head"),
    }
    family[0]["relationship_to_head"] = family[1]["relationship_to_head"] = "child"
    report = check(csv_bytes(family))
    assert "needs a head" in report.errors[0].message


def test_the_registrys_rules_apply(check, family):
    family[0]["first_name"] = "<script>"
    family[1]["phone"] = "call me"
    family[2]["sex"] = "x"
    family[2]["displacement_status"] = ""
    report = check(csv_bytes(family))
    assert {(p.row, p.field) for p in report.errors} == {
        (2, "first_name"),
        (3, "phone"),
        (4, "sex"),
        (4, "displacement_status"),
    }


def test_choices_are_read_in_every_language(check, family):
    family[0]["relationship_to_head"] = "nosilac domaćinstva"
    family[0]["displacement_status"] = "Interno raseljeno lice"
    family[0]["sex"] = "Ž"
    family[1]["relationship_to_head"] = "sin"
    family[1]["displacement_status"] = "IRL"
    family[2]["displacement_status"] = "i kthyer"
    report = check(csv_bytes(family))
    assert report.ok, errors_of(report)


# --- duplicates of people already registered ----------------------------------------------------


def test_likely_duplicates_are_listed_not_blocking(run_import, household_a, family):
    family[0].update(
        first_name="Dragan",
        father_name="Milan",
        last_name="Petrovic",
        sex="M",
        date_of_birth="12.05.1970",
        national_id="",
    )
    family[1].update(
        first_name="Milica",
        last_name="Петровић",
        national_id=CHILD_A["national_id"],
        date_of_birth="2005-03-01",
        sex="F",
    )
    report = run_import(csv_bytes(family))
    assert report.ok
    assert not report.refused
    found = {(d.row, d.matched_on) for d in report.duplicates}
    assert found == {(2, "name_and_birth"), (3, "national_id")}
    assert all(d.visible for d in report.duplicates)
    assert ImportDuplicate.objects.filter(person__isnull=False).count() == 2
    acknowledged = DuplicateAcknowledgement.objects.get(matched_on="national_id")
    assert acknowledged.other_person.national_id == CHILD_A["national_id"]
    assert "listed for review" in acknowledged.reason
    # The same list again: those people are updated, not compared (nor listed) again.
    again = run_import(csv_bytes(family))
    assert again.duplicates == []
    assert DuplicateAcknowledgement.objects.count() == 2


def test_a_duplicate_outside_the_scope_is_not_named(
    actor, make_user, org_b, project_b, household_a, family
):
    case_worker_b = make_user(org_b, Role.CASE_WORKER, username="cw-b")
    family[0].update(
        national_id=HEAD_A["national_id"], first_name="Dragan", sex="M", date_of_birth="1970-05-12"
    )
    report = import_check(
        actor=actor(case_worker_b), source=csv_bytes(family), filename="b.csv", project=project_b
    )
    [duplicate] = report.duplicates
    assert duplicate.matched_on == "national_id"
    assert not duplicate.visible
    assert duplicate.as_dict()["other_person"] is None


# --- XLSX and Kobo -----------------------------------------------------------------------------


def xlsx_bytes(*sheets, titles=None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for index, rows in enumerate(sheets):
        sheet = book.create_sheet((titles or [])[index] if titles else f"Sheet{index + 1}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_with_numbers_and_dates_as_excel_stores_them(run_import, family):
    columns = list(family[0])
    born_on_the_5th = make_jmbg(date(1984, 3, 5), region_code=71, sex="female", serial=10)
    rows = [columns]
    for row in family:
        rows.append([row[c] for c in columns])
    rows[1][columns.index("date_of_birth")] = date(1984, 3, 5)
    rows[1][columns.index("national_id")] = int(born_on_the_5th)  # the leading 0 lost
    rows[3][columns.index("date_of_birth")] = 1950
    report = run_import(xlsx_bytes(rows), filename="people.xlsx")
    assert report.ok, errors_of(report)
    assert report.file_format == "xlsx"
    milica = Person.objects.get(first_name="Milica")
    assert milica.national_id == born_on_the_5th
    assert Person.objects.get(first_name="Ana").date_of_birth_estimated


def kobo_export() -> bytes:
    households = [
        [
            "start",
            "household/municipality",
            "household/origin",
            "household/accommodation",
            "_id",
            "_uuid",
            "_index",
        ],
        ["2026-01-01", "Kraljevo", "Gjilan", "kolektivni centar", 101, "uuid-101", 1],
        ["2026-01-02", "Zvezdara", "Prizren", "privatni smeštaj", 102, "uuid-102", 2],
    ]
    members = [
        [
            "household/member/name",
            "household/member/surname",
            "household/member/sex",
            "household/member/relationship",
            "household/member/dob",
            "household/member/status",
            "_index",
            "_parent_index",
            "_parent_table_name",
            "_submission__uuid",
        ],
        ["Zoran", "Stojanović", "male", "head", "1961-02-03", "idp", 1, 1, "household", "uuid-101"],
        ["Vesna", "Stojanović", "female", "spouse", "1965", "idp", 2, 1, "household", "uuid-101"],
        ["Arben", "Gashi", "male", "head", "1979-07-01", "returnee", 3, 2, "household", "uuid-102"],
    ]
    return xlsx_bytes(households, members, titles=["household_survey", "member"])


def test_a_kobo_export_with_members_on_their_own_sheet(run_import, importer):
    report = run_import(kobo_export(), filename="kobo.xlsx", mapping={"start": ""})
    assert report.ok, errors_of(report)
    assert report.file_format == "kobo"
    assert (report.households_new, report.people_new) == (2, 3)
    zoran = Person.objects.get(first_name="Zoran")
    assert zoran.household.current_municipality.code == "RS-18-kraljevo"
    assert zoran.household.accommodation == "collective_centre"
    assert zoran.household.members.count() == 2
    assert ExternalHousehold.objects.filter(external_id="uuid-101").exists()
    # The export again: the same households and people, updated rather than added.
    again = run_import(kobo_export(), filename="kobo.xlsx", mapping={"start": ""})
    assert again.ok
    assert not again.refused
    assert (again.households_new, again.people_new) == (0, 0)
    assert ExternalPerson.objects.filter(external_id="uuid-101/2").get().person.first_name == (
        "Vesna"
    )
    assert Person.objects.count() == 3


def test_a_kobo_member_with_no_household_is_refused(run_import):
    households = [["household/municipality", "_index"], ["Kraljevo", 1]]
    members = [
        ["household/member/name", "_index", "_parent_index"],
        ["Zoran", 1, 7],
    ]
    report = run_import(xlsx_bytes(households, members), filename="kobo.xlsx")
    assert report.refused
    assert "_parent_index" in report.message


# --- columns -----------------------------------------------------------------------------------


def test_serbian_and_albanian_headers_are_known_and_others_can_be_mapped(check, family):
    renamed = {
        "first_name": "Ime",
        "last_name": "ПРЕЗИМЕ",
        "father_name": "Emri i babait",
        "sex": "Pol",
        "current_municipality": "Opština",
        "household_id": "Broj domaćinstva",
        "displacement_status": "Status raseljenja",
        "phone": "Kontakt (mobilni)",
    }
    rows = [{renamed.get(k, k): v for k, v in row.items()} for row in family]
    report = check(csv_bytes(rows))
    assert report.mapping["Ime"] == "first_name"
    assert report.mapping["ПРЕЗИМЕ"] == "last_name"
    assert report.mapping["Kontakt (mobilni)"] == ""
    assert any(p.column == "Kontakt (mobilni)" and p.severity == "warning" for p in report.problems)
    report = check(csv_bytes(rows), mapping={"Kontakt (mobilni)": "phone", "Pol": "sex"})
    assert report.ok
    assert report.mapping["Kontakt (mobilni)"] == "phone"
    headers = headers_of(source=csv_bytes(rows), filename="people.csv")
    assert headers.mapping["Broj domaćinstva"] == "household_id"


def test_two_columns_for_one_field_must_be_told_apart(check, family):
    rows = [{**row, "Ime": row["first_name"]} for row in family]
    report = check(csv_bytes(rows))
    assert not report.ok
    assert "all mean" in report.errors[0].message
    assert check(csv_bytes(rows), mapping={"Ime": ""}).ok


def test_the_template_lists_every_column_and_its_example_imports(check):
    text = template_file(file_format="csv").decode("utf-8-sig")
    assert text.splitlines()[0].split(",") == TEMPLATE_COLUMNS
    assert check(template_file(file_format="csv")).ok
    book = template_file(file_format="xlsx")
    assert zipfile.is_zipfile(io.BytesIO(book))
    report = check(book, filename="template.xlsx")
    assert report.ok, errors_of(report)
    assert headers_of(source=book, filename="t.xlsx").headers == TEMPLATE_COLUMNS


def test_documents_and_other_registry_fields(run_import, family):
    family[0].update(
        document_number="IDP-123",
        document_kind="legitimacija IRL",
        wg_walking="3",
        chronic_illness="da",
    )
    for row in family:
        row["accommodation"] = "host family"
    report = run_import(csv_bytes(family))
    assert report.ok, errors_of(report)
    milica = Person.objects.get(first_name="Milica")
    assert milica.has_disability
    assert milica.chronic_illness
    assert milica.household.accommodation == "host_family"
    document = IdentityDocument.objects.get(person=milica)
    assert (document.kind, document.number, document.status) == ("idp_card", "IDP-123", "held")


# --- who may import ---------------------------------------------------------------------------


def test_only_those_who_register_for_the_project_may_import(
    actor, donor_viewer, make_user, org_b, project_a, family
):
    with pytest.raises(Http404):
        import_check(
            actor=actor(donor_viewer),
            source=csv_bytes(family),
            filename="x.csv",
            project=project_a,
        )
    outsider = make_user(org_b, Role.CASE_WORKER, username="cw-b2")
    with pytest.raises(Http404):
        people_import(
            actor=actor(outsider), source=csv_bytes(family), filename="x.csv", project=project_a
        )
    assert Person.objects.count() == 0


def test_household_values_are_checked_as_registration_checks_them(check, family):
    for row in family:
        row["household_phone"] = "ring twice"
        row["accommodation"] = "private"
    family[2]["household_phone"] = ""
    family[2]["address"] = "x" * 201
    family[2]["accommodation"] = "palace"
    report = check(csv_bytes(family))
    assert {(p.row, p.field) for p in report.errors} == {
        (2, "household_phone"),
        (4, "address"),
        (4, "accommodation"),
    }


# --- every problem at once, and no false alarms ---------------------------------------------


def test_a_refused_member_does_not_hide_the_households_other_problems(check, family):
    # Row 3 fails on its own (a date in the future); the household still says where it lives,
    # and that is checked in the same dry run, not the next one.
    family[1]["date_of_birth"] = "2999-01-01"
    family[0]["current_municipality"] = family[1]["current_municipality"] = "Nowhere"
    family[0]["accommodation"] = family[1]["accommodation"] = "palace"
    family[2]["accommodation"] = "private"
    report = check(csv_bytes(family))
    assert {(p.row, p.field) for p in report.errors} == {
        (3, "date_of_birth"),
        (2, "current_municipality"),
        (2, "accommodation"),
    }
    # Without the refused row the household's members are not judged as a whole: no
    # "household without a head" or the like because of a row that was refused.
    assert not any(p.field == "relationship_to_head" for p in report.problems)


def test_a_refused_head_still_has_its_household_values_checked(check, family):
    family[0]["national_id"] = "3202984715002"  # the 32nd of February: no such JMBG
    family[0]["origin_municipality"] = "Atlantida"
    family[1]["origin_municipality"] = "Atlantida"
    report = check(csv_bytes(family))
    assert {(p.row, p.field) for p in report.errors} == {
        (2, "national_id"),
        (2, "origin_municipality"),
    }
    # Jovan is not "a household without a head": the head's row was refused, not missing.
    assert not any(p.field == "relationship_to_head" for p in report.problems)


def test_a_household_whose_only_row_is_refused_is_checked_too(check, family):
    family[2]["first_name"] = ""
    family[2]["current_municipality"] = "Nowhere"
    report = check(csv_bytes(family))
    assert {(p.row, p.field) for p in report.errors} == {
        (4, "first_name"),
        (4, "current_municipality"),
    }


def test_one_place_written_in_several_scripts_is_not_a_disagreement(check, family):
    family[0]["current_municipality"] = "Kraljevo"
    family[1]["current_municipality"] = "Краљево"
    family[0]["origin_municipality"] = "Prishtinë"
    family[1]["origin_municipality"] = "Приштина"
    family.append(
        person_row(
            person_id="P4",
            relationship_to_head="child",
            first_name="Luka",
            sex="M",
            date_of_birth="2012",
            origin_municipality="Pristina",
            current_municipality="RS-18-kraljevo",
        )
    )
    for row in family:
        row["accommodation"] = "privatni smeštaj"
        row["address"] = "Kralja Petra 12"
    family[1]["accommodation"] = "private"
    family[1]["address"] = "КРАЉА ПЕТРА 12"
    family[1]["household_phone"] = "036/123-456"
    family[0]["household_phone"] = "036 123 456"
    report = check(csv_bytes(family))
    assert report.ok, report.errors
    assert not [p for p in report.warnings if "Another row" in p.message]


def test_rows_of_a_household_that_really_disagree_are_warned_about(check, family):
    family[1]["current_municipality"] = "Zvezdara"
    family[1]["address"] = "Kralja Milana 3"
    report = check(csv_bytes(family))
    assert report.ok
    assert {(p.row, p.field) for p in report.warnings if "Another row" in p.message} == {
        (3, "current_municipality"),
        (3, "address"),
    }


def test_problems_of_the_whole_file_have_no_row(run_import, family):
    for row in family:
        del row["last_name"]
    report = run_import(csv_bytes(family))
    problems = ImportProblem.objects.filter(people_import=report.people_import)
    assert {problem.row for problem in problems} == {None}
    assert all(problem.row is None for problem in report.problems)
    assert report.as_dict(problems=True)["problems"][0]["row"] is None


def test_the_whole_file_comes_first_then_the_rows(check, family):
    family[2]["current_municipality"] = "Atlantida"
    family[0]["Unknown header"] = "x"
    report = check(csv_bytes(family, columns=[*family[0]]))
    rows = [problem.row for problem in report.problems]
    assert rows[0] is None
    assert 4 in rows
    stored = list(ImportProblem.objects.filter(people_import=report.people_import))
    assert [problem.row for problem in stored] == rows


def test_a_kobo_households_answer_is_pointed_to_on_the_household_sheet(check):
    households = [
        ["household/municipality", "_uuid", "_index"],
        ["Kraljevo", "uuid-101", 1],
        ["Nowhere", "uuid-102", 2],
    ]
    members = [
        [
            "household/member/name",
            "household/member/surname",
            "household/member/sex",
            "household/member/dob",
            "household/member/status",
            "_index",
            "_parent_index",
        ],
        ["Zoran", "Stojanović", "male", "1961-02-03", "idp", 1, 1],
        ["Arben", "Gashi", "male", "2999-07-01", "returnee", 2, 2],
    ]
    content = xlsx_bytes(households, members, titles=["household_survey", "member"])
    report = check(content, filename="kobo.xlsx")
    assert {(p.sheet, p.row, p.field) for p in report.errors} == {
        ("member", 3, "date_of_birth"),
        ("household_survey", 3, "current_municipality"),
    }
