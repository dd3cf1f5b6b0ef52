"""The household page tells the casework about the family too, in words, and only what the
reader's scope covers."""

import datetime

import pytest
from django.utils import timezone

from homeward.casework.contacts.services import referral_create
from homeward.casework.enrolment.services import enrolment_create, enrolment_transition
from homeward.core.actors import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def casework(system, case_worker_a, manager_a, project_a, project_b, household_a):
    today = timezone.localdate()
    ours = enrolment_create(
        actor=Actor(user=case_worker_a), project=project_a, household=household_a
    )
    enrolment_transition(
        actor=Actor(user=manager_a), enrolment=ours, status="selected", expected_version=None
    )
    referral_create(
        actor=Actor(user=case_worker_a),
        household=household_a,
        receiver_name="Centre for social work Zvezdara",
        receiver_category="social_work",
        reason="Social assistance",
        project=project_a,
        consent_on=today - datetime.timedelta(days=2),
        consent_taken_by=case_worker_a,
        sent_on=today - datetime.timedelta(days=1),
    )
    # Organisation B's project takes the family in too: B now sees the household.
    theirs = enrolment_create(actor=system, project=project_b, household=household_a)
    return ours, theirs


def titles(response) -> list[str]:
    return [entry.title for entry in response.context["history"]]


def test_the_history_tells_enrolment_and_referral_in_words(
    casework, client_for, case_worker_a, household_a
):
    response = client_for(case_worker_a).get(f"/registry/households/{household_a.number}/")
    history = titles(response)
    assert "Enrolled in a project" in history
    assert "Enrolment status changed" in history
    assert "Referred to another service" in history
    step = next(e for e in response.context["history"] if e.title == "Enrolment status changed")
    assert ("status", "Candidate", "Selected") in [
        (c.label, c.before, c.after) for c in step.changes
    ]
    assert "Household registered" in history


def test_each_organisation_reads_only_its_own_casework(
    casework, client_for, case_worker_a, manager_b, household_a
):
    ours, theirs = casework
    page_a = client_for(case_worker_a).get(f"/registry/households/{household_a.number}/")
    enrolments_a = {
        e.event.target_id
        for e in page_a.context["history"]
        if e.event.target_type == "enrolment.enrolment"
    }
    assert enrolments_a == {str(ours.pk)}
    page_b = client_for(manager_b).get(f"/registry/households/{household_a.number}/")
    assert page_b.status_code == 200
    history_b = titles(page_b)
    assert "Referred to another service" not in history_b
    enrolments_b = {
        e.event.target_id
        for e in page_b.context["history"]
        if e.event.target_type == "enrolment.enrolment"
    }
    assert enrolments_b == {str(theirs.pk)}
