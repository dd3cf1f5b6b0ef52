"""What activities add to the project page, the household page and the case worker's day."""

import datetime

import pytest
from django.test import RequestFactory

from homeward.casework.activities import panels
from homeward.casework.activities.services import (
    material_create,
    session_attendance_record,
    session_create,
    session_transition,
)
from homeward.core.actors import Actor

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.actor = Actor(user=user)
    return request


def test_the_project_panel_counts_by_kind(
    case_worker_a, worker, make_held, head, child, project, today
):
    sessions = [make_held(days) for days in (10, 5)]
    session_attendance_record(
        actor=worker,
        session=sessions[0],
        people=[head, child],
        others=[{"category": "officials", "organisation_name": "Town hall", "women": 4, "men": 3}],
    )
    session_attendance_record(actor=worker, session=sessions[1], people=[head])
    material_create(
        actor=worker,
        project=project,
        kind="leaflet",
        title="Leaflet",
        period_start=today,
        people_reached=700,
    )
    panel = panels.project_panel(request=_request(case_worker_a), project=project)
    [line] = panel.context["summary"]
    assert (line.kind, line.activities, line.sessions_held) == ("business_training", 1, 2)
    # A case worker sees the exact numbers; people count once however often they came.
    assert (line.participants, line.completed, line.others) == (2, 0, 7)
    assert panel.context["people_reached"] == 700
    assert panel.context["can_open"]


def test_donors_see_small_counts_suppressed(donor_viewer, worker, held_session, head, project):
    session_attendance_record(actor=worker, session=held_session, people=[head])
    panel = panels.project_panel(request=_request(donor_viewer), project=project)
    [line] = panel.context["summary"]
    assert line.participants == "fewer than 5"
    assert line.completed == 0
    assert not panel.context["can_open"]


def test_no_project_panel_for_roles_without_counts_or_names(make_user, org_a, project):
    info_desk = make_user(org_a, "info_desk_operator")
    assert panels.project_panel(request=_request(info_desk), project=project) is None


def test_the_household_panel_shows_what_members_attended(
    case_worker_a, manager_b, worker, held_session, head, household_a
):
    session_attendance_record(actor=worker, session=held_session, people=[head])
    panel = panels.household_panel(request=_request(case_worker_a), household=household_a)
    [participant] = panel.context["participations"]
    assert participant.person == head
    assert (participant.attended, participant.counted) == (1, 5)
    assert panels.household_panel(request=_request(manager_b), household=household_a) is None


def test_the_case_workers_day(case_worker_a, manager_b, worker, training, today, held_session):
    coming = session_create(actor=worker, activity=training, date=today + 7 * DAY, topic="Soon")
    session_create(actor=worker, activity=training, date=today + 8 * DAY, topic="Later")
    unmarked = session_create(actor=worker, activity=training, date=today - 2 * DAY, topic="Old")
    recorded = session_create(actor=worker, activity=training, date=today - 4 * DAY)
    session_transition(actor=worker, session=recorded, status="held", expected_version=None)
    session_attendance_record(
        actor=worker, session=recorded, others=[{"category": "community", "women": 2}]
    )
    cancelled = session_create(actor=worker, activity=training, date=today - DAY)
    session_transition(
        actor=worker, session=cancelled, status="cancelled", expected_version=None, reason="Snow"
    )
    items = panels.agenda_items(actor=worker, today=today)
    by_url = {item.url: item for item in items}
    assert set(by_url) == {
        f"/activities/sessions/{coming.pk}/",
        f"/activities/sessions/{unmarked.pk}/",
        f"/activities/sessions/{held_session.pk}/",
    }
    assert by_url[f"/activities/sessions/{coming.pk}/"].kind == "Planned session"
    assert not by_url[f"/activities/sessions/{coming.pk}/"].is_overdue(today)
    assert by_url[f"/activities/sessions/{held_session.pk}/"].kind == "Attendance to record"
    assert by_url[f"/activities/sessions/{held_session.pk}/"].is_overdue(today)
    assert by_url[f"/activities/sessions/{unmarked.pk}/"].is_overdue(today)
    assert panels.agenda_items(actor=Actor(user=manager_b), today=today) == []


def test_no_agenda_for_roles_that_record_no_casework(donor_viewer, held_session, today):
    assert panels.agenda_items(actor=Actor(user=donor_viewer), today=today) == []
