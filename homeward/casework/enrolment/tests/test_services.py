"""Enrolling and moving along the life cycle: every allowed step, every refused one, dates,
reasons, duplicates, versions and the data scope."""

from datetime import date, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.casework.enrolment.services import (
    enrolment_create,
    enrolment_transition,
    next_statuses,
)
from homeward.core.errors import ConflictError, TransitionNotAllowed, ValidationError
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db

S = Enrolment.Status
ALLOWED = [
    (start, target) for start, targets in Enrolment.TRANSITIONS.items() for target in targets
]
REFUSED = [
    (start, target)
    for start in S.values
    for target in S.values
    if target not in Enrolment.TRANSITIONS[start]
]


def test_a_case_worker_enrols_a_household_as_a_candidate(
    actor, case_worker_a, project_a, household_a
):
    enrolment = enrolment_create(
        actor=actor(case_worker_a), project=project_a, household=household_a, reason="Referred."
    )
    assert (enrolment.status, enrolment.person, enrolment.organisation.code) == (
        "candidate",
        None,
        "org-a",
    )
    step = enrolment.steps.get()
    assert (step.from_status, step.to_status, step.actor, step.reason) == (
        "",
        "candidate",
        case_worker_a,
        "Referred.",
    )
    event = AuditEvent.objects.get(action="enrolment.create")
    assert event.changes["household"]["after"] == household_a.number


def test_one_member_is_enrolled_alone(actor, case_worker_a, project_a, household_a):
    child = household_a.members.get(first_name="Milica")
    enrolment = enrolment_create(
        actor=actor(case_worker_a), project=project_a, household=household_a, person=child
    )
    assert enrolment.person == child
    # The household as a whole may still be enrolled besides.
    enrolment_create(actor=actor(case_worker_a), project=project_a, household=household_a)
    assert Enrolment.objects.filter(household=household_a).count() == 2


def test_a_person_of_another_household_is_refused(
    actor, case_worker_a, project_a, household_a, register, org_a
):
    other = register(case_worker_a, org_a, project_a).members.get()
    with pytest.raises(ValidationError) as refused:
        enrolment_create(
            actor=actor(case_worker_a), project=project_a, household=household_a, person=other
        )
    assert set(refused.value.message_dict) == {"person"}
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("person", [False, True])
def test_a_second_enrolment_in_the_same_project_is_refused(
    actor, case_worker_a, project_a, household_a, person
):
    member = household_a.members.get(first_name="Milica") if person else None
    enrolment_create(
        actor=actor(case_worker_a), project=project_a, household=household_a, person=member
    )
    with pytest.raises(ValidationError) as refused:
        enrolment_create(
            actor=actor(case_worker_a), project=project_a, household=household_a, person=member
        )
    field = "person" if person else "household"
    assert "Already enrolled in project-a" in refused.value.message_dict[field][0]
    assert Enrolment.objects.count() == 1


def test_an_enrolment_in_the_future_is_refused(actor, case_worker_a, project_a, household_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        enrolment_create(
            actor=actor(case_worker_a), project=project_a, household=household_a, on=tomorrow
        )
    assert set(refused.value.message_dict) == {"on"}
    assert not Enrolment.objects.exists()


def test_an_enrolment_before_the_project_started_is_refused(
    actor, case_worker_a, project_a, household_a
):
    with pytest.raises(ValidationError) as refused:
        enrolment_create(
            actor=actor(case_worker_a),
            project=project_a,
            household=household_a,
            on=date(2024, 12, 31),
        )
    assert set(refused.value.message_dict) == {"on"}


def test_another_organisations_household_is_not_found(actor, case_worker_a, project_a, household_b):
    with pytest.raises(Http404):
        enrolment_create(actor=actor(case_worker_a), project=project_a, household=household_b)
    assert not Enrolment.objects.exists()


def test_a_project_outside_the_scope_is_not_found(actor, case_worker_a, project_b, household_a):
    with pytest.raises(Http404):
        enrolment_create(actor=actor(case_worker_a), project=project_b, household=household_a)
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", ["selection_committee", "donor_viewer", "me_officer"])
def test_roles_that_record_no_casework_cannot_enrol(
    actor, make_user, org_a, project_a, household_a, role
):
    with pytest.raises(Http404):
        enrolment_create(
            actor=actor(make_user(org_a, role)), project=project_a, household=household_a
        )


@pytest.mark.parametrize(("start", "target"), ALLOWED)
def test_every_allowed_step(system, enrol, project_a, household_a, start, target):
    enrolment = enrol(project_a, household_a, status=start)
    enrolment_transition(
        actor=system,
        enrolment=enrolment,
        status=target,
        expected_version=enrolment.version,
        on=date(2025, 3, 1),
        reason="Because.",
    )
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.status_on) == (target, date(2025, 3, 1))
    last = enrolment.steps.last()
    assert (last.from_status, last.to_status, last.on) == (start, target, date(2025, 3, 1))


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_every_other_step_is_refused(system, enrol, project_a, household_a, start, target):
    enrolment = enrol(project_a, household_a, status=start)
    steps = enrolment.steps.count()
    with pytest.raises(TransitionNotAllowed) as refused:
        enrolment_transition(
            actor=system,
            enrolment=enrolment,
            status=target,
            expected_version=enrolment.version,
            reason="Because.",
        )
    assert refused.value.details["allowed"] == list(Enrolment.TRANSITIONS[start])
    enrolment.refresh_from_db()
    assert enrolment.status == start
    assert enrolment.steps.count() == steps


@pytest.mark.parametrize(
    ("start", "target"),
    [("candidate", "waitlisted"), ("candidate", "rejected"), ("active", "dropped")],
)
def test_a_waiting_list_a_rejection_and_a_drop_out_need_a_reason(
    system, enrol, project_a, household_a, start, target
):
    enrolment = enrol(project_a, household_a, status=start)
    with pytest.raises(ValidationError) as refused:
        enrolment_transition(
            actor=system, enrolment=enrolment, status=target, expected_version=None, reason="  "
        )
    assert set(refused.value.message_dict) == {"reason"}
    assert Enrolment.objects.get(pk=enrolment.pk).status == start


def test_a_step_in_the_future_or_before_the_last_is_refused(system, enrol, project_a, household_a):
    enrolment = enrol(project_a, household_a)
    for on in (timezone.localdate() + timedelta(days=1), date(2025, 1, 15)):
        with pytest.raises(ValidationError) as refused:
            enrolment_transition(
                actor=system, enrolment=enrolment, status="selected", expected_version=None, on=on
            )
        assert set(refused.value.message_dict) == {"on"}
    assert Enrolment.objects.get(pk=enrolment.pk).status == "candidate"


def test_a_stale_version_is_a_conflict(system, enrol, project_a, household_a):
    enrolment = enrol(project_a, household_a)
    read = enrolment.version
    enrolment_transition(
        actor=system, enrolment=enrolment, status="selected", expected_version=read
    )
    stale = Enrolment.objects.get(pk=enrolment.pk)
    stale.version = read
    with pytest.raises(ConflictError):
        enrolment_transition(actor=system, enrolment=stale, status="active", expected_version=read)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "selected"
    assert EnrolmentStep.objects.filter(enrolment=enrolment).count() == 2


def test_decisions_are_the_committees_and_steps_after_them_the_case_workers(
    actor, enrol, case_worker_a, committee_a, project_a, household_a
):
    enrolment = enrol(project_a, household_a)
    assert next_statuses(actor(case_worker_a), enrolment) == []
    assert next_statuses(actor(committee_a), enrolment) == ["selected", "waitlisted", "rejected"]
    with pytest.raises(Http404):
        enrolment_transition(
            actor=actor(case_worker_a),
            enrolment=enrolment,
            status="selected",
            expected_version=None,
        )
    enrolment = enrolment_transition(
        actor=actor(committee_a), enrolment=enrolment, status="selected", expected_version=None
    )
    assert next_statuses(actor(committee_a), enrolment) == []
    assert next_statuses(actor(case_worker_a), enrolment) == ["active", "dropped"]
    with pytest.raises(Http404):
        enrolment_transition(
            actor=actor(committee_a), enrolment=enrolment, status="active", expected_version=None
        )
    step = enrolment.steps.last()
    assert (step.actor, step.to_status) == (committee_a, "selected")
    assert step.actor_label


def test_another_organisations_manager_cannot_decide(
    actor, enrol, manager_b, project_a, household_a
):
    enrolment = enrol(project_a, household_a)
    with pytest.raises(Http404):
        enrolment_transition(
            actor=actor(manager_b), enrolment=enrolment, status="selected", expected_version=None
        )
