"""Every change to the registry: registration, edits, moves, splits, documents and consent.

Each write is checked for what it leaves behind (records, name keys, search tokens, audit rows
with before and after), for whom it refuses (out of scope is a 404), and for what a refusal
leaves behind: nothing.
"""

import re
from datetime import date, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.models import AuditEvent
from homeward.registry.models import (
    Consent,
    DuplicateAcknowledgement,
    Household,
    IdentityDocument,
    NameTokenVariant,
    Person,
    PersonNameToken,
)
from homeward.registry.selectors import household_history, person_search
from homeward.registry.services import (
    consent_record,
    consent_withdraw,
    document_record,
    household_change_head,
    household_register,
    household_split,
    household_update,
    person_add,
    person_move,
    person_update,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def counts() -> dict[str, int]:
    """How many rows every table a registration writes to holds."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Household,
            Person,
            AuditEvent,
            PersonNameToken,
            NameTokenVariant,
            Consent,
            IdentityDocument,
            DuplicateAcknowledgement,
        )
    }


def events(action: str, target) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
        ).order_by("id")
    )


def tokens_of(person: Person) -> set[str]:
    return set(PersonNameToken.objects.filter(person=person).values_list("token", flat=True))


def found(actor, query: str) -> set[str]:
    return {p.first_name for p in person_search(actor=actor, query=query)}


@pytest.fixture
def family(register, person, jmbg):
    """The Đorđević family of four, written partly in Cyrillic and partly in Latin."""
    return register(
        person("Драган", "Ђорђевић", father_name="Милан", national_id=jmbg(date(1970, 5, 4))),
        person("Gordana", "Đorđević", relationship="spouse", sex="female", born=date(1972, 8, 9)),
        person("ЉУБИША", "Djordjevic", relationship="child", born=date(1995, 3, 1)),
        person("Ana", "Dordevic", relationship="child", sex="female", born=date(2001, 11, 30)),
    )


# --- registration ---------------------------------------------------------------------------


def test_a_household_is_registered_with_all_its_members(
    register, person, jmbg, actor, case_worker_a, org_a, project_a, zvezdara, gjilan
):
    head_id = jmbg(date(1970, 5, 4))
    before = counts()
    household = register(
        person("Драган", "Ђорђевић", father_name="Милан", national_id=head_id, phone="064/1234567"),
        person("Gordana", "Đorđević", relationship="spouse", sex="female", born=date(1972, 8, 9)),
        person("ЉУБИША", "Djordjevic", relationship="child", born=date(1995, 3, 1)),
        household_fields={"phone": "+381 11 234 5678", "address": "  Kolektivni   centar 3 "},
        consent_purposes=["registration", "referral"],
        consent_given_on=date(2026, 1, 15),
    )
    household.refresh_from_db()

    assert re.fullmatch(r"H-\d{6}", household.number)
    assert household.number == f"H-{household.pk:06d}"
    assert household.organisation == org_a
    assert household.project == project_a
    assert household.current_municipality == zvezdara
    assert household.origin_municipality == gjilan
    assert household.address == "Kolektivni centar 3"
    assert household.phone_key == "112345678"
    assert household.registered_by == case_worker_a
    assert household.registered_on == TODAY()
    assert household.version == 1
    assert household.warnings == []

    dragan, gordana, ljubisa = (
        household.members.get(first_name=name) for name in ("Драган", "Gordana", "ЉУБИША")
    )
    # Names as written; keys folded so that the scripts meet.
    assert (dragan.first_name, dragan.father_name, dragan.last_name) == (
        "Драган",
        "Милан",
        "Ђорђевић",
    )
    assert {p.last_key for p in (dragan, gordana, ljubisa)} == {"dordevic"}
    assert (dragan.first_key, dragan.father_key) == ("dragan", "milan")
    assert ljubisa.first_key == "ljubisa"
    assert dragan.national_id == head_id
    assert dragan.phone_key == "641234567"
    assert tokens_of(dragan) == {"dragan", "milan", "dordevic"}
    assert tokens_of(ljubisa) == {"ljubisa", "dordevic"}
    # The dictionary knows each word and its one-deletion variants.
    assert NameTokenVariant.objects.filter(token="dordevic", variant="dordevic").exists()
    assert NameTokenVariant.objects.filter(token="dordevic", variant="ordevic").exists()
    assert NameTokenVariant.objects.filter(token="ljubisa", variant="ljubia").exists()

    after = counts()
    assert after["Household"] - before["Household"] == 1
    assert after["Person"] - before["Person"] == 3
    assert after["Consent"] - before["Consent"] == 2

    [registered] = events("household.register", household)
    assert registered.actor == case_worker_a
    assert registered.organisation == org_a
    assert registered.changes["organisation"] == {"before": None, "after": "org-a"}
    assert registered.changes["project"] == {"before": None, "after": "project-a"}
    assert registered.changes["current_municipality"] == {"before": None, "after": zvezdara.code}
    assert registered.changes["accommodation"] == {"before": None, "after": "collective_centre"}
    for member in (dragan, gordana, ljubisa):
        [event] = events("person.register", member)
        assert event.organisation == org_a
        assert event.target_label == member.full_name
        assert event.changes["first_name"] == {"before": None, "after": member.first_name}
        assert "date_of_birth_estimated" not in event.changes
        assert "duplicate_reason" not in event.changes
    assert events("person.register", dragan)[0].changes["date_of_birth"] == {
        "before": None,
        "after": "1970-05-04",
    }
    assert events("person.register", dragan)[0].changes["national_id"]["after"] == head_id

    # Consent is the head's, with its date, purpose and who took it.
    consents = Consent.objects.filter(person=dragan).order_by("purpose")
    assert [(c.purpose, c.given_on, c.taken_by) for c in consents] == [
        ("referral", date(2026, 1, 15), case_worker_a),
        ("registration", date(2026, 1, 15), case_worker_a),
    ]
    assert not Consent.objects.filter(person__in=[gordana, ljubisa]).exists()
    assert len(events("person.consent", dragan)) == 2


def test_the_register_returns_no_warnings_when_everything_agrees(register, person, jmbg):
    household = register(person("Marko", "Marković", national_id=jmbg(date(1970, 5, 4))))
    assert household.warnings == []


def test_consent_defaults_to_today(register, person):
    household = register(person("Marko", "Marković"), consent_purposes=["registration"])
    assert Consent.objects.get(person__household=household).given_on == TODAY()


def test_washington_group_answers_decide_disability(register, person, member_named):
    register(
        person("Marko", "Marković", wg_walking=3, wg_seeing=1),
        person("Milica", "Marković", relationship="spouse", sex="female", wg_hearing=2),
        person("Mila", "Marković", relationship="child", born=date(2000, 1, 1), wg_self_care=4),
    )
    assert member_named("Marko").has_disability is True
    assert member_named("Milica").has_disability is False
    assert member_named("Mila").has_disability is True


def test_a_year_of_birth_only_is_stored_as_1_january_flagged_estimated(
    register, person, member_named
):
    register(person("Marko", "Marković", born=date(1948, 7, 20), date_of_birth_estimated=True))
    marko = member_named("Marko")
    assert marko.date_of_birth == date(1948, 1, 1)
    assert marko.date_of_birth_estimated is True


def test_a_jmbg_disagreeing_with_what_was_entered_is_a_warning_naming_both_values(
    register, person, jmbg, member_named
):
    number = jmbg(date(1970, 5, 4), "male")
    household = register(
        person("Milena", "Marković", sex="female", born=date(1970, 5, 14), national_id=number)
    )
    assert household.warnings == [
        "Milena: The JMBG gives the date of birth 04 May 1970, but 14 May 1970 was entered.",
        "Milena: The JMBG gives the sex as male, but female was entered.",
    ]
    # A warning, not a refusal: what was entered is kept.
    milena = member_named("Milena")
    assert (milena.date_of_birth, milena.sex, milena.national_id) == (
        date(1970, 5, 14),
        "female",
        number,
    )


def test_a_jmbg_is_compared_by_year_with_a_year_of_birth(register, person, jmbg):
    number = jmbg(date(1948, 7, 20))
    same = register(
        person(
            "Marko",
            "Marković",
            born=date(1948, 3, 3),
            date_of_birth_estimated=True,
            national_id=number,
        )
    )
    assert same.warnings == []
    other = register(
        person(
            "Petar",
            "Petrović",
            born=date(1949, 1, 1),
            date_of_birth_estimated=True,
            national_id=jmbg(date(1948, 7, 20)),
        )
    )
    assert other.warnings == ["Petar: The JMBG gives the year of birth 1948, but 1949 was entered."]


def test_a_jmbg_typed_with_separators_is_stored_as_13_digits(register, person, jmbg, member_named):
    number = jmbg(date(1970, 5, 4))
    register(person("Marko", "Marković", national_id=f"{number[:2]}.{number[2:7]} {number[7:]}"))
    assert member_named("Marko").national_id == number


def test_names_are_stored_as_written_with_spacing_tidied(register, person, member_named):
    register(person("  Marija   Ana ", "Krasniqi"))
    marija = member_named("Marija Ana")
    assert marija.last_name == "Krasniqi"
    assert (marija.first_key, marija.last_key) == ("marija ana", "krasnici")
    assert tokens_of(marija) == {"marija", "ana", "krasnici"}


@pytest.fixture
def refused(register, person, household):
    """``refused(*members, household_fields=..., **extra)``: the ValidationError raised, after
    checking that nothing at all was written."""

    def attempt(*members, **extra):
        before = counts()
        with pytest.raises(ValidationError) as raised:
            register(*members, **extra)
        assert counts() == before
        return raised.value.message_dict

    return attempt


def test_an_invalid_jmbg_names_the_member_and_field(refused, person, jmbg):
    number = jmbg(date(1970, 5, 4))
    wrong = number[:12] + str((int(number[12]) + 1) % 10)
    errors = refused(person("Marko", "Marković", national_id=wrong))
    assert set(errors) == {"members.0.national_id"}
    assert "check digit" in errors["members.0.national_id"][0]


def test_a_jmbg_with_letters_or_too_few_digits_is_refused(refused, person):
    assert set(refused(person("Marko", "Marković", national_id="12345"))) == {
        "members.0.national_id"
    }
    assert set(refused(person("Marko", "Marković", national_id="0405970A10009"))) == {
        "members.0.national_id"
    }


def test_a_date_of_birth_in_the_future_is_refused(refused, person):
    future = TODAY() + timedelta(days=1)
    errors = refused(
        person("Marko", "Marković"),
        person("Mila", "Marković", relationship="child", sex="female", born=future),
    )
    assert set(errors) == {"members.1.date_of_birth"}
    assert "in the future" in errors["members.1.date_of_birth"][0]


def test_a_child_older_than_its_parent_is_refused(refused, person):
    errors = refused(
        person("Marko", "Marković", born=date(1970, 5, 4)),
        person("Milica", "Marković", relationship="spouse", sex="female"),
        person("Mila", "Marković", relationship="child", sex="female", born=date(1969, 1, 2)),
    )
    assert set(errors) == {"members.2.date_of_birth"}
    assert "04 May 1970" in errors["members.2.date_of_birth"][0]
    assert "02 Jan 1969" in errors["members.2.date_of_birth"][0]


def test_a_parent_younger_than_the_head_is_refused(refused, person):
    errors = refused(
        person("Marko", "Marković", born=date(1970, 5, 4)),
        person("Stana", "Marković", relationship="parent", sex="female", born=date(1980, 1, 1)),
    )
    assert set(errors) == {"members.1.date_of_birth"}


def test_a_place_that_is_not_a_municipality_is_refused(refused, person, belgrade_district):
    errors = refused(
        person("Marko", "Marković"), household_fields={"current_municipality": belgrade_district}
    )
    assert set(errors) == {"current_municipality"}
    errors = refused(
        person("Marko", "Marković"), household_fields={"origin_municipality": belgrade_district}
    )
    assert set(errors) == {"origin_municipality"}


@pytest.mark.parametrize("unknown", ["Atlantis", "RS-00-zvezdara", 99999])
def test_an_unknown_municipality_is_refused(refused, person, unknown):
    errors = refused(
        person("Marko", "Marković"), household_fields={"current_municipality": unknown}
    )
    assert set(errors) == {"current_municipality"}


def test_a_municipality_must_be_given(refused, person):
    errors = refused(person("Marko", "Marković"), household_fields={"current_municipality": None})
    assert set(errors) == {"current_municipality"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "<script>alert(1)</script>"),
        ("first_name", '"><img src=x onerror=alert(1)>'),
        ("last_name", "<b>Marković</b>"),
        ("father_name", "Milan<"),
        ("first_name", "Marko1"),
    ],
)
def test_markup_or_script_in_a_name_is_refused(refused, person, field, value):
    member = person("Marko", "Marković") | {field: value}
    errors = refused(person("Petar", "Petrović"), member | {"relationship_to_head": "sibling"})
    assert set(errors) == {f"members.1.{field}"}


def test_a_script_tag_as_the_heads_first_name_is_refused(refused, person):
    errors = refused(person("<script>alert(1)</script>", "Marković"))
    assert set(errors) == {"members.0.first_name"}
    assert "letters" in errors["members.0.first_name"][0]


def test_required_fields_of_a_member_are_named(refused, person):
    errors = refused(person("", "", sex="", status=""))
    assert set(errors) == {
        "members.0.first_name",
        "members.0.last_name",
        "members.0.sex",
        "members.0.displacement_status",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sex", "unknown"),
        ("displacement_status", "tourist"),
        ("relationship_to_head", "landlord"),
        ("first_name", "A" * 81),
        ("wg_seeing", 7),
        ("phone", "064 " + "1" * 40),
    ],
)
def test_a_value_the_field_does_not_allow_names_the_member(refused, person, field, value):
    errors = refused(
        person("Marko", "Marković"),
        person("Petar", "Marković", relationship="sibling") | {field: value},
    )
    assert set(errors) == {f"members.1.{field}"}


def test_a_value_the_household_does_not_allow_names_the_field(refused, person):
    assert set(refused(person("Marko", "Marković"), household_fields={"accommodation": ""})) == {
        "accommodation"
    }
    assert set(
        refused(person("Marko", "Marković"), household_fields={"accommodation": "palace"})
    ) == {"accommodation"}
    assert set(
        refused(person("Marko", "Marković"), household_fields={"return_intention": "maybe"})
    ) == {"return_intention"}


def test_an_estimated_date_of_birth_needs_a_year(refused, person):
    errors = refused(person("Marko", "Marković", born=None, date_of_birth_estimated=True))
    assert set(errors) == {"members.0.date_of_birth"}


def test_a_phone_that_is_no_phone_is_refused(refused, person):
    errors = refused(
        person("Marko", "Marković", phone="call me"), household_fields={"phone": "ask Marko"}
    )
    assert set(errors) == {"phone", "members.0.phone"}


def test_two_heads_are_refused(refused, person):
    errors = refused(
        person("Marko", "Marković"),
        person("Milica", "Marković", sex="female"),
        person("Mila", "Marković", relationship="child", born=date(2000, 1, 1)),
    )
    assert set(errors) == {"members.0.relationship_to_head", "members.1.relationship_to_head"}


def test_a_household_without_a_head_is_refused(refused, person):
    errors = refused(
        person("Marko", "Marković", relationship="spouse"),
        person("Milica", "Marković", relationship="sibling", sex="female"),
    )
    assert set(errors) == {"members.0.relationship_to_head", "members.1.relationship_to_head"}


def test_a_household_without_members_is_refused(refused, actor, case_worker_a, org_a, household):
    before = counts()
    with pytest.raises(ValidationError) as raised:
        household_register(
            actor=actor(case_worker_a), organisation=org_a, household=household(), members=[]
        )
    assert set(raised.value.message_dict) == {"members"}
    assert counts() == before


def test_the_same_jmbg_twice_in_one_household_is_refused(refused, person, jmbg):
    number = jmbg(date(1970, 5, 4))
    errors = refused(
        person("Marko", "Marković", national_id=number),
        person("Petar", "Marković", relationship="sibling", national_id=number),
    )
    assert set(errors) == {"members.1.national_id"}
    assert "member 1" in errors["members.1.national_id"][0]


def test_every_fault_is_reported_at_once(refused, person, belgrade_district):
    errors = refused(
        person("<i>", "Marković"),
        person("Mila", "Marković", relationship="child", born=TODAY() + timedelta(days=3)),
        household_fields={"current_municipality": belgrade_district},
    )
    assert set(errors) == {
        "current_municipality",
        "members.0.first_name",
        "members.1.date_of_birth",
    }


def test_a_project_the_organisation_does_not_work_on_is_refused(
    refused, person, superuser, project_b
):
    errors = refused(person("Marko", "Marković"), user=superuser, project=project_b)
    assert set(errors) == {"project"}


def test_consent_with_an_unknown_purpose_or_a_future_date_saves_nothing(refused, person):
    errors = refused(person("Marko", "Marković"), consent_purposes=["marketing"])
    assert set(errors) == {"consent_purposes"}
    errors = refused(
        person("Marko", "Marković"),
        consent_purposes=["registration"],
        consent_given_on=TODAY() + timedelta(days=1),
    )
    assert set(errors) == {"consent_given_on"}


# --- who may register and edit -------------------------------------------------------------


def test_a_case_worker_of_b_cannot_register_for_a(register, person, case_worker_b, project_a):
    before = counts()
    with pytest.raises(Http404):
        register(person("Marko", "Marković"), user=case_worker_b, project=project_a)
    with pytest.raises(Http404):
        register(person("Marko", "Marković"), user=case_worker_b, project=None)
    assert counts() == before


def test_a_case_worker_of_b_registers_for_b(register, person, case_worker_b, org_b, project_b):
    household = register(
        person("Marko", "Marković"), user=case_worker_b, organisation=org_b, project=project_b
    )
    assert household.organisation == org_b


def test_a_case_worker_of_b_cannot_touch_a_household_of_a(
    family, actor, case_worker_b, register, org_b, project_b, head_of, person
):
    theirs = actor(case_worker_b)
    dragan = head_of(family)
    gordana = family.members.get(first_name="Gordana")
    own = register(
        person("Marko", "Marković"), user=case_worker_b, organisation=org_b, project=project_b
    )
    before = counts()
    attempts = [
        lambda: household_update(
            actor=theirs, household=family, expected_version=1, address="Taken"
        ),
        lambda: person_update(actor=theirs, person=dragan, expected_version=1, first_name="Hacked"),
        lambda: person_add(actor=theirs, household=family, person={}),
        lambda: person_move(
            actor=theirs, person=gordana, to_household=own, relationship_to_head="spouse"
        ),
        lambda: household_change_head(
            actor=theirs, household=family, new_head=gordana, previous_head_relationship="spouse"
        ),
        lambda: household_split(actor=theirs, household=family, people=[gordana], new_head=gordana),
        lambda: document_record(actor=theirs, person=dragan, kind="idp_card", status="missing"),
        lambda: consent_record(
            actor=theirs, person=dragan, purpose="registration", given_on=TODAY()
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Http404):
            attempt()
    assert counts() == before
    family.refresh_from_db()
    assert family.address == ""


def test_a_case_worker_limited_to_a_project_registers_only_with_it(
    make_user, org_a, project_a, project_a2, register, person, actor
):
    limited = make_user(org_a, Role.CASE_WORKER, projects=[project_a])
    household = register(person("Marko", "Marković"), user=limited, project=project_a)
    assert household.project == project_a
    before = counts()
    for project in (None, project_a2):
        with pytest.raises(ValidationError) as refused:
            register(person("Petar", "Petrović"), user=limited, project=project)
        assert set(refused.value.message_dict) == {"project"}
    assert counts() == before


def test_a_case_worker_limited_to_a_project_cannot_edit_the_organisations_other_households(
    make_user, org_a, project_a, project_a2, register, person, actor, head_of
):
    limited = make_user(org_a, Role.CASE_WORKER, projects=[project_a2])
    other = register(person("Marko", "Marković"), project=project_a)
    with pytest.raises(Http404):
        person_update(
            actor=actor(limited), person=head_of(other), expected_version=None, first_name="Ivo"
        )


@pytest.mark.parametrize(
    "role", [Role.DONOR_VIEWER, Role.ME_OFFICER, Role.ADMINISTRATOR, Role.INFO_DESK_OPERATOR]
)
def test_roles_that_do_not_edit_the_registry_cannot_register(
    make_user, org_a, project_a, register, person, role
):
    user = make_user(org_a, role)
    before = counts()
    with pytest.raises(Http404):
        register(person("Marko", "Marković"), user=user)
    assert counts() == before


def test_the_donor_viewer_cannot_register(register, person, donor_viewer):
    with pytest.raises(Http404):
        register(person("Marko", "Marković"), user=donor_viewer)


def test_a_superuser_and_the_system_may_register_for_anybody(
    register, person, superuser, system, org_b, household, member_named
):
    by_root = register(
        person("Marko", "Marković"), user=superuser, organisation=org_b, project=None
    )
    assert by_root.registered_by == superuser
    by_import = household_register(
        actor=system, organisation=org_b, household=household(), members=[person("Ivo", "Ivić")]
    )
    assert by_import.registered_by is None
    assert events("household.register", by_import)[0].actor_label == "system"


def test_a_partner_of_the_project_may_edit_its_households(
    system, org_a, org_b, make_user, register, person, actor, head_of
):
    from homeward.programmes.services import project_create

    shared = project_create(
        actor=system,
        code="shared",
        title="Shared",
        lead_organisation=org_a,
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
        partners=[org_b],
    )
    household = register(person("Marko", "Marković"), project=shared)
    partner = make_user(org_b, Role.CASE_WORKER)
    updated = person_update(
        actor=actor(partner), person=head_of(household), expected_version=1, first_name="Mirko"
    )
    assert updated.first_name == "Mirko"


# --- household_update -----------------------------------------------------------------------


def test_a_household_update_records_before_and_after(family, actor, case_worker_a, kraljevo):
    household_update(
        actor=actor(case_worker_a),
        household=family,
        expected_version=1,
        current_municipality=kraljevo,
        phone="064 555 1234",
    )
    family.refresh_from_db()
    assert family.version == 2
    assert family.phone_key == "645551234"
    [event] = events("household.update", family)
    assert event.changes == {
        "current_municipality": {"before": "RS-00-zvezdara", "after": "RS-18-kraljevo"},
        "phone": {"before": "", "after": "064 555 1234"},
    }


def test_the_second_save_of_a_household_gets_a_conflict(family, actor, case_worker_a, manager_a):
    first = Household.objects.get(pk=family.pk)
    second = Household.objects.get(pk=family.pk)
    household_update(
        actor=actor(case_worker_a), household=first, expected_version=1, address="Blok 45"
    )
    with pytest.raises(ConflictError) as conflict:
        household_update(
            actor=actor(manager_a), household=second, expected_version=1, address="Blok 70"
        )
    assert conflict.value.details["your_version"] == 1
    assert conflict.value.details["current_version"] == 2
    assert conflict.value.details["current_values"] == {"address": "Blok 45"}
    family.refresh_from_db()
    assert family.address == "Blok 45"
    assert len(events("household.update", family)) == 1


def test_a_household_update_refuses_fields_it_does_not_own_and_bad_places(
    family, actor, case_worker_a, belgrade_district, org_b
):
    with pytest.raises(ValidationError) as refused:
        household_update(
            actor=actor(case_worker_a), household=family, expected_version=1, organisation=org_b
        )
    assert set(refused.value.message_dict) == {"organisation"}
    with pytest.raises(ValidationError) as refused:
        household_update(
            actor=actor(case_worker_a),
            household=family,
            expected_version=1,
            current_municipality=belgrade_district,
        )
    assert set(refused.value.message_dict) == {"current_municipality"}
    family.refresh_from_db()
    assert family.version == 1


# --- person_update --------------------------------------------------------------------------


def test_a_name_change_rewrites_keys_and_tokens(family, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    assert found(actor(case_worker_a), "Ana Đorđević") == {"Ana"}
    updated = person_update(
        actor=actor(case_worker_a), person=ana, expected_version=1, first_name="Јелена"
    )
    assert updated.version == 2
    ana.refresh_from_db()
    assert (ana.first_name, ana.first_key, ana.version) == ("Јелена", "jelena", 2)
    assert tokens_of(ana) == {"jelena", "dordevic"}
    assert found(actor(case_worker_a), "Ana Đorđević") == set()
    assert found(actor(case_worker_a), "Jelena Djordjevic") == {"Јелена"}
    [event] = events("person.update", ana)
    assert event.changes == {"first_name": {"before": "Ana", "after": "Јелена"}}
    assert event.target_label == "Јелена Dordevic"


def test_a_stale_person_update_is_a_conflict_and_changes_nothing(family, actor, case_worker_a):
    stale = family.members.get(first_name="Ana")
    fresh = family.members.get(first_name="Ana")
    person_update(actor=actor(case_worker_a), person=fresh, expected_version=1, phone="0641112223")
    with pytest.raises(ConflictError) as conflict:
        person_update(
            actor=actor(case_worker_a), person=stale, expected_version=1, first_name="Iva"
        )
    assert conflict.value.details["current_version"] == 2
    assert conflict.value.details["current_values"]["first_name"] == "Ana"
    ana = Person.objects.get(pk=stale.pk)
    assert (ana.first_name, ana.first_key, ana.version) == ("Ana", "ana", 2)
    assert tokens_of(ana) == {"ana", "dordevic"}
    assert len(events("person.update", ana)) == 1


def test_changing_a_jmbg_to_one_already_registered_is_refused(
    family, register, person, jmbg, actor, case_worker_a
):
    number = jmbg(date(1980, 2, 3))
    register(person("Petar", "Petrović", born=date(1980, 2, 3), national_id=number))
    ana = family.members.get(first_name="Ana")
    with pytest.raises(ValidationError) as refused:
        person_update(
            actor=actor(case_worker_a), person=ana, expected_version=1, national_id=number
        )
    assert set(refused.value.message_dict) == {"national_id"}
    assert "Petar" in refused.value.message_dict["national_id"][0]
    ana.refresh_from_db()
    assert (ana.national_id, ana.version) == ("", 1)


def test_changing_a_jmbg_to_one_another_organisation_holds_reveals_nothing(
    family, register, person, jmbg, actor, case_worker_a, case_worker_b, org_b, project_b
):
    number = jmbg(date(1980, 2, 3))
    register(
        person("Petar", "Petrović", born=date(1980, 2, 3), national_id=number),
        user=case_worker_b,
        organisation=org_b,
        project=project_b,
    )
    ana = family.members.get(first_name="Ana")
    with pytest.raises(ValidationError) as refused:
        person_update(
            actor=actor(case_worker_a), person=ana, expected_version=1, national_id=number
        )
    message = refused.value.message_dict["national_id"][0]
    assert "another organisation" in message
    for secret in ("Petar", "Petrović", "Organisation B", "org-b", "H-"):
        assert secret not in message


def test_keeping_ones_own_jmbg_is_no_clash(family, actor, case_worker_a, head_of):
    dragan = head_of(family)
    updated = person_update(
        actor=actor(case_worker_a),
        person=dragan,
        expected_version=1,
        national_id=dragan.national_id,
        phone="064 999 8888",
    )
    assert updated.phone_key == "649998888"


def test_a_jmbg_given_to_another_member_of_the_household_is_refused(
    family, actor, case_worker_a, head_of
):
    ana = family.members.get(first_name="Ana")
    with pytest.raises(ValidationError) as refused:
        person_update(
            actor=actor(case_worker_a),
            person=ana,
            expected_version=1,
            national_id=head_of(family).national_id,
        )
    assert set(refused.value.message_dict) == {"national_id"}


def test_the_head_cannot_be_demoted_leaving_no_head(family, actor, case_worker_a, head_of):
    with pytest.raises(ValidationError) as refused:
        person_update(
            actor=actor(case_worker_a),
            person=head_of(family),
            expected_version=1,
            relationship_to_head="spouse",
        )
    assert set(refused.value.message_dict) == {"relationship_to_head"}
    assert head_of(family).first_name == "Драган"


def test_a_member_is_not_made_head_by_an_update(family, actor, case_worker_a):
    gordana = family.members.get(first_name="Gordana")
    with pytest.raises(ValidationError) as refused:
        person_update(
            actor=actor(case_worker_a),
            person=gordana,
            expected_version=1,
            relationship_to_head="head",
        )
    assert set(refused.value.message_dict) == {"relationship_to_head"}
    assert family.members.filter(relationship_to_head="head").count() == 1


def test_an_update_making_a_child_older_than_the_head_is_refused(family, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    with pytest.raises(ValidationError) as refused:
        person_update(
            actor=actor(case_worker_a),
            person=ana,
            expected_version=1,
            date_of_birth=date(1950, 1, 1),
        )
    assert set(refused.value.message_dict) == {"date_of_birth"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "<script>alert(1)</script>"),
        ("date_of_birth", date(2999, 1, 1)),
        ("national_id", "1234567890123"),
        ("sex", "other"),
        ("household", None),
        ("missing_documents", True),
    ],
)
def test_an_update_with_bad_input_names_the_field_and_changes_nothing(
    family, actor, case_worker_a, field, value
):
    ana = family.members.get(first_name="Ana")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        person_update(actor=actor(case_worker_a), person=ana, expected_version=1, **{field: value})
    assert set(refused.value.message_dict) == {field}
    assert counts() == before
    assert Person.objects.get(pk=ana.pk).version == 1


def test_an_update_that_changes_nothing_writes_nothing(family, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    before = counts()
    result = person_update(
        actor=actor(case_worker_a), person=ana, expected_version=1, first_name="Ana"
    )
    assert result == ana
    assert counts() == before


def test_an_update_of_washington_group_answers_recomputes_disability(family, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    person_update(actor=actor(case_worker_a), person=ana, expected_version=1, wg_remembering=3)
    assert Person.objects.get(pk=ana.pk).has_disability is True
    person_update(actor=actor(case_worker_a), person=ana, expected_version=2, wg_remembering=2)
    assert Person.objects.get(pk=ana.pk).has_disability is False


def test_a_jmbg_warning_comes_back_from_an_update(family, actor, case_worker_a, jmbg):
    ana = family.members.get(first_name="Ana")
    updated = person_update(
        actor=actor(case_worker_a),
        person=ana,
        expected_version=1,
        national_id=jmbg(date(2001, 11, 30), "male"),
    )
    assert updated.warnings == ["The JMBG gives the sex as male, but female was entered."]


# --- person_add -----------------------------------------------------------------------------


def test_a_newborn_is_added_to_the_household(family, actor, case_worker_a, person):
    baby = person_add(
        actor=actor(case_worker_a),
        household=family,
        person=person(
            "Нина",
            "Ђорђевић",
            relationship="grandchild",
            sex="female",
            born=TODAY() - timedelta(days=10),
        ),
    )
    assert baby.household == family
    assert tokens_of(baby) == {"nina", "dordevic"}
    [event] = events("person.add", baby)
    assert event.changes["first_name"] == {"before": None, "after": "Нина"}


def test_a_second_head_cannot_be_added(family, actor, case_worker_a, person):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        person_add(actor=actor(case_worker_a), household=family, person=person("Ivo", "Ivić"))
    assert set(refused.value.message_dict) == {"relationship_to_head"}
    assert counts() == before


# --- person_move ----------------------------------------------------------------------------


@pytest.fixture
def neighbours(register, person):
    return register(
        person("Stojan", "Stojanović", born=date(1950, 1, 1)),
        person("Stana", "Stojanović", relationship="spouse", sex="female", born=date(1952, 1, 1)),
    )


def test_a_person_moves_to_another_household(family, neighbours, actor, case_worker_a):
    ljubisa = family.members.get(first_name="ЉУБИША")
    moved = person_move(
        actor=actor(case_worker_a),
        person=ljubisa,
        to_household=neighbours,
        relationship_to_head="grandchild",
        expected_version=1,
    )
    assert moved.household == neighbours
    ljubisa.refresh_from_db()
    assert (ljubisa.household, ljubisa.relationship_to_head, ljubisa.version) == (
        neighbours,
        "grandchild",
        2,
    )
    assert family.members.count() == 3
    assert neighbours.members.count() == 3

    [event] = events("person.move", ljubisa)
    assert event.changes == {
        "household": {"before": family.number, "after": neighbours.number},
        "relationship_to_head": {"before": "child", "after": "grandchild"},
    }
    [left] = events("household.member_left", family)
    [joined] = events("household.member_joined", neighbours)
    assert left.changes == {"member": {"before": None, "after": ljubisa.full_name}}
    assert joined.changes == {"member": {"before": None, "after": ljubisa.full_name}}
    assert left.organisation_id == joined.organisation_id == family.organisation_id
    # Each household's history shows the move.
    assert "household.member_left" in {
        e.action for e in household_history(actor=actor(case_worker_a), household=family)
    }
    assert {"person.move", "household.member_joined", "person.register"} <= {
        e.action for e in household_history(actor=actor(case_worker_a), household=neighbours)
    }


def test_the_head_of_a_household_with_members_cannot_move(
    family, neighbours, actor, case_worker_a, head_of
):
    with pytest.raises(ValidationError) as refused:
        person_move(
            actor=actor(case_worker_a),
            person=head_of(family),
            to_household=neighbours,
            relationship_to_head="child",
        )
    assert set(refused.value.message_dict) == {"person"}
    assert head_of(family).household == family


def test_a_lone_head_may_move_in_with_another_household(
    register, person, neighbours, actor, case_worker_a, head_of
):
    alone = register(person("Vukosava", "Stojanović", sex="female", born=date(1925, 1, 1)))
    person_move(
        actor=actor(case_worker_a),
        person=head_of(alone),
        to_household=neighbours,
        relationship_to_head="parent",
    )
    assert neighbours.members.count() == 3
    assert neighbours.members.filter(relationship_to_head="head").count() == 1


@pytest.mark.parametrize(
    ("relationship", "field"),
    [
        ("head", "relationship_to_head"),
        ("", "relationship_to_head"),
        ("boss", "relationship_to_head"),
    ],
)
def test_a_move_needs_a_relationship_that_fits(
    family, neighbours, actor, case_worker_a, relationship, field
):
    ana = family.members.get(first_name="Ana")
    with pytest.raises(ValidationError) as refused:
        person_move(
            actor=actor(case_worker_a),
            person=ana,
            to_household=neighbours,
            relationship_to_head=relationship,
        )
    assert set(refused.value.message_dict) == {field}
    assert Person.objects.get(pk=ana.pk).household == family


def test_a_move_is_checked_against_the_new_head(family, neighbours, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    with pytest.raises(ValidationError) as refused:
        # Ana (2001) cannot be a parent of Stojan (1950).
        person_move(
            actor=actor(case_worker_a),
            person=ana,
            to_household=neighbours,
            relationship_to_head="parent",
        )
    assert set(refused.value.message_dict) == {"date_of_birth"}


def test_a_move_into_the_same_household_is_refused(family, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    with pytest.raises(ValidationError) as refused:
        person_move(
            actor=actor(case_worker_a),
            person=ana,
            to_household=family,
            relationship_to_head="child",
        )
    assert set(refused.value.message_dict) == {"to_household"}


def test_a_move_of_a_stale_person_is_a_conflict(family, neighbours, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    person_update(
        actor=actor(case_worker_a),
        person=family.members.get(first_name="Ana"),
        expected_version=1,
        phone="0641234567",
    )
    before = counts()
    with pytest.raises(ConflictError):
        person_move(
            actor=actor(case_worker_a),
            person=ana,
            to_household=neighbours,
            relationship_to_head="grandchild",
            expected_version=1,
        )
    assert counts() == before
    assert Person.objects.get(pk=ana.pk).household == family


# --- household_split ------------------------------------------------------------------------


@pytest.fixture
def three_generations(register, person):
    return register(
        person("Milan", "Jovanović", born=date(1950, 1, 1)),
        person("Milka", "Jovanović", relationship="spouse", sex="female", born=date(1952, 1, 1)),
        person("Nikola", "Jovanović", relationship="child", born=date(1978, 1, 1)),
        person(
            "Jelena", "Jovanović", relationship="child_in_law", sex="female", born=date(1980, 1, 1)
        ),
        person("Luka", "Jovanović", relationship="grandchild", born=date(2005, 1, 1)),
        household_fields={"address": "Bulevar 1", "phone": "011 234 5678"},
    )


def test_a_household_splits_off_a_family(
    three_generations, actor, case_worker_a, member_named, kraljevo
):
    old = three_generations
    nikola, jelena, luka = (member_named(n) for n in ("Nikola", "Jelena", "Luka"))
    new = household_split(
        actor=actor(case_worker_a),
        household=old,
        people=[jelena, luka, nikola],
        new_head=nikola,
        relationships={jelena.pk: "spouse", luka.pk: "child"},
        changes={"address": "Nova 5", "current_municipality": kraljevo},
    )
    new.refresh_from_db()
    assert new.number == f"H-{new.pk:06d}"
    assert new.split_from == old
    assert (new.organisation, new.project) == (old.organisation, old.project)
    assert (new.address, new.current_municipality) == ("Nova 5", kraljevo)
    assert (new.phone, new.phone_key, new.accommodation) == (
        old.phone,
        old.phone_key,
        old.accommodation,
    )
    assert dict(new.members.values_list("first_name", "relationship_to_head")) == {
        "Nikola": "head",
        "Jelena": "spouse",
        "Luka": "child",
    }
    assert dict(old.members.values_list("first_name", "relationship_to_head")) == {
        "Milan": "head",
        "Milka": "spouse",
    }
    [split] = events("household.split", new)
    assert split.changes["split_from"] == {"before": None, "after": old.number}
    assert split.changes["address"] == {"before": None, "after": "Nova 5"}
    assert len(events("household.member_left", old)) == 3
    assert len(events("household.member_joined", new)) == 3
    for member in (nikola, jelena, luka):
        [move] = events("person.move", member)
        assert move.changes["household"] == {"before": old.number, "after": new.number}


def test_a_split_leaves_people_not_named_as_other_relatives(
    three_generations, actor, case_worker_a, member_named
):
    nikola, luka = member_named("Nikola"), member_named("Luka")
    new = household_split(
        actor=actor(case_worker_a),
        household=three_generations,
        people=[nikola, luka],
        new_head=nikola,
    )
    assert new.members.get(first_name="Luka").relationship_to_head == "other_relative"


@pytest.mark.parametrize(
    ("leaving", "head", "field"),
    [
        (["Milan", "Milka", "Nikola", "Jelena", "Luka"], "Nikola", "people"),
        (["Nikola", "Jelena"], "Luka", "new_head"),
        ([], "Nikola", "new_head"),
        (["Milan", "Nikola"], "Nikola", "people"),
        (["Nikola", "Stranger"], "Nikola", "people"),
    ],
)
def test_a_split_that_cannot_be_is_refused_and_saves_nothing(
    three_generations, register, person, actor, case_worker_a, leaving, head, field
):
    register(person("Stranger", "Nepoznat"))
    people = [Person.objects.get(first_name=name) for name in leaving]
    before = counts()
    with pytest.raises(ValidationError) as refused:
        household_split(
            actor=actor(case_worker_a),
            household=three_generations,
            people=people,
            new_head=Person.objects.get(first_name=head),
        )
    assert set(refused.value.message_dict) == {field}
    assert counts() == before


def test_a_split_whose_relationships_do_not_fit_saves_nothing(
    three_generations, actor, case_worker_a, member_named
):
    nikola, luka = member_named("Nikola"), member_named("Luka")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        household_split(
            actor=actor(case_worker_a),
            household=three_generations,
            people=[nikola, luka],
            new_head=nikola,
            relationships={luka.pk: "parent"},
        )
    assert set(refused.value.message_dict) == {"date_of_birth"}
    assert counts() == before
    assert member_named("Luka").household == three_generations


def test_a_split_naming_a_person_twice_moves_them_once(
    three_generations, actor, case_worker_a, member_named
):
    nikola, luka = member_named("Nikola"), member_named("Luka")
    new = household_split(
        actor=actor(case_worker_a),
        household=three_generations,
        people=[nikola, luka, member_named("Luka")],
        new_head=nikola,
        relationships={luka.pk: "child"},
    )
    assert new.members.count() == 2


def test_a_split_with_a_bad_change_is_refused(
    three_generations, actor, case_worker_a, member_named, belgrade_district
):
    nikola = member_named("Nikola")
    with pytest.raises(ValidationError) as refused:
        household_split(
            actor=actor(case_worker_a),
            household=three_generations,
            people=[nikola],
            new_head=nikola,
            changes={"current_municipality": belgrade_district},
        )
    assert set(refused.value.message_dict) == {"current_municipality"}


# --- household_change_head ------------------------------------------------------------------


def test_the_head_changes_with_one_head_throughout(family, actor, case_worker_a, head_of):
    dragan = head_of(family)
    gordana = family.members.get(first_name="Gordana")
    household_change_head(
        actor=actor(case_worker_a),
        household=family,
        new_head=gordana,
        previous_head_relationship="spouse",
    )
    assert head_of(family) == gordana
    dragan.refresh_from_db()
    gordana.refresh_from_db()
    assert (dragan.relationship_to_head, dragan.version) == ("spouse", 2)
    assert gordana.version == 2
    [event] = events("household.change_head", family)
    assert event.changes == {
        "head": {"before": dragan.full_name, "after": gordana.full_name},
        f"{dragan.full_name}: relationship_to_head": {"before": "head", "after": "spouse"},
        f"{gordana.full_name}: relationship_to_head": {"before": "spouse", "after": "head"},
    }


def test_a_change_of_head_bumps_the_version_that_is_stored(family, actor, case_worker_a):
    stale = family.members.get(first_name="Gordana")
    for version, phone in ((1, "0641111111"), (2, "0642222222")):
        person_update(
            actor=actor(case_worker_a),
            person=family.members.get(first_name="Gordana"),
            expected_version=version,
            phone=phone,
        )
    household_change_head(
        actor=actor(case_worker_a),
        household=family,
        new_head=stale,
        previous_head_relationship="spouse",
    )
    # An editor who read version 3 before the change must now get a conflict.
    assert Person.objects.get(pk=stale.pk).version == 4
    with pytest.raises(ConflictError):
        person_update(
            actor=actor(case_worker_a),
            person=Person.objects.get(pk=stale.pk),
            expected_version=3,
            phone="0643333333",
        )


def test_a_new_head_must_be_a_member(family, neighbours, actor, case_worker_a, head_of):
    with pytest.raises(ValidationError) as refused:
        household_change_head(
            actor=actor(case_worker_a),
            household=family,
            new_head=head_of(neighbours),
            previous_head_relationship="spouse",
        )
    assert set(refused.value.message_dict) == {"new_head"}


@pytest.mark.parametrize("relationship", ["head", "", "landlord"])
def test_the_previous_head_needs_a_new_relationship(family, actor, case_worker_a, relationship):
    with pytest.raises(ValidationError) as refused:
        household_change_head(
            actor=actor(case_worker_a),
            household=family,
            new_head=family.members.get(first_name="Gordana"),
            previous_head_relationship=relationship,
        )
    assert set(refused.value.message_dict) == {"previous_head_relationship"}
    assert family.members.get(relationship_to_head="head").first_name == "Драган"


def test_making_the_head_head_again_changes_nothing(family, actor, case_worker_a, head_of):
    before = counts()
    household_change_head(
        actor=actor(case_worker_a),
        household=family,
        new_head=head_of(family),
        previous_head_relationship="spouse",
    )
    assert counts() == before


# --- documents --------------------------------------------------------------------------


def test_a_missing_document_marks_the_person_and_a_held_one_clears_it(family, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    assert ana.missing_documents is False
    document = document_record(
        actor=actor(case_worker_a), person=ana, kind="birth_certificate", status="missing"
    )
    assert document.status == "missing"
    assert Person.objects.get(pk=ana.pk).missing_documents is True
    [event] = events("person.document", ana)
    assert event.changes == {"birth_certificate.status": {"before": None, "after": "missing"}}

    document_record(
        actor=actor(case_worker_a),
        person=ana,
        kind="birth_certificate",
        status="held",
        number="  123  456 ",
    )
    assert IdentityDocument.objects.get(person=ana).number == "123 456"
    assert Person.objects.get(pk=ana.pk).missing_documents is False
    assert events("person.document", ana)[-1].changes["birth_certificate.status"] == {
        "before": "missing",
        "after": "held",
    }


def test_an_expired_document_is_a_missing_one(family, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    document_record(
        actor=actor(case_worker_a),
        person=ana,
        kind="idp_card",
        status="expired",
        expires_on=date(2020, 1, 1),
    )
    document_record(actor=actor(case_worker_a), person=ana, kind="passport", status="held")
    assert Person.objects.get(pk=ana.pk).missing_documents is True
    assert IdentityDocument.objects.filter(person=ana).count() == 2


def test_recording_a_document_again_unchanged_writes_nothing(family, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    document_record(actor=actor(case_worker_a), person=ana, kind="idp_card", status="held")
    before = counts()
    document_record(actor=actor(case_worker_a), person=ana, kind="idp_card", status="held")
    assert counts() == before


@pytest.mark.parametrize(("kind", "status"), [("diploma", "held"), ("idp_card", "lost")])
def test_an_unknown_document_or_status_is_refused(family, actor, case_worker_a, kind, status):
    ana = family.members.get(first_name="Ana")
    with pytest.raises(ValidationError) as refused:
        document_record(actor=actor(case_worker_a), person=ana, kind=kind, status=status)
    assert set(refused.value.message_dict) == {"kind" if kind == "diploma" else "status"}
    assert not IdentityDocument.objects.exists()


def test_missing_documents_are_found_by_the_vulnerability_filter(family, actor, case_worker_a):
    ana = family.members.get(first_name="Ana")
    document_record(actor=actor(case_worker_a), person=ana, kind="kosovo_id_card", status="missing")
    people = person_search(actor=actor(case_worker_a), vulnerability="missing_documents")
    assert [p.first_name for p in people] == ["Ana"]


# --- consent --------------------------------------------------------------------------------


def test_consent_is_recorded_with_date_purpose_and_who_took_it(
    family, actor, case_worker_a, manager_a, head_of
):
    dragan = head_of(family)
    consent = consent_record(
        actor=actor(case_worker_a),
        person=dragan,
        purpose="photographs",
        given_on=date(2026, 2, 1),
        taken_by=manager_a,
    )
    assert (consent.purpose, consent.given_on, consent.taken_by, consent.withdrawn_on) == (
        "photographs",
        date(2026, 2, 1),
        manager_a,
        None,
    )
    [event] = events("person.consent", dragan)
    assert event.changes == {
        "consent.photographs": {"before": None, "after": "2026-02-01"},
        "consent.taken_by": {"before": None, "after": "manager-a"},
    }


@pytest.mark.parametrize(
    ("purpose", "given_on", "field"),
    [
        ("registration", None, "given_on"),
        ("registration", "tomorrow", "given_on"),
        ("marketing", "today", "purpose"),
    ],
)
def test_consent_needs_a_known_purpose_and_a_date_not_in_the_future(
    family, actor, case_worker_a, head_of, purpose, given_on, field
):
    day = {"today": TODAY(), "tomorrow": TODAY() + timedelta(days=1), None: None}[given_on]
    with pytest.raises(ValidationError) as refused:
        consent_record(
            actor=actor(case_worker_a), person=head_of(family), purpose=purpose, given_on=day
        )
    assert set(refused.value.message_dict) == {field}
    assert not Consent.objects.exists()


def test_consent_by_the_system_must_say_who_took_it(family, system, head_of, case_worker_a):
    with pytest.raises(ValidationError) as refused:
        consent_record(
            actor=system, person=head_of(family), purpose="registration", given_on=TODAY()
        )
    assert set(refused.value.message_dict) == {"taken_by"}
    consent = consent_record(
        actor=system,
        person=head_of(family),
        purpose="registration",
        given_on=TODAY(),
        taken_by=case_worker_a,
    )
    assert consent.taken_by == case_worker_a


def test_consent_is_withdrawn_once(family, actor, case_worker_a, head_of):
    dragan = head_of(family)
    consent = consent_record(
        actor=actor(case_worker_a), person=dragan, purpose="follow_up", given_on=date(2026, 1, 1)
    )
    consent_withdraw(actor=actor(case_worker_a), consent=consent, withdrawn_on=date(2026, 3, 1))
    consent.refresh_from_db()
    assert consent.withdrawn_on == date(2026, 3, 1)
    [event] = events("person.consent_withdrawn", dragan)
    assert event.changes == {"consent.follow_up": {"before": "2026-01-01", "after": None}}
    before = counts()
    consent_withdraw(actor=actor(case_worker_a), consent=consent)
    assert counts() == before
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == date(2026, 3, 1)


def test_consent_withdrawn_without_a_date_is_withdrawn_today(family, actor, case_worker_a, head_of):
    consent = consent_record(
        actor=actor(case_worker_a),
        person=head_of(family),
        purpose="referral",
        given_on=date(2026, 1, 1),
    )
    consent_withdraw(actor=actor(case_worker_a), consent=consent)
    assert Consent.objects.get(pk=consent.pk).withdrawn_on == TODAY()


@pytest.mark.parametrize("when", ["before_given", "future"])
def test_consent_cannot_be_withdrawn_before_it_was_given_or_in_the_future(
    family, actor, case_worker_a, head_of, when
):
    consent = consent_record(
        actor=actor(case_worker_a),
        person=head_of(family),
        purpose="referral",
        given_on=date(2026, 1, 10),
    )
    day = date(2026, 1, 9) if when == "before_given" else TODAY() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        consent_withdraw(actor=actor(case_worker_a), consent=consent, withdrawn_on=day)
    assert set(refused.value.message_dict) == {"withdrawn_on"}
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_a_case_worker_of_b_cannot_withdraw_a_consent_of_a(
    family, actor, case_worker_a, case_worker_b, head_of
):
    consent = consent_record(
        actor=actor(case_worker_a),
        person=head_of(family),
        purpose="referral",
        given_on=date(2026, 1, 1),
    )
    with pytest.raises(Http404):
        consent_withdraw(actor=actor(case_worker_b), consent=consent)
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is None


def test_a_change_of_head_relabels_everyone_and_keeps_generations_in_order(
    family, actor, case_worker_a
):
    members = {person.first_name: person for person in family.members.all()}
    children = [p for p in members.values() if p.relationship_to_head == "child"]
    assert children, "the family fixture has children"
    son = min(children, key=lambda p: p.date_of_birth)
    spouse = members["Gordana"]
    # A child of the old head who becomes head: his mother becomes his parent, and a parent
    # cannot be younger than the head.
    household_change_head(
        actor=actor(case_worker_a),
        household=family,
        new_head=son,
        previous_head_relationship="parent",
        relationships={spouse.pk: "parent"} | {p.pk: "sibling" for p in children if p.pk != son.pk},
    )
    spouse.refresh_from_db()
    assert spouse.relationship_to_head == "parent"
    with pytest.raises(ValidationError) as refused:
        household_change_head(
            actor=actor(case_worker_a),
            household=family,
            new_head=spouse,
            previous_head_relationship="parent",
        )
    assert "previous_head_relationship" in refused.value.message_dict
