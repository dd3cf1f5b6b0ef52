"""Referrals: consent before anything is shared, a declared life cycle, follow-up dates, and
overdue referrals that stand out."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.casework.contacts.models import Referral
from homeward.casework.contacts.services import (
    referral_create,
    referral_transition,
    referral_update,
)
from homeward.casework.contacts.tests.conftest import days_ago
from homeward.core.actors import Actor
from homeward.core.errors import ConflictError, TransitionNotAllowed, ValidationError
from homeward.core.models import AuditEvent
from homeward.registry.services import consent_record, consent_withdraw

pytestmark = pytest.mark.django_db


def refer(actor, household, **extra) -> Referral:
    values = {
        "receiver_name": "Nacionalna služba za zapošljavanje, Kraljevo",
        "receiver_category": "employment",
        "reason": "Registration as unemployed and the self-employment subsidy.",
    }
    values.update(extra)
    return referral_create(actor=actor, household=household, **values)


# --- consent ------------------------------------------------------------------------------


def test_a_referral_without_consent_is_refused_and_nothing_is_saved(cw, household_a):
    with pytest.raises(ValidationError) as refused:
        refer(cw, household_a)
    assert "consent" in refused.value.message_dict
    assert not Referral.objects.exists()
    assert not AuditEvent.objects.filter(action="referral.create").exists()


def test_the_registry_consent_to_referral_is_enough(cw, household_a, referral_consent):
    referral = refer(cw, household_a, project=household_a.project, consent=referral_consent)
    assert referral.status == "sent"
    assert referral.consent == referral_consent
    assert referral.sent_on == timezone.localdate()
    assert referral.follow_up_on == timezone.localdate() + datetime.timedelta(days=14)
    event = AuditEvent.objects.get(action="referral.create")
    assert event.target_id == str(referral.pk)
    assert event.organisation_id == referral.organisation_id


def test_consent_given_for_the_referral_records_who_took_it(cw, household_a, case_worker_a):
    referral = refer(cw, household_a, consent_on=timezone.localdate())
    assert referral.consent is None
    assert referral.consent_taken_by == case_worker_a


def test_a_consent_for_another_purpose_or_person_or_withdrawn_is_refused(
    cw, household_a, household_b, head_a, child_a, referral_consent, system, case_worker_b
):
    photographs = consent_record(
        actor=cw, person=head_a, purpose="photographs", given_on=days_ago(5)
    )
    with pytest.raises(ValidationError, match="not to referral"):
        refer(cw, household_a, consent=photographs)
    # The child's own consent does not cover a referral of the head.
    childs = consent_record(actor=cw, person=child_a, purpose="referral", given_on=days_ago(5))
    with pytest.raises(ValidationError, match="somebody else"):
        refer(cw, household_a, person=head_a, consent=childs)
    # The head consents for the household, and so for the child too.
    assert refer(cw, household_a, person=child_a, consent=referral_consent).person == child_a
    consent_withdraw(actor=cw, consent=referral_consent, withdrawn_on=days_ago(1))
    with pytest.raises(ValidationError, match="withdrawn"):
        refer(cw, household_a, consent=referral_consent)


def test_consent_must_come_before_the_referral_is_sent(cw, household_a, referral_consent):
    with pytest.raises(ValidationError) as refused:
        refer(cw, household_a, consent_on=days_ago(1), sent_on=days_ago(3))
    assert "consent_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        refer(cw, household_a, consent=referral_consent, sent_on=days_ago(40))
    assert "consent" in refused.value.message_dict


# --- dates and project --------------------------------------------------------------------


def test_a_follow_up_before_sending_and_a_future_sending_are_refused(cw, household_a):
    with pytest.raises(ValidationError) as refused:
        refer(
            cw, household_a, consent_on=days_ago(10), sent_on=days_ago(5), follow_up_on=days_ago(6)
        )
    assert "follow_up_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        refer(
            cw,
            household_a,
            consent_on=days_ago(1),
            sent_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "sent_on" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_a_household_outside_the_project_is_refused(
    cw, household_a, project_a2, make_user, org_a, system
):
    with pytest.raises(ValidationError) as refused:
        refer(cw, household_a, project=project_a2, consent_on=days_ago(1))
    assert "project" in refused.value.message_dict


def test_a_member_of_another_household_is_refused(cw, household_a, household_b):
    stranger = household_b.members.get()
    with pytest.raises(ValidationError) as refused:
        refer(cw, household_a, person=stranger, consent_on=days_ago(1))
    assert "person" in refused.value.message_dict


def test_a_command_names_the_organisation_it_refers_for(system, household_a, org_a, case_worker_a):
    with pytest.raises(ValidationError) as refused:
        refer(system, household_a, consent_on=days_ago(1), consent_taken_by=case_worker_a)
    assert "organisation" in refused.value.message_dict
    referral = refer(
        system,
        household_a,
        organisation=org_a,
        consent_on=days_ago(1),
        consent_taken_by=case_worker_a,
    )
    assert referral.organisation == org_a


def test_other_organisations_and_roles_cannot_refer(
    household_a, case_worker_b, make_user, org_a, project_a, donor_viewer, info_desk_a
):
    for user in (
        case_worker_b,
        donor_viewer,
        info_desk_a,
        make_user(org_a, Role.SELECTION_COMMITTEE),
        make_user(org_a, Role.ME_OFFICER),
    ):
        with pytest.raises(Http404):
            refer(Actor(user=user), household_a, consent_on=days_ago(1))


# --- life cycle ---------------------------------------------------------------------------


@pytest.fixture
def referral(cw, household_a, referral_consent):
    return refer(cw, household_a, consent=referral_consent, sent_on=days_ago(20))


def test_the_life_cycle_sent_accepted_completed(cw, referral):
    referral_transition(
        actor=cw,
        referral=referral,
        status="accepted",
        expected_version=referral.version,
        on=days_ago(10),
        response="Registered; interview on Monday.",
        follow_up_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert referral.responded_on == days_ago(10)
    assert not referral.overdue
    referral_transition(
        actor=cw,
        referral=referral,
        status="completed",
        expected_version=referral.version,
        outcome="Self-employment subsidy granted.",
    )
    referral.refresh_from_db()
    assert (referral.status, referral.closed_on) == ("completed", timezone.localdate())
    assert AuditEvent.objects.filter(action="referral.transition").count() == 2


def test_an_illegal_status_jump_is_refused(cw, referral):
    with pytest.raises(TransitionNotAllowed) as refused:
        referral_transition(
            actor=cw, referral=referral, status="completed", expected_version=None, outcome="x"
        )
    assert refused.value.details["allowed"] == ["accepted", "rejected"]
    referral_transition(
        actor=cw, referral=referral, status="rejected", expected_version=None, response="Full."
    )
    with pytest.raises(TransitionNotAllowed):
        referral_transition(actor=cw, referral=referral, status="accepted", expected_version=None)
    referral.refresh_from_db()
    assert referral.status == "rejected"


def test_a_rejection_needs_the_reason_and_a_completion_the_outcome(cw, referral):
    with pytest.raises(ValidationError) as refused:
        referral_transition(actor=cw, referral=referral, status="rejected", expected_version=None)
    assert "response" in refused.value.message_dict
    referral_transition(actor=cw, referral=referral, status="accepted", expected_version=None)
    with pytest.raises(ValidationError) as refused:
        referral_transition(actor=cw, referral=referral, status="completed", expected_version=None)
    assert "outcome" in refused.value.message_dict


def test_an_answer_before_sending_or_in_the_future_is_refused(cw, referral):
    for on in (days_ago(21), timezone.localdate() + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            referral_transition(
                actor=cw, referral=referral, status="accepted", expected_version=None, on=on
            )
        assert "on" in refused.value.message_dict
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_a_stale_version_is_a_conflict(cw, referral):
    stale = referral.version
    referral_update(actor=cw, referral=referral, expected_version=stale, follow_up_on=days_ago(1))
    with pytest.raises(ConflictError):
        referral_transition(actor=cw, referral=referral, status="accepted", expected_version=stale)


def test_an_update_refuses_a_follow_up_before_sending(cw, referral):
    with pytest.raises(ValidationError) as refused:
        referral_update(
            actor=cw, referral=referral, expected_version=None, follow_up_on=days_ago(25)
        )
    assert "follow_up_on" in refused.value.message_dict


def test_overdue_means_follow_up_passed_and_still_open(cw, referral):
    assert referral.overdue  # sent 20 days ago, follow-up after 14
    referral_transition(
        actor=cw, referral=referral, status="rejected", expected_version=None, response="No."
    )
    assert not referral.overdue


# --- pages --------------------------------------------------------------------------------


def test_the_household_page_offers_a_referral_and_the_form_records_it(
    client_for, case_worker_a, household_a, referral_consent
):
    browser = client_for(case_worker_a)
    page = browser.get(f"/registry/households/{household_a.number}/")
    assert f"/referrals/new/{household_a.number}/" in page.content.decode()
    response = browser.post(
        f"/referrals/new/{household_a.number}/",
        {
            "receiver_name": "Centar za socijalni rad",
            "receiver_category": "social_work",
            "reason": "One-off social assistance.",
            "consent": referral_consent.pk,
            "project": "project-a",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == f"/referrals/{referral.pk}/"
    assert referral.project.code == "project-a"


def test_the_form_without_consent_says_so_and_saves_nothing(client_for, case_worker_a, household_a):
    response = client_for(case_worker_a).post(
        f"/referrals/new/{household_a.number}/",
        {"receiver_name": "CSR", "receiver_category": "social_work", "reason": "Help."},
    )
    assert response.status_code == 400
    assert "consent" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_overdue_referrals_stand_out_and_filter(
    client_for, case_worker_a, cw, household_a, referral
):
    on_time = refer(cw, household_a, consent_on=days_ago(1))
    browser = client_for(case_worker_a)
    page = browser.get("/referrals/")
    html = page.content.decode()
    assert 'class="overdue"' in html
    assert "overdue" in html
    assert page.context["overdue_count"] == 1
    only_overdue = browser.get("/referrals/?overdue=on")
    assert [row.pk for row in only_overdue.context["page"]] == [referral.pk]
    sent = browser.get("/referrals/?status=sent&project=")
    assert {row.pk for row in sent.context["page"]} == {referral.pk, on_time.pk}
    household = browser.get(f"/registry/households/{household_a.number}/").content.decode()
    assert "1 overdue" in household


def test_the_status_form_moves_the_referral_and_refuses_a_jump(client_for, case_worker_a, referral):
    browser = client_for(case_worker_a)
    jump = browser.post(
        f"/referrals/{referral.pk}/status/",
        {"version": referral.version, "status": "completed", "outcome": "Done"},
    )
    assert jump.status_code == 400
    referral.refresh_from_db()
    assert referral.status == "sent"
    accepted = browser.post(
        f"/referrals/{referral.pk}/status/",
        {"version": referral.version, "status": "accepted", "response": "Appointment made."},
    )
    assert accepted.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_the_status_form_on_a_stale_version_keeps_the_entries(
    client_for, case_worker_a, cw, referral
):
    stale = referral.version
    referral_update(actor=cw, referral=referral, expected_version=stale, notes="Called them.")
    response = client_for(case_worker_a).post(
        f"/referrals/{referral.pk}/status/",
        {"version": stale, "status": "rejected", "response": "No places left."},
    )
    assert response.status_code == 409
    assert "No places left." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_the_edit_page_saves_and_reports_a_conflict(client_for, case_worker_a, cw, referral):
    browser = client_for(case_worker_a)
    data = {
        "version": referral.version,
        "receiver_name": "NSZ Kraljevo",
        "receiver_category": "employment",
        "reason": referral.reason,
        "follow_up_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "notes": "",
    }
    assert browser.post(f"/referrals/{referral.pk}/edit/", data).status_code == 302
    referral.refresh_from_db()
    assert referral.receiver_name == "NSZ Kraljevo"
    assert not referral.overdue
    data["receiver_name"] = "NSZ Beograd"  # the version sent is now stale
    response = browser.post(f"/referrals/{referral.pk}/edit/", data)
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert "NSZ Beograd" in response.content.decode()


def test_readers_without_casework_see_no_buttons_and_cannot_post(
    client_for, make_user, org_a, referral
):
    committee = client_for(make_user(org_a, Role.SELECTION_COMMITTEE))
    page = committee.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert page.context["status_form"] is None
    response = committee.post(
        f"/referrals/{referral.pk}/status/",
        {"version": referral.version, "status": "accepted"},
    )
    assert response.status_code == 404


def test_other_organisations_and_donors_get_404(client_for, case_worker_b, donor_viewer, referral):
    for user in (case_worker_b, donor_viewer):
        browser = client_for(user)
        assert browser.get(f"/referrals/{referral.pk}/").status_code == 404
        assert (
            browser.post(
                f"/referrals/{referral.pk}/status/", {"version": 1, "status": "accepted"}
            ).status_code
            == 404
        )
    assert client_for(case_worker_b).get("/referrals/").context["page"].paginator.count == 0
