"""What this app adds to the household page, the project page and the case worker's day."""

import datetime
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from homeward.casework.contacts.panels import agenda_items, household_panel, project_panel
from homeward.casework.contacts.services import (
    contact_record,
    grievance_record,
    grievance_transition,
    referral_create,
)
from homeward.casework.contacts.tests.conftest import days_ago
from homeward.core.actors import Actor

pytestmark = pytest.mark.django_db


def request_of(user):
    return SimpleNamespace(actor=Actor(user=user))


def render(panel) -> str:
    return render_to_string(panel.template, {"panel": panel.context})


@pytest.fixture
def referrals(cw, household_a, project_a, referral_consent):
    """One overdue referral, one due in three days, one due in a month, one closed."""
    made = []
    for sent, follow_up in ((20, None), (5, -3), (1, -30), (30, None)):
        made.append(
            referral_create(
                actor=cw,
                household=household_a,
                project=project_a,
                receiver_name=f"Service {sent}",
                receiver_category="health",
                reason="Check-up.",
                consent=referral_consent,
                sent_on=days_ago(sent),
                follow_up_on=days_ago(follow_up) if follow_up else None,
            )
        )
    from homeward.casework.contacts.services import referral_transition

    referral_transition(
        actor=cw, referral=made[3], status="rejected", expected_version=None, response="No."
    )
    return made


def test_the_household_panel_lists_referrals_with_the_overdue_count(
    case_worker_a, household_a, referrals, cw
):
    contact_record(
        actor=cw,
        project=household_a.project,
        channel="phone",
        topic="health",
        question="Where is the health centre?",
        caller_name="Dragan Petrović",
        household=household_a,
    )
    panel = household_panel(request=request_of(case_worker_a), household=household_a)
    assert panel.context["overdue_count"] == 1
    assert len(panel.context["contacts"]) == 1
    html = render(panel)
    assert html.count('class="overdue"') == 1
    assert "1 overdue" in html
    assert f"/referrals/new/{household_a.number}/" in html


def test_the_household_panel_is_nothing_without_personal_data(
    info_desk_a, donor_viewer, household_a
):
    for user in (info_desk_a, donor_viewer):
        assert household_panel(request=request_of(user), household=household_a) is None


def test_the_household_panel_of_a_reader_offers_no_referral(
    make_user, org_a, household_a, referrals
):
    committee = make_user(org_a, "selection_committee")
    panel = household_panel(request=request_of(committee), household=household_a)
    assert not panel.context["may_refer"]
    assert "/referrals/new/" not in render(panel)


def test_the_project_panel_counts_exactly_for_the_team(manager_a, project_a, referrals):
    panel = project_panel(request=request_of(manager_a), project=project_a)
    context = panel.context
    assert context["exact"]
    assert dict(context["referrals"]) == {"Sent": 3, "Rejected": 1}
    assert context["referrals_overdue"] == 1
    html = render(panel)
    assert "1 overdue" in html


def test_the_project_panel_suppresses_small_counts_for_donors(
    donor_viewer, project_a, referrals, system
):
    for day in range(6):
        grievance_record(
            actor=system,
            project=project_a,
            channel="box",
            category="suggestion",
            description="More evening classes.",
            anonymous=True,
            received_on=days_ago(day),
        )
    panel = project_panel(request=request_of(donor_viewer), project=project_a)
    context = panel.context
    assert not context["exact"]
    assert context["referrals_overdue"] is None
    assert dict(context["referrals"]) == {"Sent": None, "Rejected": None}
    assert dict(context["grievances_all"]) == {"All": 6}
    html = render(panel)
    assert "fewer than 5" in html
    assert "Dragan" not in html


def test_the_project_panel_is_not_shown_to_those_outside_the_project(case_worker_b, project_a):
    assert project_panel(request=request_of(case_worker_b), project=project_a) is None


def test_the_project_panel_shows_grievance_response_times(manager_a, project_a, system):
    grievance = grievance_record(
        actor=system,
        project=project_a,
        channel="box",
        category="complaint",
        description="Late.",
        anonymous=True,
        received_on=days_ago(4),
    )
    grievance_transition(
        actor=system,
        grievance=grievance,
        status="acknowledged",
        expected_version=None,
        on=days_ago(2),
    )
    panel = project_panel(request=request_of(manager_a), project=project_a)
    assert panel.context["grievance_times"].median_to_acknowledge == 2
    assert "median 2" in render(panel)


def test_my_day_lists_due_referrals_contacts_and_grievances(
    case_worker_a, info_desk_a, manager_a, referrals, system, project_a
):
    today = timezone.localdate()
    contact_record(
        actor=Actor(user=info_desk_a),
        channel="phone",
        topic="documents",
        question="Lost card",
        anonymous=True,
        received_at=timezone.now() - datetime.timedelta(days=3),
        follow_up_needed=True,
        follow_up_on=days_ago(1),
    )
    grievance_record(
        actor=system,
        project=project_a,
        channel="box",
        category="complaint",
        description="Late.",
        anonymous=True,
        received_on=days_ago(9),
    )
    grievance_record(
        actor=system,
        project=project_a,
        channel="phone",
        category="sensitive",
        description="Misconduct.",
        anonymous=True,
    )
    worker = agenda_items(actor=Actor(user=case_worker_a), today=today)
    kinds = sorted(str(item.kind) for item in worker)
    # The overdue referral and the one due in three days; not the one due in a month, not
    # the rejected one; the contact; the ordinary grievance only.
    assert kinds == [
        "Acknowledge a grievance",
        "Follow-up of a contact",
        "Referral follow-up",
        "Referral follow-up",
    ]
    assert sum(item.is_overdue(today) for item in worker) == 3
    desk = agenda_items(actor=Actor(user=info_desk_a), today=today)
    assert sorted(str(item.kind) for item in desk) == [
        "Acknowledge a grievance",
        "Follow-up of a contact",
    ]
    manager = agenda_items(actor=Actor(user=manager_a), today=today)
    assert [str(item.kind) for item in manager].count("Acknowledge a grievance") == 2


def test_my_day_page_shows_them(client_for, case_worker_a, referrals):
    page = client_for(case_worker_a).get("/my-day/")
    assert page.status_code == 200
    assert "Service 20" in page.content.decode()


def test_nothing_is_due_for_donors_or_other_organisations(donor_viewer, case_worker_b, referrals):
    for user in (donor_viewer, case_worker_b):
        assert agenda_items(actor=Actor(user=user), today=timezone.localdate()) == []


def test_the_project_page_shows_the_panel(
    client_for, manager_a, donor_viewer, info_desk_a, referrals
):
    for user in (manager_a, donor_viewer, info_desk_a):
        page = client_for(user).get("/projects/project-a/")
        assert page.status_code == 200, user
        assert 'id="referrals-contacts-grievances"' in page.content.decode(), user
