"""Grievances and feedback: received, acknowledged, resolved, with response times; sensitive
ones handled by managers only."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from homeward.casework.contacts.models import Grievance
from homeward.casework.contacts.selectors import grievance_list, response_times
from homeward.casework.contacts.services import (
    grievance_record,
    grievance_transition,
    grievance_update,
)
from homeward.casework.contacts.tests.conftest import days_ago
from homeward.core.actors import Actor
from homeward.core.errors import ConflictError, TransitionNotAllowed, ValidationError
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db

COMPLAINT = {
    "channel": "box",
    "category": "complaint",
    "description": "We waited four hours at the distribution in Kraljevo.",
}


@pytest.fixture
def desk(info_desk_a):
    return Actor(user=info_desk_a)


@pytest.fixture
def manager(manager_a):
    return Actor(user=manager_a)


def receive(actor, **extra) -> Grievance:
    return grievance_record(actor=actor, **({"anonymous": True} | COMPLAINT | extra))


def test_a_grievance_goes_received_acknowledged_resolved_with_days(desk):
    grievance = receive(desk, received_on=days_ago(12))
    assert grievance.status == "received"
    grievance_transition(
        actor=desk, grievance=grievance, status="acknowledged", expected_version=1, on=days_ago(9)
    )
    grievance_transition(
        actor=desk,
        grievance=grievance,
        status="resolved",
        expected_version=grievance.version,
        resolution_kind="action_taken",
        resolution="A second distribution point opened.",
    )
    assert (grievance.days_to_acknowledge, grievance.days_to_resolve) == (3, 12)
    actions = AuditEvent.objects.filter(
        target_type="contacts.grievance", target_id=str(grievance.pk)
    ).values_list("action", flat=True)
    assert sorted(actions) == ["grievance.create", "grievance.transition", "grievance.transition"]


def test_resolving_before_acknowledging_is_an_illegal_jump(desk):
    grievance = receive(desk)
    with pytest.raises(TransitionNotAllowed):
        grievance_transition(
            actor=desk,
            grievance=grievance,
            status="resolved",
            expected_version=None,
            resolution_kind="no_action",
            resolution="Duplicate.",
        )
    grievance.refresh_from_db()
    assert grievance.status == "received"


def test_closing_without_action_needs_its_reason(desk):
    grievance = receive(desk)
    grievance_transition(
        actor=desk, grievance=grievance, status="acknowledged", expected_version=None
    )
    with pytest.raises(ValidationError) as refused:
        grievance_transition(
            actor=desk,
            grievance=grievance,
            status="resolved",
            expected_version=None,
            resolution_kind="no_action",
        )
    assert refused.value.message_dict["resolution"] == ["Say why it was closed without action."]
    with pytest.raises(ValidationError) as refused:
        grievance_transition(
            actor=desk,
            grievance=grievance,
            status="resolved",
            expected_version=None,
            resolution="x",
        )
    assert "resolution_kind" in refused.value.message_dict


def test_dates_out_of_order_or_in_the_future_are_refused(desk):
    with pytest.raises(ValidationError) as refused:
        receive(desk, received_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "received_on" in refused.value.message_dict
    grievance = receive(desk, received_on=days_ago(3))
    with pytest.raises(ValidationError) as refused:
        grievance_transition(
            actor=desk,
            grievance=grievance,
            status="acknowledged",
            expected_version=None,
            on=days_ago(4),
        )
    assert "on" in refused.value.message_dict


def test_named_or_anonymous_and_bad_choices(desk):
    with pytest.raises(ValidationError) as refused:
        grievance_record(actor=desk, **COMPLAINT)
    assert "complainant_name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        receive(desk, complainant_name="Fatmir")
    assert "complainant_name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        receive(desk, category="gossip", channel="smoke")
    assert {"category", "channel"} <= set(refused.value.message_dict)
    assert not Grievance.objects.exists()


def test_overdue_after_seven_days_unacknowledged_or_thirty_unresolved(desk, settings):
    late_ack = receive(desk, received_on=days_ago(8))
    fresh = receive(desk, received_on=days_ago(7))
    late_resolve = receive(desk, received_on=days_ago(31))
    grievance_transition(
        actor=desk,
        grievance=late_resolve,
        status="acknowledged",
        expected_version=None,
        on=days_ago(30),
    )
    assert late_ack.lateness() == ["acknowledge"]
    assert not fresh.overdue
    assert late_resolve.lateness() == ["resolve"]
    overdue = grievance_list(actor=desk, overdue=True, today=timezone.localdate())
    assert set(overdue) == {late_ack, late_resolve}
    settings.HOMEWARD_GRIEVANCE_ACKNOWLEDGE_DAYS = 5
    assert fresh.overdue


def test_response_times_average_and_median(desk):
    for received, acknowledged in ((10, 9), (10, 7), (10, 2)):
        grievance = receive(desk, received_on=days_ago(received))
        grievance_transition(
            actor=desk,
            grievance=grievance,
            status="acknowledged",
            expected_version=None,
            on=days_ago(acknowledged),
        )
    receive(desk)
    times = response_times(Grievance.objects.all())
    assert (times.acknowledged, times.average_to_acknowledge, times.median_to_acknowledge) == (
        3,
        4.0,
        3,
    )
    assert times.resolved == 0
    assert times.average_to_resolve is None


def test_sensitive_grievances_are_for_managers_only(desk, manager, cw, me_officer_a):
    sensitive = receive(
        desk,
        category="sensitive",
        description="A staff member asked for money to put us on the list.",
    )
    today = timezone.localdate()
    assert sensitive not in grievance_list(actor=desk, today=today)
    assert sensitive not in grievance_list(actor=cw, today=today)
    assert sensitive in grievance_list(actor=manager, today=today)
    assert sensitive in grievance_list(actor=Actor(user=me_officer_a), today=today)
    with pytest.raises(Http404):
        grievance_transition(
            actor=cw, grievance=sensitive, status="acknowledged", expected_version=None
        )
    grievance_transition(
        actor=manager, grievance=sensitive, status="acknowledged", expected_version=None
    )


def test_making_a_grievance_sensitive_hands_it_to_the_managers(desk, manager):
    grievance = receive(desk)
    grievance_update(actor=desk, grievance=grievance, expected_version=1, category="sensitive")
    with pytest.raises(Http404):
        grievance_update(
            actor=desk, grievance=grievance, expected_version=None, category="complaint"
        )
    with pytest.raises(ConflictError):
        grievance_update(
            actor=manager, grievance=grievance, expected_version=1, category="feedback"
        )


def test_other_organisations_and_donors_cannot_see_or_move_a_grievance(
    desk, case_worker_b, manager_b, donor_viewer, admin_a
):
    grievance = receive(desk)
    for user in (case_worker_b, manager_b, donor_viewer, admin_a):
        actor = Actor(user=user)
        assert grievance not in grievance_list(actor=actor, today=timezone.localdate())
        with pytest.raises(Http404):
            grievance_transition(
                actor=actor, grievance=grievance, status="acknowledged", expected_version=None
            )


def test_a_manager_receives_a_grievance_too(manager, org_a):
    grievance = receive(manager, project=None)
    assert grievance.organisation == org_a


def test_the_desk_cannot_link_a_household(desk, household_a):
    with pytest.raises(ValidationError) as refused:
        grievance_record(
            actor=desk, complainant_name="Dragan Petrović", household=household_a, **COMPLAINT
        )
    assert "household" in refused.value.message_dict


# --- pages --------------------------------------------------------------------------------


def test_the_pages_record_and_move_a_grievance(client_for, info_desk_a):
    browser = client_for(info_desk_a)
    form = browser.get("/grievances/new/")
    assert "household" not in form.context["form"].fields
    response = browser.post(
        "/grievances/new/",
        {**COMPLAINT, "anonymous": "on", "received_on": days_ago(2).isoformat()},
    )
    grievance = Grievance.objects.get()
    assert response.url == f"/grievances/{grievance.pk}/"
    acknowledged = browser.post(
        f"/grievances/{grievance.pk}/status/",
        {"version": grievance.version, "status": "acknowledged"},
    )
    assert acknowledged.status_code == 302
    grievance.refresh_from_db()
    jump = browser.post(
        f"/grievances/{grievance.pk}/status/",
        {"version": grievance.version, "status": "received"},
    )
    assert jump.status_code == 400
    missing = browser.post(
        f"/grievances/{grievance.pk}/status/",
        {"version": grievance.version, "status": "resolved", "resolution_kind": "no_action"},
    )
    assert missing.status_code == 400
    assert "resolution" in missing.context["status_form"].errors
    page = browser.get("/grievances/")
    assert page.context["times"].acknowledged == 1
    assert "median" in page.content.decode()


def test_a_sensitive_grievance_disappears_from_the_desk_once_recorded(
    client_for, info_desk_a, manager_a
):
    browser = client_for(info_desk_a)
    response = browser.post(
        "/grievances/new/",
        {
            "channel": "phone",
            "category": "sensitive",
            "description": "Misconduct by a driver.",
            "anonymous": "on",
        },
    )
    grievance = Grievance.objects.get()
    assert response.url == "/grievances/"
    assert browser.get(f"/grievances/{grievance.pk}/").status_code == 404
    assert client_for(manager_a).get(f"/grievances/{grievance.pk}/").status_code == 200


def test_the_form_names_the_field_at_fault(client_for, case_worker_a):
    response = client_for(case_worker_a).post(
        "/grievances/new/", {**COMPLAINT, "household": "H-999999", "complainant_name": "Ana"}
    )
    assert response.status_code == 400
    assert "household" in response.context["form"].errors
    assert not Grievance.objects.exists()


def test_a_stale_status_form_is_a_conflict_that_keeps_the_entries(client_for, info_desk_a, desk):
    grievance = receive(desk)
    stale = grievance.version
    grievance_transition(
        actor=desk, grievance=grievance, status="acknowledged", expected_version=stale
    )
    response = client_for(info_desk_a).post(
        f"/grievances/{grievance.pk}/status/",
        {
            "version": stale,
            "status": "resolved",
            "resolution_kind": "action_taken",
            "resolution": "Fixed the queue.",
        },
    )
    assert response.status_code == 409
    assert "Fixed the queue." in response.content.decode()


def test_overdue_rows_stand_out(client_for, info_desk_a, desk):
    receive(desk, received_on=days_ago(9))
    html = client_for(info_desk_a).get("/grievances/").content.decode()
    assert 'class="overdue"' in html
    assert "overdue" in html


def test_the_category_form_hands_a_grievance_to_the_managers(client_for, info_desk_a, desk):
    grievance = receive(desk)
    browser = client_for(info_desk_a)
    page = browser.get(f"/grievances/{grievance.pk}/")
    assert page.context["category_form"].initial["category"] == "complaint"
    response = browser.post(
        f"/grievances/{grievance.pk}/category/",
        {"version": grievance.version, "category": "sensitive"},
    )
    assert response.url == "/grievances/"
    grievance.refresh_from_db()
    assert grievance.category == "sensitive"
    assert browser.get(f"/grievances/{grievance.pk}/").status_code == 404
    assert (
        browser.post(
            f"/grievances/{grievance.pk}/category/",
            {"version": grievance.version, "category": "complaint"},
        ).status_code
        == 404
    )


def test_the_category_form_on_a_stale_version_is_a_conflict(client_for, manager_a, manager):
    grievance = receive(manager)
    stale = grievance.version
    grievance_update(actor=manager, grievance=grievance, expected_version=stale, channel="letter")
    response = client_for(manager_a).post(
        f"/grievances/{grievance.pk}/category/", {"version": stale, "category": "feedback"}
    )
    assert response.status_code == 409
    grievance.refresh_from_db()
    assert grievance.category == "complaint"
