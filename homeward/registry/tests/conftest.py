"""Registry fixtures: places from the shipped reference data, a case worker of B, and builders
that register households through ``household_register`` exactly as the application does.

``person(...)`` and ``household(...)`` build the dicts the service takes; ``register(...)``
registers them (by A's case worker for A's project unless told otherwise); ``jmbg(...)``
makes a valid JMBG for a date of birth and sex.
"""

from collections.abc import Callable
from datetime import date
from itertools import count

import pytest
from django.utils import translation

from homeward.accounts.roles import Role
from homeward.geo.models import Area
from homeward.registry.jmbg import make_jmbg
from homeward.registry.models import Household, Person
from homeward.registry.services import household_register

_DEFAULT = object()


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English whatever the machine's locale.
    with translation.override("en"):
        yield


@pytest.fixture
def zvezdara(db) -> Area:
    return Area.objects.get(code="RS-00-zvezdara")


@pytest.fixture
def kraljevo(db) -> Area:
    return Area.objects.get(code="RS-18-kraljevo")


@pytest.fixture
def gjilan(db) -> Area:
    return Area.objects.get(code="XK-gjilan")


@pytest.fixture
def belgrade_district(db) -> Area:
    """A district: a place, but not a municipality anybody lives in."""
    return Area.objects.get(code="RS-00")


@pytest.fixture
def case_worker_b(make_user, org_b, project_b):
    return make_user(org_b, Role.CASE_WORKER, username="caseworker-b")


@pytest.fixture
def jmbg() -> Callable[..., str]:
    """``jmbg(date(1970, 5, 4), "male")``: a valid JMBG, different at each call."""
    serials = count(1)

    def make(born: date, sex: str = "male", *, region_code: int = 71) -> str:
        return make_jmbg(born, region_code=region_code, sex=sex, serial=next(serials))

    return make


@pytest.fixture
def person() -> Callable[..., dict]:
    """``person("Dragan", "Petrović", relationship="head", born=date(1970, 5, 4), ...)``."""

    def make(
        first_name: str,
        last_name: str,
        *,
        relationship: str = "head",
        sex: str = "male",
        born: date | None = date(1970, 5, 4),
        status: str = "idp",
        **extra,
    ) -> dict:
        return {
            "relationship_to_head": relationship,
            "first_name": first_name,
            "last_name": last_name,
            "sex": sex,
            "date_of_birth": born,
            "displacement_status": status,
            **extra,
        }

    return make


@pytest.fixture
def household(zvezdara, gjilan) -> Callable[..., dict]:
    def make(**extra) -> dict:
        return {
            "current_municipality": zvezdara,
            "current_settlement": "Mirijevo",
            "accommodation": "collective_centre",
            "origin_municipality": gjilan,
            "origin_settlement": "Šilovo",
            **extra,
        }

    return make


@pytest.fixture
def register(actor, case_worker_a, org_a, project_a, household, person) -> Callable[..., Household]:
    """``register(*members, user=..., organisation=..., project=..., household={...}, ...)``.

    Without members, registers a lone head with a unique name; the remaining keyword
    arguments go to ``household_register`` (``duplicate_reason``, ``consent_purposes`` …).
    """
    names = count(1)

    def make(
        *members: dict,
        user=_DEFAULT,
        organisation=None,
        project=_DEFAULT,
        household_fields: dict | None = None,
        **extra,
    ) -> Household:
        if not members:
            members = (person(f"Lone{'a' * next(names)}", "Headless", born=None),)
        return household_register(
            actor=actor(case_worker_a if user is _DEFAULT else user),
            organisation=organisation or org_a,
            project=project_a if project is _DEFAULT else project,
            household=household(**(household_fields or {})),
            members=list(members),
            **extra,
        )

    return make


@pytest.fixture
def head_of() -> Callable[[Household], Person]:
    def get(record: Household) -> Person:
        return record.members.get(relationship_to_head="head")

    return get


@pytest.fixture
def member_named() -> Callable[[str], Person]:
    """The one registered person with this first name, freshly read."""

    def get(first_name: str) -> Person:
        return Person.objects.get(first_name=first_name)

    return get
