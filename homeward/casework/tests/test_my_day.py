"""The case worker's day gathers what is due from every casework app, overdue first, and
shows nothing of another organisation's work."""

import datetime

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.casework.activities.services import activity_create, session_create
from homeward.casework.contacts.services import referral_create
from homeward.casework.enrolment.services import enrolment_create
from homeward.casework.panels import AgendaItem, agenda
from homeward.core.actors import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_work(system, case_worker_a, project_a, household_a):
    today = timezone.localdate()
    worker = Actor(user=case_worker_a)
    referral = referral_create(
        actor=worker,
        household=household_a,
        receiver_name="Centre for social work Zvezdara",
        receiver_category="social_work",
        reason="Social assistance",
        project=project_a,
        consent_on=today - datetime.timedelta(days=30),
        consent_taken_by=case_worker_a,
        sent_on=today - datetime.timedelta(days=30),
        follow_up_on=today - datetime.timedelta(days=3),
    )
    activity = activity_create(
        actor=worker,
        project=project_a,
        kind="business_training",
        title="Start your business",
        planned_start=today,
        planned_end=today + datetime.timedelta(days=20),
    )
    session = session_create(
        actor=worker, activity=activity, date=today + datetime.timedelta(days=2)
    )
    enrolment_create(actor=worker, project=project_a, household=household_a)
    return referral, session


def test_the_day_puts_overdue_work_first_and_approvals_last(due_work, case_worker_a, manager_a):
    today = timezone.localdate()
    items = agenda(actor=Actor(user=manager_a), today=today)
    overdue = [item for item in items if item.is_overdue(today)]
    assert overdue
    assert all(item.due_on < today for item in overdue)
    assert items[0].is_overdue(today)
    # The candidate waiting for a decision is an approval, after everything with a date.
    approvals = [index for index, item in enumerate(items) if item.is_approval]
    assert approvals
    assert min(approvals) > max(index for index, item in enumerate(items) if not item.is_approval)


def test_the_page_shows_each_app_s_work_in_its_section(due_work, client_for, case_worker_a):
    referral, session = due_work
    page = client_for(case_worker_a).get("/my-day/")
    assert page.status_code == 200
    overdue = [item.url for item in page.context["overdue"]]
    coming = [item.url for item in page.context["due"]]
    assert f"/referrals/{referral.pk}/" in overdue
    assert any(f"/activities/sessions/{session.pk}/" == url for url in coming)
    assert "overdue" in page.content.decode()


def test_another_organisation_sees_none_of_it(due_work, make_user, org_b, project_b, client_for):
    worker_b = make_user(org_b, Role.CASE_WORKER)
    page = client_for(worker_b).get("/my-day/")
    assert page.context["overdue"] == page.context["due"] == page.context["approvals"] == []
    assert "Nothing is due" in page.content.decode()


def test_an_item_without_a_date_is_never_overdue():
    item = AgendaItem(kind="x", title="y", due_on=None, url="/")
    assert not item.is_overdue(datetime.date(2026, 1, 1))
