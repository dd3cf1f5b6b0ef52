"""Enrolment fixtures: a committee member of A, households of A and B registered through the
registry's service, and ``enrol(...)`` enrolling through ``enrolment_create``."""

from collections.abc import Callable
from datetime import date

import pytest
from django.utils import translation

from homeward.accounts.roles import Role
from homeward.casework.enrolment.models import Enrolment
from homeward.casework.enrolment.services import enrolment_create
from homeward.core.actors import Actor
from homeward.geo.models import Area
from homeward.registry.jmbg import make_jmbg
from homeward.registry.models import Household
from homeward.registry.services import household_register


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English whatever the machine's locale.
    with translation.override("en"):
        yield


@pytest.fixture
def committee_a(make_user, org_a, project_a):
    return make_user(org_a, Role.SELECTION_COMMITTEE, username="committee-a")


@pytest.fixture
def case_worker_b(make_user, org_b, project_b):
    return make_user(org_b, Role.CASE_WORKER, username="caseworker-b")


@pytest.fixture
def register() -> Callable[..., Household]:
    """``register(user, organisation, project=None, last_name="Krasniqi")``: a household of
    one head, registered by ``user`` for ``organisation``."""
    serials = iter(range(200, 999))
    first_names = iter(["Agron", "Besnik", "Dritan", "Fatmir", "Genc", "Ilir", "Luan", "Valon"])

    def make(user, organisation, project=None, *, last_name="Krasniqi") -> Household:
        serial = next(serials)
        born = date(1960 + serial % 40, 4, 2)
        return household_register(
            actor=Actor(user=user),
            organisation=organisation,
            project=project,
            household={
                "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
                "accommodation": "private",
            },
            members=[
                {
                    "relationship_to_head": "head",
                    "first_name": next(first_names),
                    "last_name": last_name,
                    "sex": "male",
                    "date_of_birth": born,
                    "national_id": make_jmbg(born, region_code=91, sex="male", serial=serial),
                    "displacement_status": "returnee",
                }
            ],
        )

    return make


@pytest.fixture
def household_b(register, case_worker_b, org_b, project_b) -> Household:
    return register(case_worker_b, org_b, project_b, last_name="Gashi")


@pytest.fixture
def enrol(system) -> Callable[..., Enrolment]:
    """``enrol(project, household, person=None, status="candidate")``: enrolled by the system
    on 1 February 2025 and moved along the life cycle to ``status``."""
    from homeward.casework.enrolment.services import enrolment_transition

    paths = {
        "candidate": [],
        "selected": ["selected"],
        "waitlisted": ["waitlisted"],
        "rejected": ["rejected"],
        "active": ["selected", "active"],
        "completed": ["selected", "active", "completed"],
        "dropped": ["selected", "dropped"],
    }

    def make(project, household=None, person=None, status="candidate") -> Enrolment:
        enrolment = enrolment_create(
            actor=system,
            project=project,
            household=household,
            person=person,
            on=date(2025, 2, 1),
        )
        for step in paths[status]:
            enrolment = enrolment_transition(
                actor=system,
                enrolment=enrolment,
                status=step,
                expected_version=enrolment.version,
                on=date(2025, 2, 1),
                reason="A reason.",
            )
        return enrolment

    return make
