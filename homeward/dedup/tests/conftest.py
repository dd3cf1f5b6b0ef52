"""Deduplication fixtures: a small registry with deliberate duplicates and confounders.

* ``dedup_household_a`` (org A, project A): Dragan Milan Petrović, his wife Ljiljana and
  their twin sons Marko and Luka (same birth date: two people, never one).
* ``dedup_household_b`` (org B, the ``joint_project`` led by A with B as partner): the same
  Dragan and Ljiljana written in Cyrillic, Dragan without his JMBG.
* ``dedup_import_b`` (org B, project B, a real import of ``DEDUP_IMPORT_ROWS``): Dragan once
  more in Latin without diacritics (partner id ``B-P1``), and the Krasniqi family, who have no
  duplicate.

Who sees what with ``Capability.RESOLVE_DUPLICATES`` (users from ``homeward/conftest.py``):
``manager_a`` and ``dpo_a`` see households A and B (A leads the joint project), not the import;
``manager_b`` sees household B and the import, not household A; ``case_worker_a`` has no such
capability. ``dedup_people`` names every person of the three, ``dedup_pairs`` stores the pairs a
run would find, without running the engine.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import translation

from homeward.dedup.models import CandidatePair
from homeward.exchange.imports.services import people_import
from homeward.exchange.models import PeopleImport
from homeward.geo.models import Area
from homeward.programmes.models import Project
from homeward.programmes.services import project_create
from homeward.registry.jmbg import make_jmbg
from homeward.registry.models import Household, Person
from homeward.registry.services import household_register

DRAGAN_BORN = date(1970, 5, 12)
DRAGAN_JMBG = make_jmbg(DRAGAN_BORN, region_code=91, sex="male", serial=321)
TWINS_BORN = date(2008, 6, 1)

DEDUP_IMPORT_ROWS = [
    {
        "person_id": "B-P1",
        "household_id": "B-H1",
        "relationship_to_head": "head",
        "first_name": "Dragan",
        "father_name": "Milan",
        "last_name": "Petrovic",
        "sex": "M",
        "date_of_birth": "1970-05-12",
        "current_municipality": "Kraljevo",
        "origin_municipality": "Gjilan",
        "displacement_status": "idp",
    },
    {
        "person_id": "B-P2",
        "household_id": "B-H2",
        "relationship_to_head": "head",
        "first_name": "Arben",
        "father_name": "Ismet",
        "last_name": "Krasniqi",
        "sex": "M",
        "date_of_birth": "1965-11-03",
        "current_municipality": "Kraljevo",
        "origin_municipality": "Prizren",
        "displacement_status": "idp",
    },
    {
        "person_id": "B-P3",
        "household_id": "B-H2",
        "relationship_to_head": "spouse",
        "first_name": "Drita",
        "father_name": "Agim",
        "last_name": "Krasniqi",
        "sex": "F",
        "date_of_birth": "1968-02-20",
        "current_municipality": "Kraljevo",
        "origin_municipality": "Prizren",
        "displacement_status": "idp",
    },
]


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English whatever the machine's locale.
    with translation.override("en"):
        yield


def _household(system, organisation, project, members, *, settlement) -> Household:
    return household_register(
        actor=system,
        organisation=organisation,
        project=project,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "current_settlement": settlement,
            "accommodation": "collective_centre",
            "origin_municipality": Area.objects.get(code="XK-gjilan"),
            "origin_settlement": "Šilovo",
            "return_intention": "undecided",
        },
        members=members,
        # The duplicates are the point here: registered knowingly.
        duplicate_reason="Deduplication test data.",
    )


@pytest.fixture
def joint_project(system, org_a, org_b) -> Project:
    """Led by A, implemented with B: A's reviewers see what B registers in it."""
    return project_create(
        actor=system,
        code="dedup-joint",
        title="Joint project",
        lead_organisation=org_a,
        partners=[org_b],
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
    )


@pytest.fixture
def dedup_household_a(system, org_a, project_a) -> Household:
    return _household(
        system,
        org_a,
        project_a,
        [
            {
                "relationship_to_head": "head",
                "first_name": "Dragan",
                "father_name": "Milan",
                "last_name": "Petrović",
                "sex": "male",
                "date_of_birth": DRAGAN_BORN,
                "national_id": DRAGAN_JMBG,
                "displacement_status": "idp",
            },
            {
                "relationship_to_head": "spouse",
                "first_name": "Ljiljana",
                "father_name": "Stojan",
                "last_name": "Petrović",
                "sex": "female",
                "date_of_birth": date(1973, 9, 30),
                "displacement_status": "idp",
            },
            {
                "relationship_to_head": "child",
                "first_name": "Marko",
                "father_name": "Dragan",
                "last_name": "Petrović",
                "sex": "male",
                "date_of_birth": TWINS_BORN,
                "displacement_status": "idp",
            },
            {
                "relationship_to_head": "child",
                "first_name": "Luka",
                "father_name": "Dragan",
                "last_name": "Petrović",
                "sex": "male",
                "date_of_birth": TWINS_BORN,
                "displacement_status": "idp",
            },
        ],
        settlement="Mirijevo",
    )


@pytest.fixture
def dedup_household_b(system, org_b, joint_project) -> Household:
    return _household(
        system,
        org_b,
        joint_project,
        [
            {
                "relationship_to_head": "head",
                "first_name": "Драган",
                "father_name": "Милан",
                "last_name": "Петровић",
                "sex": "male",
                "date_of_birth": DRAGAN_BORN,
                "displacement_status": "idp",
            },
            {
                "relationship_to_head": "spouse",
                "first_name": "Љиљана",
                "father_name": "Стојан",
                "last_name": "Петровић",
                "sex": "female",
                "date_of_birth": date(1973, 9, 30),
                "displacement_status": "idp",
            },
        ],
        settlement="Karaburma",
    )


def import_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow(list(row.values()))
    return out.getvalue().encode()


@pytest.fixture
def dedup_import_b(system, org_b, project_b) -> PeopleImport:
    report = people_import(
        actor=system,
        source=import_csv(DEDUP_IMPORT_ROWS),
        filename="partner-b.csv",
        project=project_b,
        organisation=org_b,
    )
    assert not report.refused, report.problems
    return report.people_import


def _by_name(household, first_name) -> Person:
    return household.members.get(first_name=first_name)


@pytest.fixture
def dedup_people(dedup_household_a, dedup_household_b, dedup_import_b) -> SimpleNamespace:
    """Every person of the three, by name: ``dragan_a``, ``ljiljana_a``, ``marko``, ``luka``
    (A); ``dragan_b``, ``ljiljana_b`` (B, Cyrillic); ``dragan_import``, ``arben``, ``drita``
    (the import)."""
    imported = {
        person.first_name: person
        for person in Person.objects.filter(household__organisation=dedup_import_b.organisation)
        .exclude(household=dedup_household_b)
        .select_related("household")
    }
    return SimpleNamespace(
        dragan_a=_by_name(dedup_household_a, "Dragan"),
        ljiljana_a=_by_name(dedup_household_a, "Ljiljana"),
        marko=_by_name(dedup_household_a, "Marko"),
        luka=_by_name(dedup_household_a, "Luka"),
        dragan_b=_by_name(dedup_household_b, "Драган"),
        ljiljana_b=_by_name(dedup_household_b, "Љиљана"),
        dragan_import=imported["Dragan"],
        arben=imported["Arben"],
        drita=imported["Drita"],
    )


def make_pair(first: Person, second: Person, probability=0.99, **extra) -> CandidatePair:
    """A stored pair of two people, in the order the table keeps them."""
    low, high = sorted((first.pk, second.pk))
    return CandidatePair.objects.create(
        person_a=low,
        person_b=high,
        match_probability=probability,
        evidence=[{"field": "first_name", "level": "exact", "bayes_factor": 40.0}],
        **extra,
    )


@pytest.fixture
def dedup_pairs(dedup_people) -> SimpleNamespace:
    """The pairs a run would queue, stored directly: ``ab`` (Dragan A ~ Dragan B, seen by A's
    reviewers and not B's), ``b_import`` (Dragan B ~ the imported Dragan, seen by B's),
    ``a_import`` (Dragan A ~ the imported Dragan, seen by neither), ``wives`` (Ljiljana A ~
    Ljiljana B)."""
    people = dedup_people
    return SimpleNamespace(
        ab=make_pair(people.dragan_a, people.dragan_b, 0.998),
        b_import=make_pair(people.dragan_b, people.dragan_import, 0.97),
        a_import=make_pair(people.dragan_a, people.dragan_import, 0.95),
        wives=make_pair(people.ljiljana_a, people.ljiljana_b, 0.93),
    )


def registered_twice(system, organisation) -> list[Person]:
    """Vesna Jovanović in two households of ``organisation``, for the transactional tests of
    two reviewers at once. It makes its own place: a transactional test that ran before may
    have emptied the places the migrations load."""
    place, _created = Area.objects.get_or_create(
        code="test-dedup-place",
        defaults={
            "kind": "municipality",
            "name_sr": "Место",
            "name_sr_latn": "Mesto",
            "name_sq": "Vend",
        },
    )
    twice = []
    for settlement in ("Mirijevo", "Karaburma"):
        household = household_register(
            actor=system,
            organisation=organisation,
            household={
                "current_municipality": place,
                "accommodation": "private",
                "current_settlement": settlement,
            },
            members=[
                {
                    "relationship_to_head": "head",
                    "first_name": "Vesna",
                    "last_name": "Jovanović",
                    "sex": "female",
                    "date_of_birth": date(1981, 4, 2),
                    "displacement_status": "idp",
                }
            ],
            duplicate_reason="Registered twice on purpose.",
        )
        twice.append(household.members.get())
    return twice
