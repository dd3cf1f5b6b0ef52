"""``/api/v1/activities/``, ``/api/v1/sessions/`` and ``/api/v1/information-materials/``."""

import datetime

import pytest

from homeward.casework.activities.models import (
    Activity,
    Attendance,
    InformationMaterial,
    OtherParticipants,
    Participant,
)
from homeward.casework.activities.services import session_attendance_record

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def api(api_client_for, case_worker_a):
    return api_client_for(case_worker_a)


def _fields(response) -> dict:
    body = response.json()
    assert body["error"]["code"] == "invalid", body
    return body["error"]["fields"]


def test_an_activity_is_created_listed_and_updated(api, project, today):
    response = api.post(
        "/api/v1/activities/",
        {
            "project": project.code,
            "kind": "go_and_see_visit",
            "title": "Go-and-see visit to Klina",
            "municipality": "Klinë",
            "planned_start": today.isoformat(),
            "planned_end": today.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["municipality"] == "XK-kline"
    assert body["organisation"] == "org-a"
    assert body["completion_share"] == 80
    listed = api.get("/api/v1/activities/", {"project": project.code, "kind": "go_and_see_visit"})
    assert [row["id"] for row in listed.json()["results"]] == [body["id"]]
    response = api.patch(
        f"/api/v1/activities/{body['id']}/",
        {"version": body["version"], "venue": "Village hall"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["venue"] == "Village hall"
    stale = api.patch(
        f"/api/v1/activities/{body['id']}/",
        {"version": body["version"], "venue": "School"},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    missing_version = api.patch(
        f"/api/v1/activities/{body['id']}/", {"venue": "School"}, format="json"
    )
    assert "version" in _fields(missing_version)


def test_bad_activities_are_refused_naming_the_field(api, project, project_b, today):
    response = api.post(
        "/api/v1/activities/",
        {
            "project": project.code,
            "kind": "meeting",
            "title": "Meeting",
            "planned_start": (project.end_date + DAY).isoformat(),
            "planned_end": (project.end_date + DAY).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(_fields(response)) == {"planned_start", "planned_end"}
    response = api.post(
        "/api/v1/activities/",
        {
            "project": project_b.code,
            "kind": "meeting",
            "title": "Meeting",
            "planned_start": project_b.start_date.isoformat(),
            "planned_end": project_b.start_date.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(_fields(response)) == {"project"}
    assert not Activity.objects.exists()


def test_sessions_and_attendance_through_the_api(api, training, today, head, child):
    response = api.post(
        "/api/v1/sessions/",
        {"activity": training.pk, "date": (today - DAY).isoformat(), "topic": "Taxes"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    session = response.json()
    early = api.post(
        f"/api/v1/sessions/{session['id']}/attendance/", {"people": [head.pk]}, format="json"
    )
    assert early.status_code == 400
    assert set(_fields(early)) == {"session"}
    held = api.post(
        f"/api/v1/sessions/{session['id']}/transition/",
        {"status": "held", "version": session["version"]},
        format="json",
    )
    assert held.status_code == 200
    assert held.json()["status"] == "held"
    again = api.post(
        f"/api/v1/sessions/{session['id']}/transition/",
        {"status": "cancelled", "version": held.json()["version"], "reason": "x"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "transition_not_allowed"
    response = api.post(
        f"/api/v1/sessions/{session['id']}/attendance/",
        {
            "people": [head.pk, child.pk],
            "others": [
                {"category": "civil_society", "organisation_name": "Sveti Spas", "women": 3},
                {"category": "community", "women": 5, "men": 4},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {row["person"] for row in body["attendance"]} == {head.pk, child.pk}
    assert sum(row["total"] for row in body["other_participants"]) == 12
    detail = api.get(f"/api/v1/sessions/{session['id']}/").json()
    assert detail["attendance"] == body["attendance"]
    listed = api.get("/api/v1/sessions/", {"activity": training.pk}).json()
    assert [row["id"] for row in listed["results"]] == [session["id"]]


def test_attendance_bad_input_is_refused_and_nothing_saved(api, held_session, head, household_b):
    url = f"/api/v1/sessions/{held_session.pk}/attendance/"
    twice = api.post(url, {"people": [head.pk, head.pk]}, format="json")
    assert twice.status_code == 400
    assert set(_fields(twice)) == {"people.1"}
    negative = api.post(
        url,
        {"people": [head.pk], "others": [{"category": "business", "men": -3}]},
        format="json",
    )
    assert negative.status_code == 400
    assert set(_fields(negative)) == {"others.0.men"}
    stranger = api.post(url, {"people": [head.pk, household_b.members.get().pk]}, format="json")
    assert stranger.status_code == 404
    assert stranger.json()["error"]["code"] == "not_found"
    assert not Attendance.objects.exists()
    assert not OtherParticipants.objects.exists()
    assert not Participant.objects.exists()


def test_a_session_outside_the_project_is_refused(api, training, project):
    response = api.post(
        "/api/v1/sessions/",
        {"activity": training.pk, "date": (project.start_date - DAY).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert set(_fields(response)) == {"date"}


def test_participants_and_completion_through_the_api(api, worker, make_held, training, head):
    sessions = [make_held(days) for days in (20, 15, 10, 5)]
    for session in sessions:
        session_attendance_record(actor=worker, session=session, people=[head])
    listed = api.get(f"/api/v1/activities/{training.pk}/participants/").json()
    assert listed[0]["person"] == head.pk
    assert (listed[0]["sessions_attended"], listed[0]["sessions_counted"]) == (4, 5)
    assert listed[0]["meets_rule"] is True
    response = api.post(
        f"/api/v1/activities/{training.pk}/complete/",
        {"person": head.pk, "version": listed[0]["version"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["certificate_number"] == f"PROJECT-A-A{training.pk}-0001"
    assert api.get(f"/api/v1/activities/{training.pk}/").json()["completed_count"] == 1


def test_enrolment_and_completion_without_the_rule(api, training, child):
    response = api.post(
        f"/api/v1/activities/{training.pk}/participants/", {"person": child.pk}, format="json"
    )
    assert response.status_code == 201
    refused = api.post(
        f"/api/v1/activities/{training.pk}/complete/",
        {"person": child.pk, "version": response.json()["version"]},
        format="json",
    )
    assert refused.status_code == 400
    assert set(_fields(refused)) == {"override_reason"}
    accepted = api.post(
        f"/api/v1/activities/{training.pk}/complete/",
        {
            "person": child.pk,
            "version": response.json()["version"],
            "override_reason": "Completed the course elsewhere, recognised by the trainer",
        },
        format="json",
    )
    assert accepted.status_code == 200
    assert accepted.json()["completion_override_reason"].startswith("Completed")


def test_people_are_not_named_to_donors_or_other_organisations(
    api_client_for, donor_viewer, manager_b, worker, held_session, head, training
):
    session_attendance_record(actor=worker, session=held_session, people=[head])
    for user in (donor_viewer, manager_b):
        client = api_client_for(user)
        for path in (
            f"/api/v1/activities/{training.pk}/",
            f"/api/v1/activities/{training.pk}/participants/",
            f"/api/v1/sessions/{held_session.pk}/",
        ):
            response = client.get(path)
            assert response.status_code == 404, (user.username, path)
            assert head.last_name not in response.content.decode()
    assert api_client_for(manager_b).get("/api/v1/sessions/").json()["count"] == 0


def test_materials_through_the_api(api, api_client_for, donor_viewer, project, today):
    response = api.post(
        "/api/v1/information-materials/",
        {
            "project": project.code,
            "kind": "social_media",
            "title": "Facebook campaign",
            "languages": ["sr-latn", "rom"],
            "people_reached": 25000,
            "period_start": today.isoformat(),
            "municipalities": ["Niš", "RS-00-zvezdara"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "RS-00-zvezdara" in body["municipalities"]
    assert len(body["municipalities"]) == 2
    bad = api.patch(
        f"/api/v1/information-materials/{body['id']}/",
        {"version": body["version"], "quantity_produced": -10},
        format="json",
    )
    assert bad.status_code == 400
    assert set(_fields(bad)) == {"quantity_produced"}
    donor = api_client_for(donor_viewer)
    listed = donor.get("/api/v1/information-materials/", {"project": project.code}).json()
    assert [row["people_reached"] for row in listed["results"]] == [25000]
    refused = donor.post(
        "/api/v1/information-materials/",
        {"project": project.code, "kind": "leaflet", "title": "x", "period_start": "2026-01-01"},
        format="json",
    )
    assert refused.status_code == 404
    assert InformationMaterial.objects.count() == 1
