"""The registry's web pages: search, registration with every member at once, the household
page, edits that never silently overwrite each other, and the JMBG check beside the field.

What a role must not see is a 404, never a 403, and never part of a search result.
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.conftest import CHILD_A, HEAD_A
from homeward.core.actors import Actor
from homeward.core.models import AuditEvent
from homeward.geo.models import Area
from homeward.registry import views
from homeward.registry.jmbg import make_jmbg
from homeward.registry.models import Consent, DuplicateAcknowledgement, Household, Person
from homeward.registry.services import document_record, household_register

pytestmark = pytest.mark.django_db

ZVEZDARA = "RS-00-zvezdara"


def area(code: str) -> Area:
    return Area.objects.get(code=code)


def head_of(household: Household) -> Person:
    return household.members.get(relationship_to_head="head")


def child_of(household: Household) -> Person:
    return household.members.get(relationship_to_head="child")


def registration(*members: dict, **household) -> dict:
    """The registration page's POST: the household's fields and a ``members`` formset."""
    data = {
        "organisation": "org-a",
        "project": "project-a",
        "current_municipality": area("RS-18-kraljevo").pk,
        "current_settlement": "Ribnica",
        "accommodation": "private",
        "origin_municipality": area("XK-gjilan").pk,
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": 0,
        "members-MIN_NUM_FORMS": 1,
        "members-MAX_NUM_FORMS": 1000,
    }
    data.update(household)
    for index, member in enumerate(members):
        for name, value in member.items():
            data[f"members-{index}-{name}"] = value
    return data


def member(**fields) -> dict:
    row = {
        "relationship_to_head": "head",
        "first_name": "Vesna",
        "last_name": "Stojanović",
        "sex": "female",
        "date_of_birth": "14.02.1981",
        "national_id": make_jmbg(date(1981, 2, 14), region_code=93, sex="female", serial=77),
        "displacement_status": "idp",
    }
    row.update(fields)
    return row


def spouse(**fields) -> dict:
    return member(
        **{
            "relationship_to_head": "spouse",
            "first_name": "Zoran",
            "sex": "male",
            "date_of_birth": "1979",
            "national_id": make_jmbg(date(1979, 7, 3), region_code=93, sex="male", serial=12),
            **fields,
        }
    )


def household_form(household: Household, **changes) -> dict:
    """The edit page's POST, as the page was filled in when opened."""
    data = {
        "current_municipality": household.current_municipality_id,
        "current_settlement": household.current_settlement,
        "address": household.address,
        "accommodation": household.accommodation,
        "origin_municipality": household.origin_municipality_id or "",
        "origin_settlement": household.origin_settlement,
        "phone": household.phone,
        "return_intention": household.return_intention,
        "notes": household.notes,
        "version": household.version,
    }
    data.update(changes)
    return data


def person_form(person: Person, **changes) -> dict:
    data = {
        "relationship_to_head": person.relationship_to_head,
        "first_name": person.first_name,
        "father_name": person.father_name,
        "last_name": person.last_name,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth.strftime("%d.%m.%Y"),
        "national_id": person.national_id,
        "phone": person.phone,
        "displacement_status": person.displacement_status,
        "version": person.version,
    }
    data.update(changes)
    return data


@pytest.fixture
def household_b(manager_b, org_b, project_b) -> Household:
    """A household of organisation B, for searches that must not mix the two."""
    return household_register(
        actor=Actor(user=manager_b),
        organisation=org_b,
        project=project_b,
        household={"current_municipality": area(ZVEZDARA), "accommodation": "private"},
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


@pytest.fixture
def colleague_a(make_user, org_a, project_a):
    """A second case worker of A, in another browser."""
    return make_user(org_a, Role.CASE_WORKER, username="colleague-a")


# --- search -------------------------------------------------------------------------------


def found(response) -> list:
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_the_search_page_opens_empty(client_for, case_worker_a, household_a):
    response = client_for(case_worker_a).get("/registry/")
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "/registry/register/" in response.text


@pytest.mark.parametrize(
    "query", ["Петровић Драган", "petrovic", "Petroviq", "Dragan Petrovć", "dragan milan"]
)
def test_a_name_is_found_in_any_script_and_spelling(client_for, case_worker_a, household_a, query):
    people = found(client_for(case_worker_a).get("/registry/", {"q": query}))
    assert head_of(household_a) in people


def test_the_box_takes_a_jmbg_a_phone_or_a_household_number(client_for, case_worker_a, household_a):
    browser = client_for(case_worker_a)
    head, child = head_of(household_a), child_of(household_a)
    assert found(browser.get("/registry/", {"q": child.national_id})) == [child]
    assert found(browser.get("/registry/", {"q": "+381 64 123 45 67"})) == [head]
    number = household_a.number
    assert set(found(browser.get("/registry/", {"q": number}))) == {head, child}
    households = found(browser.get("/registry/", {"q": number, "show": "households"}))
    assert households == [household_a]
    assert households[0].size == 2


def test_the_filters_narrow_the_results(client_for, case_worker_a, household_a, project_a):
    browser = client_for(case_worker_a)
    head, child = head_of(household_a), child_of(household_a)
    zvezdara, kraljevo = area(ZVEZDARA).pk, area("RS-18-kraljevo").pk
    everyone = {"q": "Petrović"}
    assert set(found(browser.get("/registry/", {**everyone, "municipality": zvezdara}))) == {
        head,
        child,
    }
    assert found(browser.get("/registry/", {**everyone, "municipality": kraljevo})) == []
    assert found(browser.get("/registry/", {**everyone, "displacement_status": "returnee"})) == []
    assert len(found(browser.get("/registry/", {**everyone, "displacement_status": "idp"}))) == 2
    assert len(found(browser.get("/registry/", {**everyone, "project": "project-a"}))) == 2
    assert found(browser.get("/registry/", {**everyone, "vulnerability": "chronic_illness"})) == [
        child
    ]
    # Filters alone, with the box empty, list everyone who meets them.
    assert found(browser.get("/registry/", {"vulnerability": "chronic_illness"})) == [child]
    households = found(
        browser.get("/registry/", {"show": "households", "vulnerability": "chronic_illness"})
    )
    assert households == [household_a]


def test_a_filter_value_that_does_not_exist_is_reported_not_ignored(
    client_for, case_worker_a, household_a
):
    response = client_for(case_worker_a).get(
        "/registry/", {"q": "Petrović", "displacement_status": "tourist", "project": "nope"}
    )
    assert response.status_code == 200
    assert response.context["page"] is None
    assert set(response.context["form"].errors) == {"displacement_status", "project"}


def test_results_are_paginated_and_sortable(client_for, case_worker_a, household_a, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    browser = client_for(case_worker_a)
    head, child = head_of(household_a), child_of(household_a)
    by_birth = {"q": "Petrović", "sort": "born"}
    first = browser.get("/registry/", by_birth)
    assert found(first) == [head]
    assert first.context["page"].paginator.num_pages == 2
    assert 'rel="next"' in first.text
    assert found(browser.get("/registry/", {**by_birth, "page": 2})) == [child]
    assert found(browser.get("/registry/", {**by_birth, "sort": "-born"})) == [child]
    # The column headings sort, keeping the search; the current one turns the order round.
    assert 'href="?q=Petrovi%C4%87&amp;sort=-born"' in first.text
    assert 'href="?q=Petrovi%C4%87&amp;sort=name"' in first.text


def test_households_sort_by_size_and_registration(client_for, case_worker_a, household_a):
    browser = client_for(case_worker_a)
    browser.post("/registry/register/", registration(member()))
    lone = Household.objects.exclude(pk=household_a.pk).get()
    by = {"show": "households"}
    assert found(browser.get("/registry/", {**by, "sort": "size"})) == [lone, household_a]
    assert found(browser.get("/registry/", {**by, "sort": "-size"})) == [household_a, lone]
    assert found(browser.get("/registry/", {**by, "sort": "-number"})) == [lone, household_a]
    assert found(browser.get("/registry/", {**by, "sort": "nonsense"})) == [household_a, lone]


def test_another_organisation_never_finds_a_household_of_a(
    client_for, manager_b, household_a, household_b
):
    browser = client_for(manager_b)
    assert found(browser.get("/registry/", {"q": "Petrović"})) == [head_of(household_b)]
    assert found(browser.get("/registry/", {"q": head_of(household_a).national_id})) == []
    assert found(browser.get("/registry/", {"q": household_a.number})) == []
    assert found(browser.get("/registry/", {"show": "households"})) == [household_b]


def test_a_case_worker_limited_to_another_project_does_not_see_the_household(
    make_user, org_a, project_a2, client_for, household_a
):
    limited = make_user(org_a, Role.CASE_WORKER, projects=[project_a2])
    browser = client_for(limited)
    assert found(browser.get("/registry/", {"q": "Petrović"})) == []
    assert browser.get(f"/registry/households/{household_a.number}/").status_code == 404
    assert browser.get(f"/registry/households/{household_a.number}/edit/").status_code == 404


def test_a_project_of_another_organisation_is_no_filter_choice(client_for, manager_b, household_a):
    response = client_for(manager_b).get("/registry/", {"project": "project-a"})
    assert "project" in response.context["form"].errors


@pytest.mark.parametrize("role", [Role.DONOR_VIEWER, Role.ADMINISTRATOR, Role.INFO_DESK_OPERATOR])
def test_roles_without_personal_data_get_404_on_every_registry_page(
    role, make_user, org_a, donor_org, client_for, household_a
):
    user = make_user(donor_org if role == Role.DONOR_VIEWER else org_a, role)
    browser = client_for(user)
    head = head_of(household_a)
    for path in (
        "/registry/",
        "/registry/register/",
        f"/registry/check-jmbg/?national_id={head.national_id}",
        f"/registry/households/{household_a.number}/",
        f"/registry/households/{household_a.number}/edit/",
        f"/registry/people/{head.pk}/edit/",
    ):
        assert browser.get(path).status_code == 404, path


# --- registration -------------------------------------------------------------------------


def test_a_household_is_registered_with_all_its_members_in_one_go(client_for, case_worker_a):
    response = client_for(case_worker_a).post(
        "/registry/register/", registration(member(), spouse(), notes="Came in March.")
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    household = Household.objects.get()
    assert response.url == f"/registry/households/{household.number}/"
    assert household.organisation.code == "org-a"
    assert household.project.code == "project-a"
    assert household.registered_by == case_worker_a
    vesna, zoran = household.members.order_by("relationship_to_head")
    assert (vesna.first_name, vesna.relationship_to_head) == ("Vesna", "head")
    assert (zoran.first_name, zoran.date_of_birth, zoran.date_of_birth_estimated) == (
        "Zoran",
        date(1979, 1, 1),
        True,
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"household.register", "person.register"} <= actions


def test_an_untouched_extra_member_row_is_skipped(client_for, case_worker_a):
    data = registration(member(), spouse())
    data["members-TOTAL_FORMS"] = 3
    response = client_for(case_worker_a).post("/registry/register/", data)
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_the_registration_page_offers_the_member_formset(client_for, case_worker_a, org_a):
    response = client_for(case_worker_a).get("/registry/register/")
    assert response.status_code == 200
    html = response.text
    for name in ("members-TOTAL_FORMS", "members-INITIAL_FORMS", "members-0-first_name"):
        assert f'name="{name}"' in html, name
    assert 'id="member-template"' in html
    assert "members-__prefix__-national_id" in html
    # One organisation to register for: it is chosen already.
    assert response.context["form"]["organisation"].value() == "org-a"


def test_an_invalid_jmbg_of_the_second_member_is_shown_on_that_row_and_nothing_is_saved(
    client_for, case_worker_a
):
    valid = spouse()["national_id"]
    broken = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    response = client_for(case_worker_a).post(
        "/registry/register/", registration(member(), spouse(national_id=broken))
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert not formset.forms[0].errors
    assert list(formset.forms[1].errors) == ["national_id"]
    assert "check digit" in formset.forms[1].errors["national_id"][0].lower()
    assert formset.forms[1].errors["national_id"][0] in response.text
    assert not Household.objects.exists()
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="household.").exists()


def test_a_date_of_birth_in_the_future_is_refused_naming_the_member(client_for, case_worker_a):
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d.%m.%Y")
    response = client_for(case_worker_a).post(
        "/registry/register/",
        registration(member(), spouse(date_of_birth=tomorrow, national_id="")),
    )
    assert response.status_code == 200
    errors = response.context["formset"].forms[1].errors
    assert "date_of_birth" in errors
    assert "future" in errors["date_of_birth"][0]
    assert not Household.objects.exists()


def test_a_date_that_is_no_date_names_the_field(client_for, case_worker_a):
    response = client_for(case_worker_a).post(
        "/registry/register/", registration(member(date_of_birth="31.02.1981", national_id=""))
    )
    assert response.status_code == 200
    assert "date_of_birth" in response.context["formset"].forms[0].errors
    assert not Household.objects.exists()


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "Vesna<b>", "Ve$na"])
def test_markup_in_a_name_is_refused_naming_the_field(client_for, case_worker_a, name):
    response = client_for(case_worker_a).post(
        "/registry/register/", registration(member(first_name=name))
    )
    assert response.status_code == 200
    assert "first_name" in response.context["formset"].forms[0].errors
    assert "<script>alert(1)</script>" not in response.text
    assert not Person.objects.exists()


def test_two_heads_are_refused(client_for, case_worker_a):
    response = client_for(case_worker_a).post(
        "/registry/register/", registration(member(), spouse(relationship_to_head="head"))
    )
    assert response.status_code == 200
    for row in response.context["formset"].forms:
        assert "relationship_to_head" in row.errors
    assert not Household.objects.exists()


def test_a_child_older_than_the_head_is_refused(client_for, case_worker_a):
    response = client_for(case_worker_a).post(
        "/registry/register/",
        registration(member(), spouse(relationship_to_head="child", date_of_birth="1950")),
    )
    assert response.status_code == 200
    assert "date_of_birth" in response.context["formset"].forms[1].errors
    assert not Household.objects.exists()


def test_a_missing_municipality_names_the_field(client_for, case_worker_a):
    response = client_for(case_worker_a).post(
        "/registry/register/", registration(member(), current_municipality="")
    )
    assert response.status_code == 200
    assert "current_municipality" in response.context["form"].errors
    assert not Household.objects.exists()


def test_a_case_worker_cannot_register_for_another_organisation(client_for, case_worker_a, org_b):
    response = client_for(case_worker_a).post(
        "/registry/register/", registration(member(), organisation="org-b", project="")
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Household.objects.exists()


def test_consent_is_recorded_with_the_registration(client_for, case_worker_a):
    browser = client_for(case_worker_a)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    consent = {"consent_purposes": ["registration", "referral"], "consent_given_on": future}
    response = browser.post("/registry/register/", registration(member(), **consent))
    assert response.status_code == 200
    assert "consent_given_on" in response.context["form"].errors
    assert not Household.objects.exists()
    consent["consent_given_on"] = "2025-03-01"
    assert browser.post("/registry/register/", registration(member(), **consent)).status_code == 302
    head = Person.objects.get()
    assert sorted(head.consents.values_list("purpose", flat=True)) == ["referral", "registration"]


def test_html_typed_into_free_text_is_shown_escaped(client_for, case_worker_a):
    browser = client_for(case_worker_a)
    response = browser.post(
        "/registry/register/",
        registration(
            member(),
            notes='<script>alert("notes")</script>\n<b>second line</b>',
            current_settlement='<img src=x onerror=alert("settlement")>',
            address="Ulica <i>1</i>",
        ),
    )
    assert response.status_code == 302
    page = browser.get(response.url).text
    assert '<script>alert("notes")</script>' not in page
    assert "&lt;script&gt;alert(&quot;notes&quot;)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(&quot;settlement&quot;)&gt;" in page
    assert "<b>second line</b>" not in page
    assert "Ulica &lt;i&gt;1&lt;/i&gt;" in page


def test_a_likely_duplicate_is_shown_then_registered_with_a_reason(
    client_for, case_worker_a, household_a
):
    browser = client_for(case_worker_a)
    # The same man written in Cyrillic, with his date of birth and no JMBG.
    again = member(
        first_name="Драган",
        last_name="Петровић",
        sex="male",
        date_of_birth="12.05.1970",
        national_id="",
    )
    response = browser.post("/registry/register/", registration(again))
    assert response.status_code == 200
    [(entered, candidates)] = response.context["matches"]
    assert entered["first_name"] == "Драган"
    assert [candidate.person for candidate in candidates] == [head_of(household_a)]
    assert f"/registry/households/{household_a.number}/#person-" in response.text
    assert Household.objects.count() == 1

    reason = "Another man of the same name: his father is Jovan."
    response = browser.post("/registry/register/", registration(again, duplicate_reason=reason))
    assert response.status_code == 302
    assert Household.objects.count() == 2
    acknowledgement = DuplicateAcknowledgement.objects.get()
    assert acknowledgement.other_person == head_of(household_a)
    assert acknowledgement.reason == reason
    assert acknowledgement.acknowledged_by == case_worker_a


def test_a_duplicate_in_another_organisation_is_reported_without_naming_it(
    client_for, manager_b, household_a, project_b
):
    again = member(
        first_name="Dragan",
        last_name="Petrović",
        sex="male",
        date_of_birth="",
        national_id=HEAD_A["national_id"],
    )
    response = client_for(manager_b).post(
        "/registry/register/", registration(again, organisation="org-b", project="project-b")
    )
    assert response.status_code == 200
    [(_entered, [candidate])] = response.context["matches"]
    assert not candidate.visible
    assert household_a.number not in response.text
    assert "another organisation" in response.text


# --- the household page -------------------------------------------------------------------


def test_the_household_page_shows_members_documents_needs_and_history(
    client_for, case_worker_a, household_a
):
    head, child = head_of(household_a), child_of(household_a)
    document_record(actor=Actor(user=case_worker_a), person=head, kind="idp_card", status="missing")
    response = client_for(case_worker_a).get(f"/registry/households/{household_a.number}/")
    assert response.status_code == 200
    html = response.text
    assert [person.pk for person in response.context["members"]] == [head.pk, child.pk]
    for text in ("Dragan (Milan) Petrović", "Milica Petrović", child.national_id):
        assert text in html, text
    for text in ("Zvezdara", "Gjilan", "Mirijevo", "Šilovo"):
        assert text in html, text
    # Needs: a vulnerability recorded and one that a missing document makes.
    assert '<span class="tag">Chronic illness</span>' in html
    assert '<span class="tag">Missing documents</span>' in html
    assert "IDP card: missing" in html
    # History: the registration and the document, in words, and not the reads.
    actions = [entry.event.action for entry in response.context["history"]]
    assert {"household.register", "person.register", "person.document"} <= set(actions)
    assert not any(action.endswith(".read") for action in actions)
    assert "Household registered" in html
    assert "IDP card: status" in html
    # Who may edit is shown the ways to.
    for path in ("edit/", "add-member/", "split/", "head/"):
        assert f"/registry/households/{household_a.number}/{path}" in html, path


def test_viewing_a_household_is_recorded_as_a_read(client_for, case_worker_a, household_a):
    client_for(case_worker_a).get(f"/registry/households/{household_a.number}/")
    event = AuditEvent.objects.get(action="household.read")
    assert event.actor == case_worker_a
    assert event.target_type == "registry.household"
    assert event.target_id == str(household_a.pk)
    assert event.via == "ui"


def test_a_data_protection_officer_reads_but_cannot_edit(client_for, dpo_a, household_a):
    browser = client_for(dpo_a)
    response = browser.get(f"/registry/households/{household_a.number}/")
    assert response.status_code == 200
    assert f"/registry/households/{household_a.number}/edit/" not in response.text
    assert browser.get(f"/registry/households/{household_a.number}/edit/").status_code == 404
    assert browser.get("/registry/register/").status_code == 404


def test_another_organisation_gets_404_for_every_page_of_a_household(
    client_for, manager_b, household_a
):
    browser = client_for(manager_b)
    head = head_of(household_a)
    number = household_a.number
    for path in (
        f"/registry/households/{number}/",
        f"/registry/households/{number}/edit/",
        f"/registry/households/{number}/add-member/",
        f"/registry/households/{number}/split/",
        f"/registry/households/{number}/head/",
        f"/registry/people/{head.pk}/edit/",
        f"/registry/people/{head.pk}/move/",
        f"/registry/people/{head.pk}/documents/",
    ):
        assert browser.get(path).status_code == 404, path
    # Writing is as impossible as reading, and reads nothing into the audit trail.
    assert (
        browser.post(
            f"/registry/households/{number}/edit/", household_form(household_a, notes="x")
        ).status_code
        == 404
    )
    assert browser.post(f"/registry/people/{head.pk}/consents/", {}).status_code == 404
    assert not AuditEvent.objects.filter(action="household.read").exists()
    household_a.refresh_from_db()
    assert household_a.notes == ""


def test_a_household_number_that_does_not_exist_is_404(client_for, case_worker_a):
    assert client_for(case_worker_a).get("/registry/households/H-999999/").status_code == 404


# --- editing and concurrency --------------------------------------------------------------


def test_a_case_worker_edits_the_household(client_for, case_worker_a, household_a):
    response = client_for(case_worker_a).post(
        f"/registry/households/{household_a.number}/edit/",
        household_form(household_a, current_settlement="Mali Mokri Lug", phone="011 222 333"),
    )
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert household_a.current_settlement == "Mali Mokri Lug"
    assert household_a.version == 2
    event = AuditEvent.objects.get(action="household.update")
    assert event.changes["current_settlement"] == {
        "before": "Mirijevo",
        "after": "Mali Mokri Lug",
    }


def test_a_bad_phone_number_names_the_field(client_for, case_worker_a, household_a):
    response = client_for(case_worker_a).post(
        f"/registry/households/{household_a.number}/edit/",
        household_form(household_a, phone="call me"),
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    household_a.refresh_from_db()
    assert household_a.phone == ""


def test_the_second_of_two_household_editors_gets_the_conflict_and_nothing_is_overwritten(
    client_for, case_worker_a, colleague_a, household_a
):
    first, second = client_for(case_worker_a), client_for(colleague_a)
    path = f"/registry/households/{household_a.number}/edit/"
    # Both open the page and read the same version.
    read_first = first.get(path).context["form"]["version"].value()
    read_second = second.get(path).context["form"]["version"].value()
    assert read_first == read_second == household_a.version
    opened = household_form(household_a)
    saved = first.post(path, {**opened, "current_settlement": "Karaburma"})
    assert saved.status_code == 302

    response = second.post(path, {**opened, "current_settlement": "Višnjica", "notes": "Mine"})
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    html = response.text
    assert "Somebody else changed this record" in html
    assert "Karaburma" in html  # what the other person saved
    assert 'value="Višnjica"' in html  # what this person typed is kept
    household_a.refresh_from_db()
    assert (household_a.current_settlement, household_a.notes) == ("Karaburma", "")
    assert AuditEvent.objects.filter(action="household.update").count() == 1

    # Saving again, now over the version just seen, is a conscious overwrite.
    version = response.context["form"]["version"].value()
    again = second.post(path, {**opened, "current_settlement": "Višnjica", "version": version})
    assert again.status_code == 302
    household_a.refresh_from_db()
    assert household_a.current_settlement == "Višnjica"


def test_the_second_of_two_person_editors_gets_the_conflict(
    client_for, case_worker_a, colleague_a, household_a
):
    child = child_of(household_a)
    path = f"/registry/people/{child.pk}/edit/"
    opened = person_form(child)
    first = client_for(case_worker_a).post(path, {**opened, "phone": "065 111 2222"})
    assert first.status_code == 302
    response = client_for(colleague_a).post(path, {**opened, "father_name": "Dragan"})
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert "Somebody else changed this record" in response.text
    child.refresh_from_db()
    assert (child.phone, child.father_name) == ("065 111 2222", "")


def test_a_person_edit_is_checked_like_a_registration(client_for, case_worker_a, household_a):
    child = child_of(household_a)
    response = client_for(case_worker_a).post(
        f"/registry/people/{child.pk}/edit/",
        person_form(child, first_name="<script>x</script>", national_id="123"),
    )
    assert response.status_code == 200
    assert {"first_name", "national_id"} <= set(response.context["form"].errors)
    child.refresh_from_db()
    assert child.first_name == "Milica"


def test_a_person_cannot_be_given_a_jmbg_someone_else_holds(client_for, case_worker_a, household_a):
    child = child_of(household_a)
    response = client_for(case_worker_a).post(
        f"/registry/people/{child.pk}/edit/",
        person_form(child, national_id=HEAD_A["national_id"], date_of_birth="12.05.1970"),
    )
    assert response.status_code == 200
    assert "national_id" in response.context["form"].errors
    child.refresh_from_db()
    assert child.national_id == CHILD_A["national_id"]


# --- a family's changes -------------------------------------------------------------------


def test_a_member_is_added_and_a_likely_duplicate_needs_a_reason(
    client_for, case_worker_a, household_a, household_b
):
    browser = client_for(case_worker_a)
    path = f"/registry/households/{household_a.number}/add-member/"
    baby = {
        "relationship_to_head": "grandchild",
        "first_name": "Luka",
        "last_name": "Petrović",
        "sex": "male",
        "date_of_birth": "2024",
        "displacement_status": "idp",
    }
    assert browser.post(path, baby).status_code == 302
    assert household_a.members.count() == 3

    # Dragana of organisation B, again: B's record is not shown, but it is reported.
    dragana = {**baby, "first_name": "Dragana", "sex": "female", "date_of_birth": "09.01.1975"}
    dragana["relationship_to_head"] = "sibling"
    response = browser.post(path, dragana)
    assert response.status_code == 200
    [candidate] = response.context["candidates"]
    assert not candidate.visible
    assert 'name="duplicate_reason"' in response.text
    assert household_a.members.count() == 3
    response = browser.post(path, {**dragana, "duplicate_reason": "Checked by phone with B."})
    assert response.status_code == 302
    assert household_a.members.count() == 4


def test_a_member_moves_to_another_household(client_for, case_worker_a, household_a):
    browser = client_for(case_worker_a)
    browser.post("/registry/register/", registration(member()))
    other = Household.objects.exclude(pk=household_a.pk).get()
    child = child_of(household_a)
    response = browser.post(
        f"/registry/people/{child.pk}/move/",
        {
            "to_household": other.number.lower(),
            "relationship_to_head": "other_relative",
            "version": child.version,
        },
    )
    assert response.status_code == 302
    assert response.url == f"/registry/households/{other.number}/"
    child.refresh_from_db()
    assert child.household == other
    history = client_for(case_worker_a).get(f"/registry/households/{household_a.number}/")
    assert "household.member_left" in [entry.event.action for entry in history.context["history"]]


def test_a_move_to_a_household_out_of_reach_names_the_field(
    client_for, case_worker_a, household_a, household_b
):
    child = child_of(household_a)
    response = client_for(case_worker_a).post(
        f"/registry/people/{child.pk}/move/",
        {
            "to_household": household_b.number,
            "relationship_to_head": "sibling",
            "version": child.version,
        },
    )
    assert response.status_code == 200
    assert "to_household" in response.context["form"].errors
    child.refresh_from_db()
    assert child.household == household_a


def test_a_move_over_a_stale_version_is_refused(client_for, case_worker_a, household_a):
    browser = client_for(case_worker_a)
    browser.post("/registry/register/", registration(member()))
    other = Household.objects.exclude(pk=household_a.pk).get()
    child = child_of(household_a)
    opened = child.version
    browser.post(f"/registry/people/{child.pk}/edit/", person_form(child, phone="065 111 2222"))
    response = browser.post(
        f"/registry/people/{child.pk}/move/",
        {"to_household": other.number, "relationship_to_head": "other_relative", "version": opened},
    )
    assert response.status_code == 200
    assert "Somebody else changed this record" in response.text
    child.refresh_from_db()
    assert child.household == household_a


def test_a_household_is_split_and_its_head_changed(client_for, case_worker_a, household_a):
    browser = client_for(case_worker_a)
    head, child = head_of(household_a), child_of(household_a)
    response = browser.post(
        f"/registry/households/{household_a.number}/head/",
        {"new_head": child.pk, "previous_head_relationship": "parent"},
    )
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.relationship_to_head == "parent"
    assert head_of(household_a) == child

    response = browser.post(
        f"/registry/households/{household_a.number}/split/",
        {"people": [head.pk], "new_head": head.pk, "current_settlement": "Kotež"},
    )
    assert response.status_code == 302
    new = Household.objects.get(split_from=household_a)
    assert response.url == f"/registry/households/{new.number}/"
    assert list(new.members.all()) == [head]
    assert new.current_settlement == "Kotež"
    assert new.current_municipality == household_a.current_municipality


def test_documents_and_consent_are_recorded_and_withdrawn(client_for, case_worker_a, household_a):
    browser = client_for(case_worker_a)
    head = head_of(household_a)
    path = f"/registry/people/{head.pk}/documents/"
    response = browser.post(path, {"document-kind": "kosovo_id_card", "document-status": "missing"})
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.missing_documents

    response = browser.post(
        f"/registry/people/{head.pk}/consents/",
        {"consent-purpose": "referral", "consent-given_on": "2025-06-01"},
    )
    assert response.status_code == 302
    consent = Consent.objects.get(person=head)
    assert consent.taken_by == case_worker_a

    response = browser.post(f"/registry/people/{head.pk}/consents/{consent.pk}/withdraw/")
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert (
        browser.get(f"/registry/people/{head.pk}/consents/{consent.pk}/withdraw/").status_code
        == 405
    )


def test_consent_in_the_future_names_the_field(client_for, case_worker_a, household_a):
    head = head_of(household_a)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client_for(case_worker_a).post(
        f"/registry/people/{head.pk}/consents/",
        {"consent-purpose": "referral", "consent-given_on": future},
    )
    assert response.status_code == 400
    assert "given_on" in response.context["consent_form"].errors
    assert not Consent.objects.exists()


# --- the JMBG check beside the field ------------------------------------------------------


def check(browser, national_id, **extra):
    response = browser.get("/registry/check-jmbg/", {"national_id": national_id, **extra})
    assert response.status_code == 200
    return response


def test_the_jmbg_check_decodes_a_valid_number(client_for, case_worker_a, org_a):
    number = make_jmbg(date(1988, 11, 23), region_code=71, sex="female", serial=3)
    html = check(client_for(case_worker_a), number).text
    assert "Valid JMBG: born 23 Nov 1988, female, registered in Central Serbia." in html
    assert "already registered" not in html


def test_the_jmbg_check_says_what_is_wrong(client_for, case_worker_a, org_a):
    browser = client_for(case_worker_a)
    assert "13 digits" in check(browser, "12345").text
    valid = make_jmbg(date(1988, 11, 23), region_code=71, sex="female", serial=3)
    broken = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    response = check(browser, broken)
    assert 'class="errorlist"' in response.text
    assert "Valid JMBG" not in response.text


def test_the_jmbg_check_shows_who_holds_the_number(client_for, case_worker_a, household_a):
    browser = client_for(case_worker_a)
    head = head_of(household_a)
    html = check(browser, head.national_id).text
    assert "This JMBG is already registered" in html
    assert f"/registry/households/{household_a.number}/#person-{head.pk}" in html
    # Editing the same person, their own number is no duplicate.
    html = check(browser, head.national_id, person=head.pk).text
    assert "already registered" not in html


def test_the_jmbg_check_does_not_reveal_another_organisations_record(
    client_for, manager_b, household_a
):
    html = check(client_for(manager_b), HEAD_A["national_id"]).text
    assert "This JMBG is already registered" in html
    assert household_a.number not in html
    assert "Dragan" not in html


# --- languages ----------------------------------------------------------------------------

LANGUAGES = [
    # language, the current municipality, "Members", "Edit"
    ("sr", "Звездара", "Чланови", "Измени"),
    ("sr-latn", "Zvezdara", "Članovi", "Izmeni"),
    ("sq", "Zvezdara", "Anëtarët", "Ndrysho"),
]


@pytest.mark.parametrize(("language", "municipality", "members", "edit"), LANGUAGES)
def test_the_household_page_renders_in_each_language(
    client_for, case_worker_a, household_a, language, municipality, members, edit
):
    browser = client_for(case_worker_a)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = browser.get(f"/registry/households/{household_a.number}/")
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{language}">' in html
    assert municipality in html
    assert f"<h2>{members}</h2>" in html
    assert f">{edit}</a>" in html
    # Dates as people there write them; names as they were written.
    assert "12.05.1970" in html
    assert "Dragan (Milan) Petrović" in html


@pytest.mark.parametrize(("language", "municipality", "members", "edit"), LANGUAGES)
def test_the_registry_pages_render_for_the_browsers_language(
    client_for, case_worker_a, household_a, language, municipality, members, edit
):
    browser = client_for(case_worker_a)
    head = head_of(household_a)
    for path in (
        "/registry/?q=Petrović",
        "/registry/?q=Petrović&show=households",
        "/registry/register/",
        f"/registry/households/{household_a.number}/edit/",
        f"/registry/people/{head.pk}/edit/",
        f"/registry/people/{head.pk}/documents/",
    ):
        response = browser.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, path
        assert f'<html lang="{language}">' in response.text, path
    search = browser.get("/registry/?q=Petrović", HTTP_ACCEPT_LANGUAGE=language).text
    assert municipality in search


@pytest.mark.parametrize("language", ["sr", "sr-latn", "sq"])
def test_the_registry_pages_speak_the_language_not_english(
    client_for, case_worker_a, household_a, language
):
    browser = client_for(case_worker_a)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = {
        "/registry/?q=Petrović": ["<h1>Registry</h1>", "Date of birth", "Displacement status"],
        "/registry/register/": ["<h1>Register a household</h1>", "Relationship to the head"],
        f"/registry/households/{household_a.number}/": [
            f"<h1>Household {household_a.number}</h1>",
            "Where and how they live",
            "Household registered",
            "Internally displaced person",
        ],
        f"/registry/check-jmbg/?national_id={HEAD_A['national_id']}": [
            "Valid JMBG",
            "This JMBG is already registered",
        ],
    }
    for path, english in pages.items():
        html = browser.get(path).text
        for text in english:
            assert text not in html, (path, text)


@pytest.mark.parametrize("language", ["sr", "sr-latn", "sq"])
def test_the_jmbg_check_renders_in_each_language(client_for, case_worker_a, household_a, language):
    browser = client_for(case_worker_a)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    head = head_of(household_a)
    html = check(browser, head.national_id).text
    assert "12.05.1970" in html
    assert f"/registry/households/{household_a.number}/#person-{head.pk}" in html
    assert check(browser, "12345").text.count("13") >= 1
