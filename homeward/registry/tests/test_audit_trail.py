"""Reads of people's records are filed under the organisation that holds them, so its data
protection officer sees who looked — also when the look came from another organisation."""

import pytest

from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_reading_a_person_through_the_api_is_filed_under_their_organisation(
    household_a, case_worker_a, api_client_for, org_a
):
    person = household_a.members.get(relationship_to_head="head")
    response = api_client_for(case_worker_a).get(f"/api/v1/people/{person.pk}/")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="person.read", target_id=str(person.pk))
    assert event.organisation_id == org_a.pk


def test_a_jmbg_check_that_meets_another_organisations_record_is_audited_for_it(
    household_a, case_worker_b, client_for, org_a
):
    person = household_a.members.get(relationship_to_head="head")
    response = client_for(case_worker_b).get(
        "/registry/check-jmbg/", {"national_id": person.national_id}
    )
    assert response.status_code == 200
    assert person.last_name not in response.content.decode()
    event = AuditEvent.objects.get(action="person.national_id_checked")
    assert event.target_id == str(person.pk)
    assert event.organisation_id == org_a.pk
    assert event.actor == case_worker_b


def test_a_jmbg_check_within_the_scope_is_not_an_audit_event(
    household_a, case_worker_a, client_for
):
    person = household_a.members.get(relationship_to_head="head")
    response = client_for(case_worker_a).get(
        "/registry/check-jmbg/", {"national_id": person.national_id}
    )
    assert person.last_name in response.content.decode()
    assert not AuditEvent.objects.filter(action="person.national_id_checked").exists()
