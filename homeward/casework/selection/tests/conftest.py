"""Selection fixtures: candidate families registered and enrolled through the services, a
selection committee member, and builders of criteria.

``family(...)`` registers a household in project A (by A's case worker) and enrols it as a
candidate; its members are given as short specs (``("head", "male", 1970)``, extra fields in a
dict). Every family gets its own last name, so the duplicate check never stops one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import count

import pytest
from django.utils import translation

from homeward.accounts.roles import Role
from homeward.casework.enrolment.services import enrolment_create
from homeward.casework.selection.services import selection_criteria_create
from homeward.core.actors import Actor
from homeward.geo.models import Area
from homeward.registry.services import household_register

LAST_NAMES = [
    "Jovanović",
    "Nikolić",
    "Marković",
    "Stojanović",
    "Ilić",
    "Stanković",
    "Pavlović",
    "Milošević",
    "Todorović",
    "Krasniqi",
    "Gashi",
    "Berisha",
    "Đorđević",
    "Ristić",
    "Lazić",
]
FIRST_NAMES = ["Ana", "Bojan", "Cvijeta", "Dušan", "Ema", "Filip", "Goran", "Hana", "Ivan"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def committee_a(make_user, org_a, project_a):
    return make_user(org_a, Role.SELECTION_COMMITTEE, username="committee-a")


@pytest.fixture
def me_officer_a(make_user, org_a, project_a):
    return make_user(org_a, Role.ME_OFFICER, username="me-a")


@pytest.fixture
def committee_b(make_user, org_b, project_b):
    return make_user(org_b, Role.SELECTION_COMMITTEE, username="committee-b")


@pytest.fixture
def family(system, case_worker_a, org_a, project_a) -> Callable[..., object]:
    """``family(("head", "female", 1980, {"single_parent": True}), ("child", "male", 2015),
    accommodation="informal_settlement", enrolled_on=date(2025, 3, 1))``: a registered,
    enrolled household; ``.enrolment`` is its enrolment."""
    names = count()

    def make(
        *members,
        accommodation="collective_centre",
        return_intention="return",
        current="RS-00-zvezdara",
        origin="XK-gjilan",
        enrolled_on=date(2025, 2, 1),
        project=None,
        enrol=True,
    ):
        index = next(names)
        last_name = LAST_NAMES[index % len(LAST_NAMES)] + ("" if index < 15 else str(index))
        people = []
        for position, spec in enumerate(members or [("head", "male", 1975)]):
            relationship, sex, year, *extra = spec
            person = {
                "relationship_to_head": relationship,
                "first_name": FIRST_NAMES[position],
                "last_name": last_name,
                "sex": sex,
                "date_of_birth": date(year, 6, 1),
                "displacement_status": "idp",
            }
            if extra:
                person.update(extra[0])
            people.append(person)
        household = household_register(
            actor=Actor(user=case_worker_a),
            organisation=org_a,
            project=project or project_a,
            household={
                "current_municipality": Area.objects.get(code=current),
                "accommodation": accommodation,
                "origin_municipality": Area.objects.get(code=origin) if origin else None,
                "return_intention": return_intention,
            },
            members=people,
        )
        household.enrolment = None
        if enrol:
            household.enrolment = enrolment_create(
                actor=system, project=project or project_a, household=household, on=enrolled_on
            )
        return household

    return make


@pytest.fixture
def criteria_v1(system, project_a):
    """Collective centre or informal settlement only; 2 points per member up to 10, 5 for a
    member with a disability, 3 for a single parent."""
    return selection_criteria_create(
        actor=system,
        project=project_a,
        conditions=[
            {
                "fact": "household.accommodation",
                "operator": "in",
                "value": ["collective_centre", "informal_settlement"],
            }
        ],
        criteria=[
            {"fact": "household.size", "points": 2, "per_unit": True, "max_points": 10},
            {"fact": "household.disability", "operator": "is true", "points": 5},
            {"fact": "household.single_parent", "operator": "is true", "points": 3},
        ],
        note="First version",
        replaces=None,
    )
