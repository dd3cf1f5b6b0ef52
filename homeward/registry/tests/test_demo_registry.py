"""The demo registry: realistic households, made through the services, loaded once."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from homeward.core.models import AuditEvent
from homeward.core.names import fold
from homeward.demo import load_demo
from homeward.registry.demo import (
    COMMUNITIES,
    DUPLICATE_REASON,
    STYLES,
    albanian_to_cyrillic,
    load_demo_registry,
    write,
)
from homeward.registry.jmbg import jmbg_disagreements, parse_jmbg
from homeward.registry.models import DuplicateAcknowledgement, Household, Person, Relationship
from homeward.registry.validation import name_error

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture
def registry(db):
    load_demo()
    added = load_demo_registry(households=30)
    return added


def test_every_spelling_of_a_demo_name_folds_to_one_key():
    for _community, (surnames, men, women, albanian) in COMMUNITIES.items():
        for name in [*surnames, *men, *women]:
            for style in (*STYLES, "serbian_latin"):
                written = write(name, style, albanian=albanian)
                assert fold(written) == fold(name), (name, style, written)
                assert name_error(written, required=True) is None, written


def test_albanian_names_are_written_as_serbian_documents_write_them():
    assert albanian_to_cyrillic("Krasniqi") == "Краснићи"
    assert albanian_to_cyrillic("Xhavit") == "Џавит"
    assert write("Gëzim", "ascii", albanian=True) == "Gezim"
    assert write("Đorđević", "ascii", albanian=False) == "Djordjevic"
    assert write("Đorđević", "upper_cyrillic", albanian=False) == "ЂОРЂЕВИЋ"


def test_the_demo_registers_the_households_asked_for(registry):
    assert registry == 30
    assert Household.objects.count() == 30
    assert AuditEvent.objects.filter(action="household.register", via="cli").count() == 30


def test_every_household_has_one_head_older_than_its_children(registry):
    for household in Household.objects.prefetch_related("members"):
        members = list(household.members.all())
        heads = [m for m in members if m.relationship_to_head == Relationship.HEAD]
        assert len(heads) == 1, household.number
        head = heads[0]
        for member in members:
            if member.relationship_to_head in (
                Relationship.CHILD,
                Relationship.GRANDCHILD,
                Relationship.CHILD_IN_LAW,
            ):
                assert member.date_of_birth.year > head.date_of_birth.year, member
            if member.relationship_to_head == Relationship.PARENT:
                assert member.date_of_birth.year < head.date_of_birth.year, member
            assert member.date_of_birth < timezone.localdate()


def test_jmbgs_are_valid_and_agree_with_birth_and_sex(registry):
    people = Person.objects.exclude(national_id="")
    assert people.count() > Person.objects.count() / 2
    regions = set()
    for person in people:
        jmbg = parse_jmbg(person.national_id)
        regions.add(jmbg.region_code)
        assert not jmbg_disagreements(
            jmbg,
            date_of_birth=person.date_of_birth,
            date_of_birth_estimated=person.date_of_birth_estimated,
            sex=person.sex,
        ), person
    assert regions & set(range(91, 97)), "people born in Kosovo"
    assert regions & set(range(71, 80)), "people born in central Serbia"
    # One JMBG per person, but for the families deliberately registered twice.
    originals = people.filter(duplicate_acknowledgements__isnull=True)
    assert len(set(originals.values_list("national_id", flat=True))) == originals.count()


def test_names_are_written_in_both_scripts(registry):
    last_names = list(Person.objects.values_list("last_name", flat=True))
    assert any(CYRILLIC.search(name) for name in last_names)
    assert any(LATIN.search(name) for name in last_names)
    assert Person.objects.filter(date_of_birth_estimated=True).exists()


def test_only_the_deliberate_duplicates_are_acknowledged(registry):
    acknowledgements = DuplicateAcknowledgement.objects.select_related(
        "person__household", "other_person__household"
    )
    assert acknowledgements.exists()
    for acknowledgement in acknowledgements:
        assert acknowledgement.reason == DUPLICATE_REASON
        person, other = acknowledgement.person, acknowledgement.other_person
        assert person.last_key == other.last_key
        assert person.household.organisation_id != other.household.organisation_id
        # Registered again in the other script.
        assert bool(CYRILLIC.search(person.last_name)) != bool(CYRILLIC.search(other.last_name))


def test_a_second_load_adds_nothing(registry):
    people = Person.objects.count()
    assert load_demo_registry(households=30) == 0
    assert Household.objects.count() == 30
    assert Person.objects.count() == people


def test_the_demo_command_loads_the_registry_and_says_how_much(db):
    out = StringIO()
    call_command("demo", no_serve=True, households=5, stdout=out)
    assert "Demo registry: 5 households added." in out.getvalue()
    out = StringIO()
    call_command("demo", no_serve=True, households=5, stdout=out)
    assert "Demo registry: 0 households added." in out.getvalue()
    assert Household.objects.count() == 5
