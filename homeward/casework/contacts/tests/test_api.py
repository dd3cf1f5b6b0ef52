"""The API of referrals, contacts and grievances: the same rules as the pages, the same error
format, 409 for a stale version or an illegal step, 404 outside one's scope."""

import pytest
from django.utils import timezone

from homeward.casework.contacts.models import Contact, Grievance, Referral
from homeward.casework.contacts.services import grievance_record
from homeward.casework.contacts.tests.conftest import days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral_body(household_a, referral_consent):
    return {
        "household": household_a.number,
        "project": "project-a",
        "receiver_name": "Pravni centar Kraljevo",
        "receiver_category": "legal_aid",
        "reason": "Property in Peć: the repossession claim.",
        "consent": referral_consent.pk,
        "sent_on": days_ago(20).isoformat(),
    }


def test_a_referral_is_created_listed_and_moved(api_client_for, case_worker_a, referral_body):
    api = api_client_for(case_worker_a)
    created = api.post("/api/v1/referrals/", referral_body, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["household"], body["project"], body["status"], body["overdue"]) == (
        referral_body["household"],
        "project-a",
        "sent",
        True,
    )
    listed = api.get("/api/v1/referrals/?overdue=true").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    moved = api.post(
        f"/api/v1/referrals/{body['id']}/transition/",
        {"version": body["version"], "status": "accepted", "response": "Lawyer assigned."},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.json()["status"] == "accepted"


def test_a_referral_without_consent_names_the_field(api_client_for, case_worker_a, referral_body):
    del referral_body["consent"]
    response = api_client_for(case_worker_a).post(
        "/api/v1/referrals/", referral_body, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "consent" in error["fields"]
    assert not Referral.objects.exists()


def test_a_follow_up_before_sending_names_the_field(api_client_for, case_worker_a, referral_body):
    referral_body["follow_up_on"] = days_ago(21).isoformat()
    response = api_client_for(case_worker_a).post(
        "/api/v1/referrals/", referral_body, format="json"
    )
    assert response.status_code == 400
    assert "follow_up_on" in response.json()["error"]["fields"]


def test_an_illegal_jump_and_a_stale_version_answer_409(
    api_client_for, case_worker_a, referral_body
):
    api = api_client_for(case_worker_a)
    body = api.post("/api/v1/referrals/", referral_body, format="json").json()
    jump = api.post(
        f"/api/v1/referrals/{body['id']}/transition/",
        {"version": body["version"], "status": "completed", "outcome": "x"},
        format="json",
    )
    assert jump.status_code == 409
    assert jump.json()["error"]["code"] == "transition_not_allowed"
    edited = api.patch(
        f"/api/v1/referrals/{body['id']}/",
        {"version": body["version"], "notes": "Called the centre."},
        format="json",
    )
    assert edited.status_code == 200
    stale = api.post(
        f"/api/v1/referrals/{body['id']}/transition/",
        {"version": body["version"], "status": "accepted"},
        format="json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    no_version = api.patch(f"/api/v1/referrals/{body['id']}/", {"notes": "x"}, format="json")
    assert no_version.status_code == 400
    assert "version" in no_version.json()["error"]["fields"]


def test_referrals_are_404_for_other_organisations_and_donors(
    api_client_for, case_worker_a, case_worker_b, donor_viewer, referral_body
):
    body = api_client_for(case_worker_a).post("/api/v1/referrals/", referral_body, format="json")
    pk = body.json()["id"]
    for user in (case_worker_b, donor_viewer):
        api = api_client_for(user)
        assert api.get(f"/api/v1/referrals/{pk}/").status_code == 404
        response = api.post(
            f"/api/v1/referrals/{pk}/transition/",
            {"version": 1, "status": "accepted"},
            format="json",
        )
        assert response.status_code == 404
    assert (
        api_client_for(case_worker_b)
        .post("/api/v1/referrals/", referral_body, format="json")
        .status_code
        == 400
    )  # household number not open to them: named, not confirmed


def test_the_desk_records_an_anonymous_call_and_cannot_link_a_household(
    api_client_for, info_desk_a, household_a
):
    api = api_client_for(info_desk_a)
    call = {
        "channel": "walk_in",
        "topic": "employment",
        "question": "Are there vocational courses in Niš?",
        "anonymous": True,
    }
    created = api.post("/api/v1/contacts/", call, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["household"] is None
    linked = api.post(
        "/api/v1/contacts/",
        call | {"anonymous": False, "caller_name": "Dragan", "household": household_a.number},
        format="json",
    )
    assert linked.status_code == 400
    assert "household" in linked.json()["error"]["fields"]
    assert Contact.objects.count() == 1
    assert api.get(f"/api/v1/households/{household_a.number}/").status_code == 404


def test_a_case_worker_sees_the_linked_household_the_desk_does_not(
    api_client_for, case_worker_a, info_desk_a, household_a
):
    created = (
        api_client_for(case_worker_a)
        .post(
            "/api/v1/contacts/",
            {
                "channel": "phone",
                "topic": "housing",
                "question": "When is the repair starting?",
                "caller_name": "Dragan Petrović",
                "household": household_a.number,
                "follow_up_needed": True,
                "follow_up_on": timezone.localdate().isoformat(),
            },
            format="json",
        )
        .json()
    )
    assert created["household"] == household_a.number
    seen_by_desk = api_client_for(info_desk_a).get(f"/api/v1/contacts/{created['id']}/").json()
    assert seen_by_desk["household"] is None
    assert seen_by_desk["caller_name"] == "Dragan Petrović"
    followed = api_client_for(info_desk_a).patch(
        f"/api/v1/contacts/{created['id']}/",
        {"version": created["version"], "followed_up_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert followed.status_code == 200
    stale = api_client_for(info_desk_a).patch(
        f"/api/v1/contacts/{created['id']}/",
        {"version": created["version"], "answer": "x"},
        format="json",
    )
    assert stale.status_code == 409


def test_contact_filters_refuse_unknown_values(api_client_for, info_desk_a):
    response = api_client_for(info_desk_a).get("/api/v1/contacts/?topic=weather")
    assert response.status_code == 400
    assert "topic" in response.json()["error"]["fields"]


def test_grievances_on_the_api(api_client_for, info_desk_a, manager_a, system, project_a):
    api = api_client_for(info_desk_a)
    created = api.post(
        "/api/v1/grievances/",
        {
            "channel": "letter",
            "category": "feedback",
            "description": "Thank you for the training.",
            "complainant_name": "Vesna Jović",
            "received_on": days_ago(3).isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    jump = api.post(
        f"/api/v1/grievances/{body['id']}/transition/",
        {
            "version": body["version"],
            "status": "resolved",
            "resolution_kind": "no_action",
            "resolution": "x",
        },
        format="json",
    )
    assert jump.status_code == 409
    acknowledged = api.post(
        f"/api/v1/grievances/{body['id']}/transition/",
        {"version": body["version"], "status": "acknowledged"},
        format="json",
    )
    assert acknowledged.json()["days_to_acknowledge"] == 3
    sensitive = grievance_record(
        actor=system,
        project=project_a,
        channel="phone",
        category="sensitive",
        description="Misconduct.",
        anonymous=True,
    )
    assert api.get(f"/api/v1/grievances/{sensitive.pk}/").status_code == 404
    assert api_client_for(manager_a).get(f"/api/v1/grievances/{sensitive.pk}/").status_code == 200
    assert Grievance.objects.count() == 2


def test_a_grievance_is_reclassified_with_its_version(api_client_for, info_desk_a):
    api = api_client_for(info_desk_a)
    body = api.post(
        "/api/v1/grievances/",
        {
            "channel": "phone",
            "category": "complaint",
            "description": "A driver shouted.",
            "anonymous": True,
        },
        format="json",
    ).json()
    stale = api.patch(
        f"/api/v1/grievances/{body['id']}/", {"version": 99, "category": "sensitive"}, format="json"
    )
    assert stale.status_code == 409
    moved = api.patch(
        f"/api/v1/grievances/{body['id']}/",
        {"version": body["version"], "category": "sensitive"},
        format="json",
    )
    assert moved.status_code == 200
    assert api.get(f"/api/v1/grievances/{body['id']}/").status_code == 404


def test_reading_a_referral_is_audited(api_client_for, client_for, case_worker_a, referral_body):
    from homeward.core.models import AuditEvent

    body = api_client_for(case_worker_a).post("/api/v1/referrals/", referral_body, format="json")
    pk = body.json()["id"]
    api_client_for(case_worker_a).get(f"/api/v1/referrals/{pk}/")
    client_for(case_worker_a).get(f"/referrals/{pk}/")
    reads = AuditEvent.objects.filter(action="referral.read", target_id=str(pk))
    assert [event.via for event in reads.order_by("at")] == ["api", "ui"]
