"""Fixtures of referrals, contacts and grievances: an information desk operator of A, A's
household with a consent to referral, and B's household for scope tests."""

import copy
import datetime

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.conftest import HEAD_A
from homeward.core.actors import Actor
from homeward.geo.models import Area
from homeward.registry.services import consent_record, household_register

TODAY = timezone.localdate


class UndefinedVariable(str):
    """Fails the test on the first template variable that does not exist."""

    def __contains__(self, key):
        return key == "%s"

    def __mod__(self, name):
        raise AssertionError(f"The template uses an undefined variable: {name}")


@pytest.fixture(autouse=True)
def strict_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = UndefinedVariable("%s")
    settings.TEMPLATES = templates


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def info_desk_a(make_user, org_a, project_a):
    return make_user(org_a, Role.INFO_DESK_OPERATOR, username="infodesk-a")


@pytest.fixture
def case_worker_b(make_user, org_b, project_b):
    return make_user(org_b, Role.CASE_WORKER, username="caseworker-b")


@pytest.fixture
def me_officer_a(make_user, org_a, project_a):
    return make_user(org_a, Role.ME_OFFICER, username="me-a")


@pytest.fixture
def cw(case_worker_a):
    return Actor(user=case_worker_a)


@pytest.fixture
def head_a(household_a):
    return household_a.members.get(relationship_to_head="head")


@pytest.fixture
def child_a(household_a):
    return household_a.members.get(relationship_to_head="child")


@pytest.fixture
def referral_consent(cw, head_a):
    """The head agreed to referrals at registration, 30 days ago."""
    return consent_record(actor=cw, person=head_a, purpose="referral", given_on=days_ago(30))


@pytest.fixture
def household_b(case_worker_b, org_b, project_b):
    return household_register(
        actor=Actor(user=case_worker_b),
        organisation=org_b,
        project=project_b,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "accommodation": "private",
        },
        members=[dict(HEAD_A, first_name="Fatmir", last_name="Krasniqi", national_id="", phone="")],
    )
