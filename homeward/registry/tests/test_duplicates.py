"""The duplicate warning at registration: the same JMBG, the same name and birth in any script,
or a close name and birth in the same family; across organisations without revealing who."""

from datetime import date

import pytest

from homeward.core.errors import ValidationError
from homeward.core.models import AuditEvent
from homeward.registry.duplicates import find_duplicates
from homeward.registry.models import DuplicateAcknowledgement, Household, Person
from homeward.registry.services import PossibleDuplicates, person_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def petar(register, person, jmbg):
    """Petar Petrović, born 3 February 1980, registered by A."""
    register(person("Петар", "Петровић", born=date(1980, 2, 3), national_id=jmbg(date(1980, 2, 3))))
    return Person.objects.get(first_name="Петар")


def matches_of(register, *members, **extra) -> dict:
    """The candidates a registration is stopped with, by member index; nothing is written."""
    before = (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PossibleDuplicates) as stopped:
        register(*members, **extra)
    assert (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before
    return stopped.value.matches


def test_the_same_jmbg_in_scope_shows_the_person(register, person, petar):
    matches = matches_of(
        register, person("Marko", "Marković", born=date(1980, 2, 3), national_id=petar.national_id)
    )
    [candidate] = matches[0]
    assert candidate.matched_on == "national_id"
    assert candidate.visible is True
    assert candidate.person == petar
    row = candidate.as_dict()
    assert row["visible"] is True
    assert row["person"] == petar.pk
    assert row["name"] == "Петар Петровић"
    assert row["household"] == petar.household.number
    assert row["rule"] == "same JMBG"
    assert row["message"] == (
        f"Петар Петровић, born 03 Feb 1980, household {petar.household.number} (same JMBG)"
    )


def test_a_jmbg_typed_with_spaces_is_the_same_jmbg(register, person, petar):
    spaced = f"{petar.national_id[:7]} {petar.national_id[7:]}"
    matches = matches_of(register, person("Marko", "Marković", born=None, national_id=spaced))
    assert [c.matched_on for c in matches[0]] == ["national_id"]


def test_the_same_jmbg_in_another_organisation_is_reported_without_revealing_it(
    register, person, petar, case_worker_b, org_b, project_b
):
    matches = matches_of(
        register,
        person("Petar", "Petrović", born=date(1980, 2, 3), national_id=petar.national_id),
        user=case_worker_b,
        organisation=org_b,
        project=project_b,
    )
    [candidate] = matches[0]
    assert candidate.matched_on == "national_id"
    assert candidate.visible is False
    assert candidate.person is None
    row = candidate.as_dict()
    assert set(row) == {"matched_on", "rule", "visible", "message"}
    assert row["visible"] is False
    for secret in (
        "Петар",
        "Петровић",
        "Petar",
        "Organisation A",
        "org-a",
        petar.household.number,
        str(petar.pk),
    ):
        assert secret not in row["message"]
    assert "another organisation" in row["message"]


def test_the_exception_the_ui_and_api_show_carries_nothing_out_of_scope(
    register, person, petar, case_worker_b, org_b, project_b
):
    with pytest.raises(PossibleDuplicates) as stopped:
        register(
            person("Ivo", "Ivić", born=None),
            person(
                "Petar",
                "Petrović",
                relationship="sibling",
                born=date(1980, 2, 3),
                national_id=petar.national_id,
            ),
            user=case_worker_b,
            organisation=org_b,
            project=project_b,
        )
    assert stopped.value.code == "possible_duplicates"
    assert stopped.value.status == 409
    details = stopped.value.details
    assert list(details["matches"]) == ["1"]
    flattened = repr(details)
    for secret in ("Петар", "Петровић", "org-a", "Organisation A", petar.household.number):
        assert secret not in flattened


def test_the_same_name_and_birth_in_the_other_script_is_found(register, person, petar):
    matches = matches_of(register, person("Petar", "Petrovic", born=date(1980, 2, 3)))
    [candidate] = matches[0]
    assert (candidate.matched_on, candidate.person) == ("name_and_birth", petar)


def test_djordjevic_in_latin_meets_dordevic_in_cyrillic(register, person):
    register(person("Ђорђе", "Ђорђевић", born=date(1980, 2, 3)))
    for first, last in (("Djordje", "Djordjevic"), ("Đorđe", "Đorđević"), ("Dorde", "Dordevic")):
        [candidate] = matches_of(register, person(first, last, born=date(1980, 2, 3)))[0]
        assert candidate.matched_on == "name_and_birth"


def test_albanian_and_serbian_spellings_meet(register, person):
    register(person("Valon", "Krasniqi", born=date(1985, 6, 1)))
    [candidate] = matches_of(register, person("Валон", "Красничи", born=date(1985, 6, 1)))[0]
    assert candidate.matched_on == "name_and_birth"


def test_a_year_of_birth_matches_any_date_in_that_year(register, person):
    register(person("Petar", "Petrović", born=date(1980, 1, 1), date_of_birth_estimated=True))
    [candidate] = matches_of(register, person("Petar", "Petrović", born=date(1980, 9, 9)))[0]
    assert candidate.matched_on == "name_and_birth"


def test_a_typo_in_the_first_name_with_a_close_birth_is_found(register, person, petar):
    [candidate] = matches_of(register, person("Petra", "Petrović", born=date(1980, 12, 24)))[0]
    assert (candidate.matched_on, candidate.person) == ("similar_name_and_birth", petar)
    [candidate] = matches_of(register, person("Pear", "Petrovic", born=date(1979, 3, 1)))[0]
    assert candidate.matched_on == "similar_name_and_birth"


@pytest.mark.parametrize(
    ("first_name", "last_name", "born"),
    [
        # Same names, a generation apart: a father and his son of the same name.
        ("Petar", "Petrović", date(2005, 2, 3)),
        # Same names, more than a year apart.
        ("Petar", "Petrović", date(1981, 3, 5)),
        # Two typos away.
        ("Pera", "Petrović", date(1980, 2, 3)),
        # Another family.
        ("Petar", "Popović", date(1980, 2, 3)),
        # Another person of the family born the same day (a twin).
        ("Marko", "Petrović", date(1980, 2, 3)),
    ],
)
def test_a_different_person_is_not_flagged(register, person, petar, first_name, last_name, born):
    household = register(person(first_name, last_name, born=born))
    assert household.members.get().first_name == first_name
    assert not DuplicateAcknowledgement.objects.exists()


def test_no_date_of_birth_and_no_jmbg_is_no_match(register, person, petar):
    register(person("Petar", "Petrović", born=None))
    assert Person.objects.filter(last_key="petrovic").count() == 2


def test_registering_anyway_with_a_reason_records_it(
    register, person, petar, case_worker_a, member_named
):
    reason = "Same name and date of birth, but a different father; checked his ID card."
    household = register(
        person("Ivo", "Ivić", born=None),
        person(
            "Petar", "Petrovic", relationship="sibling", born=date(1980, 2, 3), father_name="Jovan"
        ),
        duplicate_reason=f"  {reason}  ",
    )
    new = household.members.get(first_name="Petar")
    [acknowledgement] = DuplicateAcknowledgement.objects.all()
    assert acknowledgement.person == new
    assert acknowledgement.other_person == petar
    assert acknowledgement.matched_on == "name_and_birth"
    assert acknowledgement.reason == reason
    assert acknowledgement.acknowledged_by == case_worker_a
    event = AuditEvent.objects.get(action="person.register", target_id=str(new.pk))
    assert event.changes["duplicate_reason"] == {"before": None, "after": reason}
    # The member with no match carries no reason.
    ivo = member_named("Ivo")
    assert (
        "duplicate_reason"
        not in AuditEvent.objects.get(action="person.register", target_id=str(ivo.pk)).changes
    )


def test_a_blank_reason_is_no_reason(register, person, petar):
    matches_of(register, person("Petar", "Petrović", born=date(1980, 2, 3)), duplicate_reason="  ")


def test_a_reason_keeps_the_link_to_a_record_out_of_scope(
    register, person, petar, case_worker_b, org_b, project_b
):
    register(
        person("Petar", "Petrović", born=date(1980, 2, 3), national_id=petar.national_id),
        user=case_worker_b,
        organisation=org_b,
        project=project_b,
        duplicate_reason="He registered with us as well; the DPOs will resolve it.",
    )
    [acknowledgement] = DuplicateAcknowledgement.objects.all()
    assert acknowledgement.other_person == petar
    assert acknowledgement.matched_on == "national_id"
    assert acknowledgement.person.household.organisation == org_b


def test_every_rule_that_matches_is_listed_most_certain_first(register, person, jmbg, petar):
    register(
        person("Petra", "Petrović", born=date(1980, 5, 5), sex="female"),
        duplicate_reason="His sister.",
    )
    matches = matches_of(
        register,
        person("Petar", "Petrović", born=date(1980, 2, 3), national_id=petar.national_id),
    )
    assert [c.matched_on for c in matches[0]] == ["national_id", "similar_name_and_birth"]


def test_a_project_limited_case_worker_sees_no_more_than_the_project(
    register, person, make_user, org_a, project_a, project_a2
):
    from homeward.accounts.roles import Role

    register(person("Petar", "Petrović", born=date(1980, 2, 3)), project=project_a2)
    limited = make_user(org_a, Role.CASE_WORKER, projects=[project_a])
    [candidate] = matches_of(
        register, person("Petar", "Petrović", born=date(1980, 2, 3)), user=limited
    )[0]
    assert candidate.visible is False


def test_a_member_added_later_is_checked_as_well(
    register, person, petar, actor, case_worker_a, head_of
):
    household = register(person("Ivo", "Ivić", born=date(1950, 1, 1)))
    with pytest.raises(PossibleDuplicates) as stopped:
        person_add(
            actor=actor(case_worker_a),
            household=household,
            person=person("Petar", "Petrović", relationship="child", born=date(1980, 2, 3)),
        )
    assert [c.person for c in stopped.value.matches[0]] == [petar]
    added = person_add(
        actor=actor(case_worker_a),
        household=household,
        person=person("Petar", "Petrović", relationship="child", born=date(1980, 2, 3)),
        duplicate_reason="Checked: another Petar.",
    )
    assert DuplicateAcknowledgement.objects.get().person == added


def test_a_person_is_not_their_own_duplicate(petar, actor, case_worker_a):
    data = {
        "first_name": "Petar",
        "last_name": "Petrović",
        "date_of_birth": date(1980, 2, 3),
        "national_id": petar.national_id,
    }
    assert len(find_duplicates(actor=actor(case_worker_a), person=data)) == 1
    assert find_duplicates(actor=actor(case_worker_a), person=data, exclude=petar.pk) == []


def test_invalid_input_is_refused_before_duplicates_are_looked_for(register, person, petar):
    with pytest.raises(ValidationError):
        register(person("<b>Petar</b>", "Petrović", born=date(1980, 2, 3)))
