"""``/api/v1/households/`` and ``/api/v1/people/``: the same search, filters, scope and checks as
the web pages, with the import template's field names, one error format and no silent
overwrites."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openapi_spec_validator import validate

from homeward.accounts.roles import Role
from homeward.accounts.services import membership_grant
from homeward.conftest import CHILD_A, HEAD_A
from homeward.core.actors import Actor
from homeward.core.models import AuditEvent
from homeward.geo.models import Area
from homeward.registry.jmbg import make_jmbg
from homeward.registry.models import DuplicateAcknowledgement, Household, Person
from homeward.registry.services import household_register

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"
PEOPLE = "/api/v1/people/"

# The import template's columns, as the API names them.
HOUSEHOLD_COLUMNS = {
    "household_number",
    "current_municipality",
    "current_settlement",
    "address",
    "accommodation",
    "origin_municipality",
    "origin_settlement",
    "phone",
    "return_intention",
    "notes",
}
PERSON_COLUMNS = {
    "household_number",
    "relationship_to_head",
    "first_name",
    "father_name",
    "last_name",
    "sex",
    "date_of_birth",
    "national_id",
    "phone",
    "displacement_status",
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_remembering",
    "wg_self_care",
    "wg_communicating",
    "chronic_illness",
    "single_parent",
    "older_person_alone",
    "unaccompanied_child",
}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert error["message"]
    return error


def head_of(household: Household) -> Person:
    return household.members.get(relationship_to_head="head")


def child_of(household: Household) -> Person:
    return household.members.get(relationship_to_head="child")


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response) -> list[int]:
    return [row["id"] for row in results(response)]


def vesna(**fields) -> dict:
    return {
        "relationship_to_head": "head",
        "first_name": "Vesna",
        "last_name": "Stojanović",
        "sex": "female",
        "date_of_birth": "1981-02-14",
        "national_id": make_jmbg(date(1981, 2, 14), region_code=93, sex="female", serial=77),
        "displacement_status": "idp",
        **fields,
    }


def zoran(**fields) -> dict:
    return vesna(
        **{
            "relationship_to_head": "spouse",
            "first_name": "Zoran",
            "sex": "male",
            "date_of_birth": "1979",
            "national_id": make_jmbg(date(1979, 7, 3), region_code=93, sex="male", serial=12),
            **fields,
        }
    )


def body(*members: dict, **household) -> dict:
    return {
        "project": "project-a",
        "current_municipality": "RS-18-kraljevo",
        "accommodation": "private",
        "members": list(members),
        **household,
    }


@pytest.fixture
def api(api_client_for, case_worker_a):
    """A's case worker on the API."""
    return api_client_for(case_worker_a)


@pytest.fixture
def household_b(manager_b, org_b, project_b) -> Household:
    return household_register(
        actor=Actor(user=manager_b),
        organisation=org_b,
        project=project_b,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "accommodation": "private",
        },
        members=[
            {
                "relationship_to_head": "head",
                "first_name": "Dragana",
                "last_name": "Petrović",
                "sex": "female",
                "date_of_birth": date(1975, 1, 9),
                "displacement_status": "returnee",
            }
        ],
    )


# --- reading ------------------------------------------------------------------------------


def test_a_household_reads_with_the_import_templates_field_names(api, household_a):
    [row] = results(api.get(HOUSEHOLDS))
    assert set(row) >= HOUSEHOLD_COLUMNS
    assert row["household_number"] == household_a.number
    assert row["current_municipality"] == "RS-00-zvezdara"
    assert row["origin_municipality"] == "XK-gjilan"
    assert (row["organisation"], row["project"]) == ("org-a", "project-a")
    assert row["version"] == 1
    members = {member["relationship_to_head"]: member for member in row["members"]}
    head, child = members["head"], members["child"]
    assert set(head) >= PERSON_COLUMNS
    assert head["first_name"] == "Dragan"
    assert head["national_id"] == HEAD_A["national_id"]
    assert head["date_of_birth"] == "1970-05-12"
    assert child["vulnerabilities"] == ["chronic_illness"]


def test_people_read_with_the_import_templates_field_names(api, household_a):
    rows = results(api.get(PEOPLE))
    assert {row["first_name"] for row in rows} == {"Dragan", "Milica"}
    for row in rows:
        assert set(row) >= PERSON_COLUMNS
        assert row["household_number"] == household_a.number


def test_reading_one_household_or_person_is_recorded(api, case_worker_a, household_a):
    response = api.get(f"{HOUSEHOLDS}{household_a.number}/")
    assert response.status_code == 200
    assert len(response.json()["members"]) == 2
    event = AuditEvent.objects.get(action="household.read")
    assert (event.actor, event.target_id, event.via) == (case_worker_a, str(household_a.pk), "api")

    child = child_of(household_a)
    response = api.get(f"{PEOPLE}{child.pk}/")
    assert response.status_code == 200
    assert response.json()["first_name"] == "Milica"
    event = AuditEvent.objects.get(action="person.read")
    assert (event.target_type, event.target_id) == ("registry.person", str(child.pk))
    # A list is no read of anybody's record.
    api.get(PEOPLE)
    assert AuditEvent.objects.filter(action__endswith=".read").count() == 2


@pytest.mark.parametrize(
    "query",
    [
        "Петровић",
        "petrovic",
        "Petroviq milica",
        "Dragan Petrovć",
        HEAD_A["national_id"],
        "+381 64 123 45 67",
        "H-1",
        "nobody-like-this",
    ],
)
def test_search_is_the_search_box_of_the_web_page(
    api, client_for, case_worker_a, household_a, household_b, query
):
    page = client_for(case_worker_a).get("/registry/", {"q": query})
    expected = [person.pk for person in page.context["page"].object_list]
    assert ids(api.get(PEOPLE, {"search": query})) == expected
    page = client_for(case_worker_a).get("/registry/", {"q": query, "show": "households"})
    expected = [household.number for household in page.context["page"].object_list]
    numbers = [row["household_number"] for row in results(api.get(HOUSEHOLDS, {"search": query}))]
    assert numbers == expected


def test_search_finds_a_name_in_another_script(api, household_a):
    assert ids(api.get(PEOPLE, {"search": "Милица"})) == [child_of(household_a).pk]


@pytest.mark.parametrize("spelling", ["RS-00-zvezdara", "Zvezdara", "Звездара", "zvezdara"])
def test_the_municipality_filter_takes_a_code_or_any_spelling(api, household_a, spelling):
    assert len(results(api.get(PEOPLE, {"municipality": spelling}))) == 2
    assert len(results(api.get(HOUSEHOLDS, {"municipality": spelling}))) == 1
    assert results(api.get(PEOPLE, {"municipality": "Kraljevo"})) == []


def test_the_other_filters(api, household_a):
    child = child_of(household_a)
    assert ids(api.get(PEOPLE, {"vulnerability": "chronic_illness"})) == [child.pk]
    assert results(api.get(PEOPLE, {"displacement_status": "returnee"})) == []
    assert len(results(api.get(PEOPLE, {"displacement_status": "idp"}))) == 2
    assert len(results(api.get(PEOPLE, {"project": "project-a"}))) == 2
    rows = results(api.get(HOUSEHOLDS, {"vulnerability": "chronic_illness"}))
    assert [row["household_number"] for row in rows] == [household_a.number]


def test_ordering_and_pages(api, household_a):
    head, child = head_of(household_a), child_of(household_a)
    assert ids(api.get(PEOPLE, {"ordering": "born"})) == [head.pk, child.pk]
    assert ids(api.get(PEOPLE, {"ordering": "-born"})) == [child.pk, head.pk]
    first = api.get(PEOPLE, {"ordering": "born", "page_size": 1}).json()
    assert first["count"] == 2
    assert [row["id"] for row in first["results"]] == [head.pk]
    assert first["next"]
    second = api.get(PEOPLE, {"ordering": "born", "page_size": 1, "page": 2}).json()
    assert [row["id"] for row in second["results"]] == [child.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"municipality": "Atlantis"}, "municipality"),
        ({"municipality": "Palilula"}, "municipality"),
        ({"displacement_status": "tourist"}, "displacement_status"),
        ({"vulnerability": "tall"}, "vulnerability"),
        ({"project": "no-such-project"}, "project"),
        ({"project": "project-b"}, "project"),
        ({"search": "x" * 121}, "search"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(api, household_a, project_b, params, field):
    for path in (PEOPLE, HOUSEHOLDS):
        error = assert_error(api.get(path, params), 400, "invalid")
        assert set(error["fields"]) == {field}, path


def test_an_ambiguous_municipality_says_which_places_it_could_be(api, household_a):
    error = assert_error(api.get(PEOPLE, {"municipality": "Palilula"}), 400, "invalid")
    [message] = error["fields"]["municipality"]
    assert "Beograd" in message
    assert "Niš" in message


# --- scope --------------------------------------------------------------------------------


def test_another_organisation_never_sees_a_household_of_a(
    api_client_for, manager_b, household_a, household_b
):
    api = api_client_for(manager_b)
    assert ids(api.get(PEOPLE)) == [head_of(household_b).pk]
    assert ids(api.get(PEOPLE, {"search": "Petrović"})) == [head_of(household_b).pk]
    assert results(api.get(PEOPLE, {"search": HEAD_A["national_id"]})) == []
    numbers = [row["household_number"] for row in results(api.get(HOUSEHOLDS))]
    assert numbers == [household_b.number]

    head = head_of(household_a)
    assert_error(api.get(f"{HOUSEHOLDS}{household_a.number}/"), 404, "not_found")
    assert_error(api.get(f"{PEOPLE}{head.pk}/"), 404, "not_found")
    assert_error(
        api.patch(f"{HOUSEHOLDS}{household_a.number}/", {"version": 1, "notes": "x"}),
        404,
        "not_found",
    )
    assert_error(
        api.patch(f"{PEOPLE}{head.pk}/", {"version": 1, "first_name": "X"}), 404, "not_found"
    )
    assert_error(
        api.post(f"{HOUSEHOLDS}{household_a.number}/members/", zoran(), format="json"),
        404,
        "not_found",
    )
    assert not AuditEvent.objects.filter(action__endswith=".read").exists()
    household_a.refresh_from_db()
    head.refresh_from_db()
    assert (household_a.notes, head.first_name, household_a.members.count()) == ("", "Dragan", 2)


def test_a_case_worker_limited_to_another_project_does_not_see_the_household(
    make_user, org_a, project_a2, api_client_for, household_a
):
    api = api_client_for(make_user(org_a, Role.CASE_WORKER, projects=[project_a2]))
    assert results(api.get(PEOPLE)) == []
    assert results(api.get(HOUSEHOLDS, {"search": household_a.number})) == []
    assert_error(api.get(f"{HOUSEHOLDS}{household_a.number}/"), 404, "not_found")
    assert_error(api.get(f"{PEOPLE}{head_of(household_a).pk}/"), 404, "not_found")


@pytest.mark.parametrize("role", [Role.DONOR_VIEWER, Role.ADMINISTRATOR, Role.INFO_DESK_OPERATOR])
def test_roles_without_personal_data_get_404_everywhere(
    role, make_user, org_a, donor_org, api_client_for, household_a
):
    user = make_user(donor_org if role == Role.DONOR_VIEWER else org_a, role)
    api = api_client_for(user)
    head = head_of(household_a)
    for path in (
        HOUSEHOLDS,
        PEOPLE,
        f"{HOUSEHOLDS}{household_a.number}/",
        f"{PEOPLE}{head.pk}/",
    ):
        assert_error(api.get(path), 404, "not_found")
    assert_error(api.post(HOUSEHOLDS, body(vesna()), format="json"), 404, "not_found")
    assert not Household.objects.exclude(pk=household_a.pk).exists()


def test_a_role_that_reads_but_does_not_edit_gets_404_on_writes(api_client_for, dpo_a, household_a):
    api = api_client_for(dpo_a)
    assert api.get(f"{HOUSEHOLDS}{household_a.number}/").status_code == 200
    assert_error(
        api.patch(f"{HOUSEHOLDS}{household_a.number}/", {"version": 1, "notes": "x"}),
        404,
        "not_found",
    )
    assert_error(api.post(HOUSEHOLDS, body(vesna()), format="json"), 404, "not_found")


def test_nobody_signed_in_gets_nothing(client, household_a):
    for path in (HOUSEHOLDS, PEOPLE, f"{HOUSEHOLDS}{household_a.number}/"):
        assert client.get(path).status_code in (401, 403)


# --- registering --------------------------------------------------------------------------


def test_a_household_is_registered_with_its_members_in_one_request(api, case_worker_a):
    response = api.post(HOUSEHOLDS, body(vesna(), zoran(), notes="Came in March."), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    household = Household.objects.get()
    assert created["household_number"] == household.number
    assert created["current_municipality"] == "RS-18-kraljevo"
    assert created["organisation"] == "org-a"  # the only one the case worker registers for
    assert created["warnings"] == []
    assert {member["first_name"] for member in created["members"]} == {"Vesna", "Zoran"}
    zoran_row = next(row for row in created["members"] if row["first_name"] == "Zoran")
    assert (zoran_row["date_of_birth"], zoran_row["date_of_birth_estimated"]) == (
        "1979-01-01",
        True,
    )
    assert household.registered_by == case_worker_a
    assert AuditEvent.objects.filter(action="person.register", via="api").count() == 2


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Gjilan", "XK-gjilan"),
        ("Гњилане", "XK-gjilan"),
        ("Gnjilane", "XK-gjilan"),
        ("Kraljevo", "RS-18-kraljevo"),
        ("Palilula (Niš)", "RS-20-palilula"),
    ],
)
def test_the_municipality_is_a_code_or_any_spelling(api, spelling, code):
    response = api.post(
        HOUSEHOLDS,
        body(vesna(), current_municipality=spelling, origin_municipality=spelling),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["current_municipality"] == code
    assert response.json()["origin_municipality"] == code


@pytest.mark.parametrize(
    ("value", "words"),
    [("Atlantis", "Atlantis"), ("Palilula", "Palilula"), ("RS-00", "municipality"), (7, "")],
)
def test_an_unknown_municipality_names_the_field(api, value, words):
    response = api.post(HOUSEHOLDS, body(vesna(), current_municipality=value), format="json")
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"current_municipality"}
    assert words in error["fields"]["current_municipality"][0]
    assert not Household.objects.exists()


def test_an_invalid_jmbg_of_the_second_member_names_it_and_nothing_is_saved(api):
    valid = zoran()["national_id"]
    broken = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    response = api.post(HOUSEHOLDS, body(vesna(), zoran(national_id=broken)), format="json")
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"members.1.national_id"}
    assert "check digit" in str(error["fields"]["members.1.national_id"]).lower()
    assert not Household.objects.exists()
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["household.register", "person.register"])


def test_a_date_of_birth_in_the_future_names_the_member(api):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api.post(
        HOUSEHOLDS,
        body(vesna(), zoran(date_of_birth=tomorrow, national_id="")),
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"members.1.date_of_birth"}
    assert "future" in str(error["fields"]["members.1.date_of_birth"])
    assert not Household.objects.exists()


@pytest.mark.parametrize("field", ["first_name", "last_name", "father_name"])
def test_markup_in_a_name_is_refused_naming_the_field(api, field):
    response = api.post(
        HOUSEHOLDS, body(vesna(), zoran(**{field: "<script>alert(1)</script>"})), format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {f"members.1.{field}"}
    assert not Person.objects.exists()


def test_every_fault_is_named_at_once(api):
    response = api.post(
        HOUSEHOLDS,
        {
            "current_municipality": "Atlantis",
            "accommodation": "palace",
            "members": [vesna(sex="", date_of_birth="yesterday"), {"first_name": "Zoran"}],
        },
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert {
        "current_municipality",
        "accommodation",
        "members.0.sex",
        "members.0.date_of_birth",
        "members.1.last_name",
        "members.1.relationship_to_head",
    } <= set(error["fields"])


def test_a_household_needs_a_head_and_one_only(api):
    error = assert_error(api.post(HOUSEHOLDS, body(), format="json"), 400, "invalid")
    assert "members" in error["fields"]
    response = api.post(
        HOUSEHOLDS, body(vesna(), zoran(relationship_to_head="head")), format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert {"members.0.relationship_to_head", "members.1.relationship_to_head"} <= set(
        error["fields"]
    )
    assert not Household.objects.exists()


def test_free_text_is_kept_as_typed_and_shown_escaped(api, client_for, case_worker_a):
    notes = '<script>alert("x")</script>'
    response = api.post(
        HOUSEHOLDS, body(vesna(), notes=notes, current_settlement="<b>Ribnica</b>"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["notes"] == notes
    page = client_for(case_worker_a).get(
        f"/registry/households/{response.json()['household_number']}/"
    )
    assert notes not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text
    assert "&lt;b&gt;Ribnica&lt;/b&gt;" in page.text


def test_a_jmbg_that_disagrees_with_the_date_of_birth_is_saved_with_a_warning(api):
    response = api.post(HOUSEHOLDS, body(vesna(date_of_birth="1981-02-15")), format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["warnings"]) == 1


def test_likely_duplicates_answer_409_then_201_with_a_reason(api, case_worker_a, household_a):
    again = vesna(
        first_name="Драган",
        last_name="Петровић",
        sex="male",
        date_of_birth="1970-05-12",
        national_id="",
    )
    response = api.post(HOUSEHOLDS, body(again), format="json")
    error = assert_error(response, 409, "possible_duplicates")
    [match] = error["details"]["matches"]["0"]
    head = head_of(household_a)
    assert match["matched_on"] == "name_and_birth"
    assert match["visible"] is True
    assert (match["person"], match["household"]) == (head.pk, household_a.number)
    assert match["name"] == "Dragan (Milan) Petrović"
    assert Household.objects.count() == 1

    reason = "Another man of the same name: his father is Jovan."
    response = api.post(HOUSEHOLDS, body(again, duplicate_reason=reason), format="json")
    assert response.status_code == 201, response.content
    acknowledgement = DuplicateAcknowledgement.objects.get()
    assert (acknowledgement.other_person, acknowledgement.reason) == (head, reason)
    assert acknowledgement.acknowledged_by == case_worker_a


def test_a_duplicate_held_by_another_organisation_is_reported_without_naming_it(
    api_client_for, manager_b, household_a, project_b
):
    again = vesna(
        first_name="Dragan",
        last_name="Petrović",
        sex="male",
        date_of_birth="1970-05-12",
        national_id=HEAD_A["national_id"],
    )
    response = api_client_for(manager_b).post(
        HOUSEHOLDS, body(again, project="project-b"), format="json"
    )
    error = assert_error(response, 409, "possible_duplicates")
    [match] = error["details"]["matches"]["0"]
    assert match["visible"] is False
    assert set(match) == {"matched_on", "rule", "visible", "message"}
    assert household_a.number not in json.dumps(error)


def test_consent_is_recorded_with_the_registration_and_checked_like_the_rest(api, case_worker_a):
    response = api.post(HOUSEHOLDS, body(vesna(), consent_purposes=["marketing"]), format="json")
    assert set(assert_error(response, 400, "invalid")["fields"]) == {"consent_purposes"}
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api.post(
        HOUSEHOLDS,
        body(vesna(), consent_purposes=["registration"], consent_given_on=tomorrow),
        format="json",
    )
    assert set(assert_error(response, 400, "invalid")["fields"]) == {"consent_given_on"}
    assert not Household.objects.exists()
    response = api.post(
        HOUSEHOLDS,
        body(vesna(), consent_purposes=["registration", "referral"], consent_given_on="2025-03-01"),
        format="json",
    )
    assert response.status_code == 201, response.content
    head = Person.objects.get()
    assert sorted(head.consents.values_list("purpose", flat=True)) == ["referral", "registration"]
    assert {consent.taken_by for consent in head.consents.all()} == {case_worker_a}


def test_an_organisation_the_user_does_not_belong_to_is_not_found(api, org_b):
    response = api.post(
        HOUSEHOLDS, body(vesna(), organisation="org-b", project=None), format="json"
    )
    assert_error(response, 404, "not_found")
    assert not Household.objects.exists()


def test_a_member_of_two_organisations_says_which_registers(
    api_client_for, case_worker_a, system, org_b, project_b
):
    membership_grant(actor=system, user=case_worker_a, organisation=org_b, role=Role.CASE_WORKER)
    api = api_client_for(case_worker_a)
    error = assert_error(api.post(HOUSEHOLDS, body(vesna()), format="json"), 400, "invalid")
    assert set(error["fields"]) == {"organisation"}
    response = api.post(HOUSEHOLDS, body(vesna(), organisation="org-a"), format="json")
    assert response.status_code == 201, response.content


# --- changing -----------------------------------------------------------------------------


def test_a_household_is_changed_with_the_version_read(api, household_a):
    path = f"{HOUSEHOLDS}{household_a.number}/"
    version = api.get(path).json()["version"]
    response = api.patch(
        path,
        {"version": version, "current_municipality": "Краљево", "address": "Ribnica 4"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["current_municipality"] == "RS-18-kraljevo"
    assert response.json()["version"] == version + 1
    household_a.refresh_from_db()
    assert household_a.address == "Ribnica 4"


def test_a_stale_version_answers_409_and_nothing_is_overwritten(
    api_client_for, case_worker_a, make_user, org_a, household_a
):
    colleague = make_user(org_a, Role.CASE_WORKER)
    first, second = api_client_for(case_worker_a), api_client_for(colleague)
    path = f"{HOUSEHOLDS}{household_a.number}/"
    version = first.get(path).json()["version"]
    assert second.get(path).json()["version"] == version
    saved = first.patch(path, {"version": version, "current_settlement": "Karaburma"})
    assert saved.status_code == 200, saved.content

    response = second.patch(path, {"version": version, "current_settlement": "Višnjica"})
    error = assert_error(response, 409, "conflict")
    assert error["details"]["current_version"] == version + 1
    assert error["details"]["current_values"]["current_settlement"] == "Karaburma"
    household_a.refresh_from_db()
    assert household_a.current_settlement == "Karaburma"


def test_a_change_without_a_version_is_refused(api, household_a):
    response = api.patch(f"{HOUSEHOLDS}{household_a.number}/", {"notes": "x"}, format="json")
    assert set(assert_error(response, 400, "invalid")["fields"]) == {"version"}
    child = child_of(household_a)
    response = api.patch(f"{PEOPLE}{child.pk}/", {"father_name": "Dragan"}, format="json")
    assert set(assert_error(response, 400, "invalid")["fields"]) == {"version"}
    household_a.refresh_from_db()
    child.refresh_from_db()
    assert (household_a.notes, child.father_name) == ("", "")


def test_a_bad_household_change_names_the_field(api, household_a):
    response = api.patch(
        f"{HOUSEHOLDS}{household_a.number}/",
        {"version": 1, "phone": "call me", "current_municipality": "Atlantis"},
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"current_municipality"}
    response = api.patch(
        f"{HOUSEHOLDS}{household_a.number}/", {"version": 1, "phone": "call me"}, format="json"
    )
    assert set(assert_error(response, 400, "invalid")["fields"]) == {"phone"}
    household_a.refresh_from_db()
    assert (household_a.phone, household_a.version) == ("", 1)


def test_a_person_is_changed_and_a_stale_version_answers_409(
    api_client_for, case_worker_a, make_user, org_a, household_a
):
    colleague = make_user(org_a, Role.CASE_WORKER)
    child = child_of(household_a)
    path = f"{PEOPLE}{child.pk}/"
    saved = api_client_for(case_worker_a).patch(
        path, {"version": child.version, "phone": "065 111 2222"}, format="json"
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == child.version + 1
    response = api_client_for(colleague).patch(
        path, {"version": child.version, "father_name": "Dragan"}, format="json"
    )
    assert_error(response, 409, "conflict")
    child.refresh_from_db()
    assert (child.phone, child.father_name) == ("065 111 2222", "")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"last_name": "<script>x</script>"}, "last_name"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "someday"}, "date_of_birth"),
        ({"national_id": "123"}, "national_id"),
        ({"national_id": HEAD_A["national_id"]}, "national_id"),
        ({"sex": "other"}, "sex"),
        ({"relationship_to_head": "head"}, "relationship_to_head"),
    ],
)
def test_a_bad_person_change_names_the_field(api, household_a, changes, field):
    child = child_of(household_a)
    response = api.patch(
        f"{PEOPLE}{child.pk}/", {"version": child.version, **changes}, format="json"
    )
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {field}
    child.refresh_from_db()
    assert (child.version, child.last_name, child.national_id) == (
        1,
        "Petrović",
        CHILD_A["national_id"],
    )


def test_a_member_is_added_and_a_likely_duplicate_needs_a_reason(api, household_a, household_b):
    path = f"{HOUSEHOLDS}{household_a.number}/members/"
    baby = {
        "relationship_to_head": "grandchild",
        "first_name": "Luka",
        "last_name": "Petrović",
        "sex": "male",
        "date_of_birth": "2024",
        "displacement_status": "idp",
    }
    response = api.post(path, baby, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["household_number"] == household_a.number
    assert response.json()["date_of_birth_estimated"] is True

    dragana = {
        **baby,
        "first_name": "Dragana",
        "sex": "female",
        "date_of_birth": "1975-01-09",
        "relationship_to_head": "sibling",
    }
    error = assert_error(api.post(path, dragana, format="json"), 409, "possible_duplicates")
    assert error["details"]["matches"]["0"][0]["visible"] is False
    response = api.post(path, {**dragana, "duplicate_reason": "Checked with B."}, format="json")
    assert response.status_code == 201, response.content
    assert household_a.members.count() == 4


def test_a_bad_member_names_the_field_without_a_position(api, household_a):
    response = api.post(
        f"{HOUSEHOLDS}{household_a.number}/members/",
        {
            "relationship_to_head": "child",
            "first_name": "Luka",
            "last_name": "Petrović",
            "sex": "male",
            "date_of_birth": "1950",
            "displacement_status": "idp",
        },
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"date_of_birth"}
    assert household_a.members.count() == 2


def test_methods_the_registry_does_not_offer(api, household_a):
    head = head_of(household_a)
    assert_error(api.delete(f"{HOUSEHOLDS}{household_a.number}/"), 405, "method_not_allowed")
    assert_error(api.put(f"{PEOPLE}{head.pk}/", {}), 405, "method_not_allowed")
    assert_error(api.post(PEOPLE, {}), 405, "method_not_allowed")


# --- the schema ---------------------------------------------------------------------------


def test_the_schema_describes_the_registry_and_still_validates(api):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    paths = schema["paths"]
    assert {
        "/api/v1/households/",
        "/api/v1/households/{number}/",
        "/api/v1/households/{number}/members/",
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/areas/",
        "/api/v1/areas/{code}/",
    } <= set(paths)
    parameters = {parameter["name"] for parameter in paths["/api/v1/people/"]["get"]["parameters"]}
    assert {"search", "municipality", "displacement_status", "project", "vulnerability"} <= (
        parameters
    )
    register = paths["/api/v1/households/"]["post"]["requestBody"]["content"]["application/json"]
    name = register["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"members", "duplicate_reason", "current_municipality"} <= set(
        schema["components"]["schemas"][name]["properties"]
    )
