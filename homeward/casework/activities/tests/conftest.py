"""Fixtures of the activity tests: a training of project A with sessions, and the people of
A's household enrolled in the project."""

import datetime

import pytest
from django.utils import timezone

from homeward.casework.activities.services import (
    activity_create,
    session_create,
    session_transition,
)
from homeward.core.actors import Actor
from homeward.programmes.services import project_update


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def project(system, project_a, today):
    """Project A, running from long ago until well after today, so that sessions can be
    planned both in the past and in the coming week whenever the tests run."""
    project_update(
        actor=system,
        project=project_a,
        expected_version=None,
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
    )
    project_a.refresh_from_db()
    return project_a


@pytest.fixture
def worker(case_worker_a) -> Actor:
    return Actor(user=case_worker_a)


@pytest.fixture
def head(household_a):
    return household_a.members.get(relationship_to_head="head")


@pytest.fixture
def child(household_a):
    return household_a.members.get(relationship_to_head="child")


@pytest.fixture
def training(worker, project, today):
    """A business training of five sessions that leads to a certificate at 80 % attendance."""
    return activity_create(
        actor=worker,
        project=project,
        kind="business_training",
        title="Starting a small business",
        planned_start=today - datetime.timedelta(days=60),
        planned_end=today + datetime.timedelta(days=60),
        sessions_planned=5,
        leads_to_certificate=True,
        completion_share=80,
    )


@pytest.fixture
def held_session(worker, training, today):
    session = session_create(
        actor=worker, activity=training, date=today - datetime.timedelta(days=3), topic="Costs"
    )
    return session_transition(
        actor=worker, session=session, status="held", expected_version=session.version
    )


@pytest.fixture
def make_held(worker, training, today):
    """``make_held(days_ago)``: another held session of the training."""

    def make(days_ago: int, activity=None):
        session = session_create(
            actor=worker,
            activity=activity or training,
            date=today - datetime.timedelta(days=days_ago),
        )
        return session_transition(
            actor=worker, session=session, status="held", expected_version=None
        )

    return make


@pytest.fixture
def other_household(case_worker_a, org_a, project_a):
    """A second family of A's, for a second participant."""
    from homeward.geo.models import Area
    from homeward.registry.services import household_register

    return household_register(
        actor=Actor(user=case_worker_a),
        organisation=org_a,
        project=project_a,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "accommodation": "private",
        },
        members=[
            {
                "relationship_to_head": "head",
                "first_name": "Vesna",
                "last_name": "Krasniqi",
                "sex": "female",
                "date_of_birth": datetime.date(1982, 4, 2),
                "displacement_status": "returnee",
            }
        ],
    )


@pytest.fixture
def household_b(manager_b, org_b, project_b):
    """A family of organisation B, out of A's scope."""
    from homeward.geo.models import Area
    from homeward.registry.services import household_register

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
                "first_name": "Bojan",
                "last_name": "Jovanović",
                "sex": "male",
                "date_of_birth": datetime.date(1975, 1, 9),
                "displacement_status": "idp",
            }
        ],
    )
