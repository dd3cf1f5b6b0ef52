"""Assessment fixtures: the shipped templates (loaded by the data migration), B's case worker
and household, and a ``record`` helper that records through the service."""

from collections.abc import Callable
from datetime import date

import pytest
from django.utils import translation

from homeward.accounts.roles import Role
from homeward.casework.assessments.models import Assessment, AssessmentTemplate
from homeward.casework.assessments.services import assessment_record
from homeward.core.actors import Actor
from homeward.geo.models import Area
from homeward.registry.services import household_register


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def needs_template(db) -> AssessmentTemplate:
    return AssessmentTemplate.objects.get(code="needs-vulnerability", is_active=True)


@pytest.fixture
def ds_template(db) -> AssessmentTemplate:
    return AssessmentTemplate.objects.get(code="durable-solutions", is_active=True)


@pytest.fixture
def case_worker_b(make_user, org_b, project_b):
    return make_user(org_b, Role.CASE_WORKER, username="caseworker-b")


@pytest.fixture
def household_b(case_worker_b, org_b, project_b):
    return household_register(
        actor=Actor(user=case_worker_b),
        organisation=org_b,
        project=project_b,
        household={
            "current_municipality": Area.objects.get(code="RS-18-kraljevo"),
            "accommodation": "private",
        },
        members=[
            {
                "relationship_to_head": "head",
                "first_name": "Bajram",
                "last_name": "Krasniqi",
                "sex": "male",
                "date_of_birth": date(1966, 2, 2),
                "displacement_status": "returnee",
            }
        ],
    )


@pytest.fixture
def record(case_worker_a, household_a) -> Callable[..., Assessment]:
    """``record(template, answers, on=date(...), user=..., household=..., **extra)``."""

    def make(template, answers, *, on=date(2025, 3, 1), user=None, household=None, **extra):
        return assessment_record(
            actor=Actor(user=user or case_worker_a),
            template=template,
            household=household or household_a,
            answers=answers,
            assessed_on=on,
            **extra,
        )

    return make
