"""The information desk and free phone line: quick entry, anonymous callers, follow-up, and a
desk operator who never sees the registry."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from homeward.casework.contacts.models import Contact
from homeward.casework.contacts.services import contact_record, contact_update
from homeward.casework.contacts.tests.conftest import days_ago
from homeward.core.actors import Actor
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CALL = {
    "channel": "phone",
    "topic": "return",
    "question": "Is there a return package for families going back to Klina?",
    "answer": "Yes, through the Municipal Office for Communities and Returns.",
}


@pytest.fixture
def desk(info_desk_a):
    return Actor(user=info_desk_a)


def test_the_desk_records_an_anonymous_call(desk, org_a, info_desk_a):
    contact = contact_record(actor=desk, anonymous=True, caller_sex="female", **CALL)
    assert (contact.organisation, contact.recorded_by) == (org_a, info_desk_a)
    assert contact.caller_label == "Anonymous"
    assert AuditEvent.objects.filter(action="contact.create", target_id=str(contact.pk)).exists()


def test_a_named_caller_is_stored_as_given(desk):
    contact = contact_record(
        actor=desk,
        caller_name="  Shpresa   Gashi ",
        caller_phone="+381 (0)64/555-01",
        caller_displacement_status="readmitted_returnee",
        **CALL,
    )
    assert (contact.caller_name, contact.caller_phone) == ("Shpresa Gashi", "+381 (0)64/555-01")


def test_a_caller_is_either_named_or_anonymous(desk):
    with pytest.raises(ValidationError) as refused:
        contact_record(actor=desk, **CALL)
    assert "caller_name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        contact_record(actor=desk, anonymous=True, caller_name="Shpresa", **CALL)
    assert "caller_name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        contact_record(actor=desk, caller_name="Shpresa", caller_phone="call me", **CALL)
    assert "caller_phone" in refused.value.message_dict
    assert not Contact.objects.exists()


def test_bad_choices_and_dates_are_refused_by_field(desk):
    with pytest.raises(ValidationError) as refused:
        contact_record(
            actor=desk,
            anonymous=True,
            channel="pigeon",
            topic="weather",
            question="",
            received_at=timezone.now() + datetime.timedelta(hours=2),
        )
    assert {"channel", "topic", "question", "received_at"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        contact_record(actor=desk, anonymous=True, follow_up_needed=True, **CALL)
    assert "follow_up_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        contact_record(
            actor=desk, anonymous=True, follow_up_needed=True, follow_up_on=days_ago(1), **CALL
        )
    assert "follow_up_on" in refused.value.message_dict


def test_the_desk_operator_cannot_link_a_household(desk, household_a):
    with pytest.raises(ValidationError) as refused:
        contact_record(actor=desk, caller_name="Dragan Petrović", household=household_a, **CALL)
    assert "household" in refused.value.message_dict
    contact = contact_record(actor=desk, caller_name="Dragan Petrović", **CALL)
    with pytest.raises(ValidationError):
        contact_update(actor=desk, contact=contact, expected_version=None, household=household_a)


def test_a_case_worker_links_a_household_they_may_see_only(cw, household_a, household_b):
    contact = contact_record(actor=cw, caller_name="Dragan Petrović", household=household_a, **CALL)
    assert contact.household == household_a
    with pytest.raises(ValidationError) as refused:
        contact_record(actor=cw, caller_name="Fatmir Krasniqi", household=household_b, **CALL)
    assert refused.value.message_dict["household"] == [
        "No household with this number is open to you."
    ]
    with pytest.raises(ValidationError):
        contact_record(actor=cw, anonymous=True, household=household_a, **CALL)


def test_follow_up_is_recorded_with_the_version_read(desk):
    received = timezone.now() - datetime.timedelta(days=5)
    contact = contact_record(
        actor=desk,
        anonymous=True,
        received_at=received,
        follow_up_needed=True,
        follow_up_on=days_ago(2),
        **CALL,
    )
    assert contact.overdue
    stale = contact.version
    contact_update(
        actor=desk,
        contact=contact,
        expected_version=stale,
        followed_up_on=days_ago(1),
        follow_up_notes="Called back with the office's hours.",
    )
    assert not contact.follow_up_pending
    with pytest.raises(ConflictError):
        contact_update(actor=desk, contact=contact, expected_version=stale, answer="Other")
    with pytest.raises(ValidationError) as refused:
        contact_update(
            actor=desk, contact=contact, expected_version=None, followed_up_on=days_ago(6)
        )
    assert "followed_up_on" in refused.value.message_dict


def test_other_organisations_and_managers_cannot_touch_a_contact(desk, manager_a, case_worker_b):
    contact = contact_record(actor=desk, anonymous=True, **CALL)
    for user in (manager_a, case_worker_b):
        with pytest.raises(Http404):
            contact_update(
                actor=Actor(user=user), contact=contact, expected_version=None, answer="x"
            )
    with pytest.raises(Http404):
        contact_record(actor=Actor(user=manager_a), anonymous=True, **CALL)


# --- pages --------------------------------------------------------------------------------


def test_the_quick_entry_records_an_anonymous_call(client_for, info_desk_a):
    browser = client_for(info_desk_a)
    page = browser.get("/contacts/")
    assert "household" not in page.context["entry"].fields
    response = browser.post("/contacts/", {**CALL, "anonymous": "on", "caller_sex": "male"})
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.anonymous
    log = browser.get("/contacts/").content.decode()
    assert "Anonymous" in log
    assert "Klina" in log


def test_the_quick_entry_names_the_field_at_fault(client_for, info_desk_a):
    response = client_for(info_desk_a).post("/contacts/", {**CALL, "caller_name": ""})
    assert response.status_code == 400
    assert "caller_name" in response.context["entry"].errors
    assert "Is there a return package" in response.content.decode()
    assert not Contact.objects.exists()


def test_the_desk_operator_never_sees_the_household(client_for, info_desk_a, cw, household_a):
    contact = contact_record(actor=cw, caller_name="Dragan Petrović", household=household_a, **CALL)
    browser = client_for(info_desk_a)
    page = browser.get(f"/contacts/{contact.pk}/")
    assert page.status_code == 200
    assert household_a.number not in page.content.decode()
    assert "household" not in page.context["form"].fields
    assert browser.get(f"/registry/households/{household_a.number}/").status_code == 404
    assert browser.get(f"/referrals/new/{household_a.number}/").status_code == 404
    # A household number typed into the form anyway is ignored: the field is not there.
    browser.post(
        f"/contacts/{contact.pk}/",
        {"version": contact.version, "answer": "More", "household": "H-999999"},
    )
    contact.refresh_from_db()
    assert contact.household == household_a


def test_a_case_worker_links_the_household_on_the_page(client_for, case_worker_a, household_a):
    browser = client_for(case_worker_a)
    response = browser.post(
        "/contacts/", {**CALL, "caller_name": "Dragan Petrović", "household": household_a.number}
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.household == household_a
    page = browser.get(f"/contacts/{contact.pk}/").content.decode()
    assert f"/registry/households/{household_a.number}/" in page
    wrong = browser.post("/contacts/", {**CALL, "caller_name": "Someone", "household": "H-999999"})
    assert wrong.status_code == 400
    assert "household" in wrong.context["entry"].errors


def test_the_follow_up_form_saves_and_keeps_entries_on_conflict(client_for, info_desk_a, desk):
    contact = contact_record(
        actor=desk, anonymous=True, follow_up_needed=True, follow_up_on=timezone.localdate(), **CALL
    )
    browser = client_for(info_desk_a)
    stale = contact.version
    done = {
        "version": stale,
        "answer": CALL["answer"],
        "follow_up_needed": "on",
        "follow_up_on": timezone.localdate().isoformat(),
        "followed_up_on": timezone.localdate().isoformat(),
        "follow_up_notes": "Sent the leaflet.",
    }
    assert browser.post(f"/contacts/{contact.pk}/", done).status_code == 302
    contact.refresh_from_db()
    assert contact.followed_up_on == timezone.localdate()
    done["follow_up_notes"] = "Called again."
    conflict = browser.post(f"/contacts/{contact.pk}/", done)
    assert conflict.status_code == 409
    assert "Called again." in conflict.content.decode()


def test_the_log_filters_by_topic_and_pending_follow_up(client_for, info_desk_a, desk):
    contact_record(actor=desk, anonymous=True, **CALL)
    pending = contact_record(
        actor=desk,
        anonymous=True,
        **{**CALL, "topic": "documents"},
        follow_up_needed=True,
        follow_up_on=timezone.localdate(),
    )
    browser = client_for(info_desk_a)
    assert [c.pk for c in browser.get("/contacts/?topic=documents").context["page"]] == [pending.pk]
    assert [c.pk for c in browser.get("/contacts/?follow_up=on").context["page"]] == [pending.pk]


def test_other_organisations_managers_and_donors_get_404(
    client_for, desk, case_worker_b, manager_a, donor_viewer
):
    contact = contact_record(actor=desk, anonymous=True, **CALL)
    for user in (case_worker_b, manager_a, donor_viewer):
        browser = client_for(user)
        assert browser.get(f"/contacts/{contact.pk}/").status_code == 404, user
    assert client_for(case_worker_b).get("/contacts/").context["page"].paginator.count == 0
    for user in (manager_a, donor_viewer):
        assert client_for(user).get("/contacts/").status_code == 404


def test_a_call_from_a_paper_log_keeps_its_time_and_the_future_is_refused(client_for, info_desk_a):
    browser = client_for(info_desk_a)
    earlier = timezone.localtime() - datetime.timedelta(days=2)
    response = browser.post(
        "/contacts/", {**CALL, "anonymous": "on", "received_at": earlier.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    assert timezone.localdate(Contact.objects.get().received_at) == earlier.date()
    later = timezone.localtime() + datetime.timedelta(days=2)
    refused = browser.post(
        "/contacts/", {**CALL, "anonymous": "on", "received_at": later.strftime("%Y-%m-%dT%H:%M")}
    )
    assert refused.status_code == 400
    assert "received_at" in refused.context["entry"].errors
    assert Contact.objects.count() == 1


def test_a_desk_limited_to_a_project_must_name_it(make_user, org_a, project_a, client_for):
    limited = make_user(org_a, "info_desk_operator", projects=[project_a])
    browser = client_for(limited)
    refused = browser.post("/contacts/", {**CALL, "anonymous": "on"})
    assert refused.status_code == 400
    assert "project" in refused.context["entry"].errors
    accepted = browser.post("/contacts/", {**CALL, "anonymous": "on", "project": "project-a"})
    assert accepted.status_code == 302
    assert Contact.objects.get().project == project_a


def test_the_desk_cannot_unlink_a_household_either(api_client_for, info_desk_a, cw, household_a):
    contact = contact_record(actor=cw, caller_name="Dragan Petrović", household=household_a, **CALL)
    response = api_client_for(info_desk_a).patch(
        f"/api/v1/contacts/{contact.pk}/",
        {"version": contact.version, "household": None},
        format="json",
    )
    assert response.status_code == 400
    assert "household" in response.json()["error"]["fields"]
    contact.refresh_from_db()
    assert contact.household == household_a


def test_a_case_worker_unlinks_by_emptying_the_field(client_for, case_worker_a, cw, household_a):
    contact = contact_record(actor=cw, caller_name="Dragan Petrović", household=household_a, **CALL)
    response = client_for(case_worker_a).post(
        f"/contacts/{contact.pk}/",
        {"version": contact.version, "answer": CALL["answer"], "household": ""},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.household is None
