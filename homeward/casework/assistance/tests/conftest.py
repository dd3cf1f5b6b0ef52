"""Fixtures of the assistance tests: A's household selected in project A, a second manager to
verify what the first handed over, and helpers that plan and move deliveries."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homeward.accounts.roles import Role
from homeward.casework.assistance.models import AssistanceType
from homeward.casework.assistance.services import (
    delivery_approve,
    delivery_deliver,
    delivery_plan,
)
from homeward.casework.assistance.tests.pages import PDF, PNG
from homeward.casework.enrolment.services import enrolment_create, enrolment_transition
from homeward.core.actors import Actor

HANDOVER = datetime.date(2025, 3, 10)


def kind(code: str) -> AssistanceType:
    return AssistanceType.objects.get(code=code)


def pdf(name="handover.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, "image/png")


@pytest.fixture
def enrolment_a(system, project_a, household_a):
    enrolment = enrolment_create(actor=system, project=project_a, household=household_a)
    return enrolment_transition(
        actor=system, enrolment=enrolment, status="selected", expected_version=None
    )


@pytest.fixture
def worker(case_worker_a):
    return Actor(user=case_worker_a)


@pytest.fixture
def manager(manager_a):
    return Actor(user=manager_a)


@pytest.fixture
def me_officer_a(make_user, org_a, project_a):
    return make_user(org_a, Role.ME_OFFICER, username="me-officer-a")


@pytest.fixture
def plan(worker, project_a, household_a, enrolment_a):
    """``plan(code="aid-kit", **fields)``: a delivery planned by A's case worker."""

    def make(code="income-grant-in-kind", **fields):
        fields.setdefault("planned_value", Decimal("1500"))
        return delivery_plan(
            actor=worker,
            project=project_a,
            household=household_a,
            assistance_type=kind(code),
            **fields,
        )

    return make


@pytest.fixture
def approved(plan, manager):
    def make(code="income-grant-in-kind", **fields):
        delivery = plan(code, **fields)
        return delivery_approve(actor=manager, delivery=delivery, expected_version=delivery.version)

    return make


@pytest.fixture
def delivered(approved, worker):
    def make(code="income-grant-in-kind", handover_on=HANDOVER, **fields):
        delivery = approved(code, **fields)
        return delivery_deliver(
            actor=worker,
            delivery=delivery,
            expected_version=delivery.version,
            handover_on=handover_on,
            actual_value=Decimal("1480"),
        )

    return make
