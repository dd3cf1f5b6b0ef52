"""Recording referrals, information desk contacts and grievances, and moving them along."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.casework.common import check_transition, project_in_scope
from homeward.casework.contacts.access import (
    check_household_link,
    household_visible,
    may_handle,
    recording_organisation,
)
from homeward.casework.contacts.models import (
    REFERRAL_FOLLOW_UP_DAYS,
    Contact,
    Grievance,
    Referral,
)
from homeward.casework.enrolment.models import Enrolment
from homeward.core.actors import Actor
from homeward.core.audit import audit_record, diff, snapshot
from homeward.core.concurrency import save_versioned, update_versioned
from homeward.core.errors import ValidationError
from homeward.core.services import service
from homeward.programmes.models import Project
from homeward.registry.models import Consent, Household, Person, Relationship
from homeward.registry.validation import clean_text, name_error, phone_error

C = Capability


def _not_future(on, field: str, errors: dict) -> None:
    if on is not None and on > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")


def _not_before(on, earlier, field: str, errors: dict) -> None:
    if on is not None and earlier is not None and on < earlier:
        errors.setdefault(
            field,
            _("The date cannot be before %(date)s.") % {"date": earlier.isoformat()},
        )


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _created(record, fields) -> dict:
    return {
        name: change
        for name, change in diff({}, snapshot(record, fields)).items()
        if change["after"] is not False
    }


# --- referrals ----------------------------------------------------------------------------

REFERRAL_FIELDS = [
    "household",
    "person",
    "project",
    "organisation",
    "receiver_name",
    "receiver_category",
    "reason",
    "consent",
    "consent_on",
    "consent_taken_by",
    "status",
    "sent_on",
    "follow_up_on",
]


def _in_project(household: Household, project: Project) -> bool:
    return (
        household.project_id == project.pk
        or Enrolment.objects.filter(project=project, household=household).exists()
    )


def _check_consent(
    *, consent: Consent | None, consent_on, taken_by, household, person, sent_on, errors
) -> None:
    if consent is None:
        if consent_on is None:
            errors["consent"] = _(
                "A referral shares personal data: choose the person's consent to referral, "
                "or record the date consent was given for this referral."
            )
            return
        _not_future(consent_on, "consent_on", errors)
        if sent_on is not None and consent_on > sent_on:
            errors.setdefault("consent_on", _("Consent must be given before the referral is sent."))
        if taken_by is None:
            errors["consent_taken_by"] = _("Say who took the consent.")
        return
    # The referred person's own consent, or the head's, who consents for the household as at
    # registration.
    owners = {person.pk} if person is not None else set()
    head = household.members.filter(relationship_to_head=Relationship.HEAD).first()
    if head is not None:
        owners.add(head.pk)
    if person is None:
        owners |= set(household.members.values_list("pk", flat=True))
    if consent.person_id not in owners:
        errors["consent"] = _("This consent was given by somebody else.")
    elif consent.purpose != Consent.Purpose.REFERRAL:
        errors["consent"] = _("This consent is not to referral to other agencies.")
    elif consent.withdrawn_on is not None and (sent_on is None or consent.withdrawn_on <= sent_on):
        errors["consent"] = _("This consent was withdrawn on %(date)s.") % {
            "date": consent.withdrawn_on.isoformat()
        }
    elif sent_on is not None and consent.given_on > sent_on:
        errors["consent"] = _("This consent was given after the referral was sent.")


@service
def referral_create(
    *,
    actor: Actor,
    household: Household,
    receiver_name: str,
    receiver_category: str,
    reason: str,
    person: Person | None = None,
    project: Project | None = None,
    organisation: Organisation | None = None,
    consent: Consent | None = None,
    consent_on: datetime.date | None = None,
    consent_taken_by=None,
    sent_on: datetime.date | None = None,
    follow_up_on: datetime.date | None = None,
    notes: str = "",
) -> Referral:
    """Refer a household (or, with ``person``, one of its members) to another service."""
    if not actor.can(C.RECORD_CASEWORK) or not household_visible(actor, household):
        raise Http404
    organisation = recording_organisation(
        actor, C.RECORD_CASEWORK, project=project, organisation=organisation
    )
    errors: dict = {}
    if person is not None and person.household_id != household.pk:
        errors["person"] = _("This person is not a member of the household.")
    if project is not None and not _in_project(household, project):
        errors["project"] = _("Household %(number)s is not in %(project)s.") % {
            "number": household.number,
            "project": project.code,
        }
    sent_on = sent_on or timezone.localdate()
    _not_future(sent_on, "sent_on", errors)
    follow_up_on = follow_up_on or sent_on + datetime.timedelta(days=REFERRAL_FOLLOW_UP_DAYS)
    if follow_up_on < sent_on:
        errors["follow_up_on"] = _("The follow-up cannot be before the referral is sent.")
    if consent is None and consent_on is not None:
        consent_taken_by = consent_taken_by or actor.user
    else:
        consent_taken_by = None
        consent_on = None if consent is not None else consent_on
    _check_consent(
        consent=consent,
        consent_on=consent_on,
        taken_by=consent_taken_by,
        household=household,
        person=person if "person" not in errors else None,
        sent_on=sent_on,
        errors=errors,
    )
    referral = Referral(
        household=household,
        person=person,
        project=project,
        organisation=organisation,
        receiver_name=clean_text(receiver_name),
        receiver_category=receiver_category or "",
        reason=(reason or "").strip(),
        consent=consent,
        consent_on=consent_on,
        consent_taken_by=consent_taken_by,
        status=Referral.Status.SENT,
        sent_on=sent_on,
        follow_up_on=follow_up_on,
        notes=(notes or "").strip(),
        created_by=actor.user,
    )
    _model_errors(referral, errors)
    _raise(errors)
    referral.save()
    audit_record(
        actor=actor,
        action="referral.create",
        target=referral,
        changes=_created(referral, REFERRAL_FIELDS),
    )
    return referral


def _model_errors(record, errors: dict) -> None:
    """What the model refuses besides (a choice it does not offer, a text too long)."""
    try:
        record.full_clean(exclude=list(errors), validate_constraints=False)
    except ValidationError as invalid:
        for name, messages in invalid.message_dict.items():
            errors.setdefault(name, " ".join(messages))


def may_record_referral(actor: Actor, referral: Referral) -> bool:
    scope = actor.scope(C.RECORD_CASEWORK)
    return (
        scope.is_global
        or referral.organisation_id in scope.organisation_ids
        or (referral.project_id is not None and referral.project_id in scope.project_ids)
    )


def _require_may_record(actor: Actor, referral: Referral) -> None:
    if not may_record_referral(actor, referral):
        raise Http404


@service
def referral_update(
    *, actor: Actor, referral: Referral, expected_version: int | None, **changes
) -> Referral:
    """Change where a referral went, why, or when to ask about it."""
    _require_may_record(actor, referral)
    errors: dict = {}
    if "receiver_name" in changes:
        changes["receiver_name"] = clean_text(changes["receiver_name"])
    for name in ("reason", "notes"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    if "follow_up_on" in changes:
        follow_up_on = changes["follow_up_on"]
        if follow_up_on is None:
            errors["follow_up_on"] = _("This field is required.")
        elif follow_up_on < referral.sent_on:
            errors["follow_up_on"] = _("The follow-up cannot be before the referral is sent.")
    _raise(errors)
    update_versioned(
        actor=actor,
        instance=referral,
        action="referral.update",
        changes=changes,
        editable={"receiver_name", "receiver_category", "reason", "follow_up_on", "notes"},
        expected_version=expected_version,
    )
    return referral


@service
def referral_transition(
    *,
    actor: Actor,
    referral: Referral,
    status: str,
    expected_version: int | None,
    on: datetime.date | None = None,
    response: str = "",
    outcome: str = "",
    follow_up_on: datetime.date | None = None,
) -> Referral:
    """Record the receiving service's answer (accepted, rejected) or the outcome (completed)."""
    _require_may_record(actor, referral)
    check_transition(referral, status)
    S = Referral.Status
    on = on or timezone.localdate()
    errors: dict = {}
    _not_future(on, "on", errors)
    _not_before(on, referral.responded_on or referral.sent_on, "on", errors)
    response = (response or "").strip()
    outcome = (outcome or "").strip()
    if status == S.REJECTED and not response:
        errors["response"] = _("Say why the referral was rejected.")
    if status == S.COMPLETED and not outcome:
        errors["outcome"] = _("Say what came of the referral.")
    if follow_up_on is not None and status == S.ACCEPTED and follow_up_on < on:
        errors["follow_up_on"] = _("The next follow-up cannot be before the answer.")
    _raise(errors)
    before = snapshot(referral, ["status", "responded_on", "closed_on", "follow_up_on"])
    fields = ["status"]
    referral.status = status
    if status in (S.ACCEPTED, S.REJECTED):
        referral.responded_on = on
        referral.response = response
        fields += ["responded_on", "response"]
    if status in Referral.CLOSED:
        referral.closed_on = on
        fields.append("closed_on")
    if status == S.COMPLETED:
        referral.outcome = outcome
        fields.append("outcome")
    if status == S.ACCEPTED and follow_up_on is not None:
        referral.follow_up_on = follow_up_on
        fields.append("follow_up_on")
    save_versioned(referral, expected_version=expected_version, fields=fields)
    changes = diff(
        before, snapshot(referral, ["status", "responded_on", "closed_on", "follow_up_on"])
    )
    if response:
        changes["response"] = {"before": None, "after": response}
    if outcome:
        changes["outcome"] = {"before": None, "after": outcome}
    audit_record(actor=actor, action="referral.transition", target=referral, changes=changes)
    return referral


# --- contacts -----------------------------------------------------------------------------

CONTACT_FIELDS = [
    "organisation",
    "project",
    "channel",
    "received_at",
    "topic",
    "question",
    "answer",
    "anonymous",
    "caller_name",
    "caller_phone",
    "caller_sex",
    "caller_displacement_status",
    "household",
    "follow_up_needed",
    "follow_up_on",
]
CONTACT_EDITABLE = {
    "answer",
    "topic",
    "follow_up_needed",
    "follow_up_on",
    "followed_up_on",
    "follow_up_notes",
    "household",
}


def _clean_caller(data: dict, errors: dict) -> None:
    for name in ("caller_name", "caller_phone"):
        data[name] = clean_text(data.get(name))
    if data.get("anonymous"):
        if data["caller_name"] or data["caller_phone"]:
            errors["caller_name"] = _(
                "An anonymous caller has no name or phone: leave them empty, or untick anonymous."
            )
        if data.get("household") is not None:
            errors["household"] = _("An anonymous caller cannot be linked to a household.")
        return
    if message := name_error(data["caller_name"], required=True):
        errors["caller_name"] = (
            _("Give the caller's name, or tick anonymous.") if not data["caller_name"] else message
        )
    if message := phone_error(data["caller_phone"]):
        errors["caller_phone"] = message


def _check_follow_up(record, errors: dict) -> None:
    received = timezone.localdate(record.received_at) if record.received_at else None
    if record.follow_up_needed and record.follow_up_on is None:
        errors["follow_up_on"] = _("Give the date by which to follow up.")
    _not_before(record.follow_up_on, received, "follow_up_on", errors)
    _not_future(record.followed_up_on, "followed_up_on", errors)
    _not_before(record.followed_up_on, received, "followed_up_on", errors)


@service
def contact_record(
    *,
    actor: Actor,
    channel: str,
    topic: str,
    question: str,
    answer: str = "",
    received_at: datetime.datetime | None = None,
    project: Project | None = None,
    organisation: Organisation | None = None,
    anonymous: bool = False,
    caller_name: str = "",
    caller_phone: str = "",
    caller_sex: str = "",
    caller_displacement_status: str = "",
    household: Household | None = None,
    follow_up_needed: bool = False,
    follow_up_on: datetime.date | None = None,
) -> Contact:
    """Write down a call, a walk-in or an outreach conversation."""
    organisation = recording_organisation(
        actor, C.RECORD_CONTACTS, project=project, organisation=organisation
    )
    check_household_link(actor, household)
    errors: dict = {}
    caller = {
        "anonymous": bool(anonymous),
        "caller_name": caller_name,
        "caller_phone": caller_phone,
        "household": household,
    }
    _clean_caller(caller, errors)
    received_at = received_at or timezone.now()
    if received_at > timezone.now():
        errors["received_at"] = _("The date cannot be in the future.")
    contact = Contact(
        organisation=organisation,
        project=project,
        channel=channel or "",
        received_at=received_at,
        topic=topic or "",
        question=(question or "").strip(),
        answer=(answer or "").strip(),
        anonymous=caller["anonymous"],
        caller_name=caller["caller_name"],
        caller_phone=caller["caller_phone"],
        caller_sex=caller_sex or "",
        caller_displacement_status=caller_displacement_status or "",
        household=household,
        follow_up_needed=bool(follow_up_needed),
        follow_up_on=follow_up_on if follow_up_needed else None,
        recorded_by=actor.user,
    )
    _check_follow_up(contact, errors)
    _model_errors(contact, errors)
    _raise(errors)
    contact.save()
    audit_record(
        actor=actor,
        action="contact.create",
        target=contact,
        changes=_created(contact, CONTACT_FIELDS),
    )
    return contact


@service
def contact_update(
    *, actor: Actor, contact: Contact, expected_version: int | None, **changes
) -> Contact:
    """Record the follow-up, complete the answer, or (with access to the registry) link the
    caller's household."""
    scope = actor.scope(C.RECORD_CONTACTS)
    if not (
        scope.is_global
        or contact.organisation_id in scope.organisation_ids
        or (contact.project_id is not None and contact.project_id in scope.project_ids)
    ):
        raise Http404
    if "household" in changes:
        if not actor.can(C.VIEW_PERSONAL_DATA):
            # Unlinking too: a desk operator does not touch what they may not see.
            raise ValidationError(
                {"household": _("Linking a registered household needs access to the registry.")}
            )
        check_household_link(actor, changes["household"])
        if contact.anonymous and changes["household"] is not None:
            raise ValidationError(
                {"household": _("An anonymous caller cannot be linked to a household.")}
            )
    for name in ("answer", "follow_up_notes"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    if changes.get("follow_up_needed") is False:
        changes.setdefault("follow_up_on", None)
    probe = Contact(
        received_at=contact.received_at,
        follow_up_needed=changes.get("follow_up_needed", contact.follow_up_needed),
        follow_up_on=changes.get("follow_up_on", contact.follow_up_on),
        followed_up_on=changes.get("followed_up_on", contact.followed_up_on),
    )
    errors: dict = {}
    _check_follow_up(probe, errors)
    _raise(errors)
    update_versioned(
        actor=actor,
        instance=contact,
        action="contact.update",
        changes=changes,
        editable=CONTACT_EDITABLE,
        expected_version=expected_version,
    )
    return contact


# --- grievances ---------------------------------------------------------------------------

GRIEVANCE_FIELDS = [
    "organisation",
    "project",
    "received_on",
    "channel",
    "category",
    "description",
    "anonymous",
    "complainant_name",
    "complainant_contact",
    "household",
]


@service
def grievance_record(
    *,
    actor: Actor,
    channel: str,
    category: str,
    description: str,
    received_on: datetime.date | None = None,
    project: Project | None = None,
    organisation: Organisation | None = None,
    anonymous: bool = False,
    complainant_name: str = "",
    complainant_contact: str = "",
    household: Household | None = None,
) -> Grievance:
    """Receive a complaint, feedback or suggestion. Whoever may record contacts or handle
    grievances receives them; a sensitive one is then out of a desk operator's sight."""
    capability = C.RECORD_CONTACTS
    if not actor.can(C.RECORD_CONTACTS) or (
        project is not None and not project_in_scope(actor, project, C.RECORD_CONTACTS)
    ):
        # Managers receive grievances too, on behalf of the organisations they manage in.
        capability = C.MANAGE_PROJECTS
        if not actor.can(C.VIEW_PERSONAL_DATA):
            raise Http404
    organisation = recording_organisation(
        actor, capability, project=project, organisation=organisation
    )
    check_household_link(actor, household)
    errors: dict = {}
    complainant_name = clean_text(complainant_name)
    complainant_contact = clean_text(complainant_contact)
    if anonymous:
        if complainant_name or complainant_contact:
            errors["complainant_name"] = _(
                "An anonymous grievance names nobody: leave the name and contact empty, or "
                "untick anonymous."
            )
        if household is not None:
            errors["household"] = _("An anonymous grievance cannot be linked to a household.")
    elif not complainant_name:
        errors["complainant_name"] = _("Give the complainant's name, or tick anonymous.")
    elif message := name_error(complainant_name, required=True):
        errors["complainant_name"] = message
    received_on = received_on or timezone.localdate()
    _not_future(received_on, "received_on", errors)
    grievance = Grievance(
        organisation=organisation,
        project=project,
        received_on=received_on,
        channel=channel or "",
        category=category or "",
        description=(description or "").strip(),
        anonymous=bool(anonymous),
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        household=household,
        recorded_by=actor.user,
    )
    _model_errors(grievance, errors)
    _raise(errors)
    grievance.save()
    audit_record(
        actor=actor,
        action="grievance.create",
        target=grievance,
        changes=_created(grievance, GRIEVANCE_FIELDS),
    )
    return grievance


@service
def grievance_update(
    *, actor: Actor, grievance: Grievance, expected_version: int | None, **changes
) -> Grievance:
    """Correct the category or description. Making a grievance sensitive hands it to the
    managers; only they may make it ordinary again."""
    if not may_handle(actor, grievance):
        raise Http404
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    update_versioned(
        actor=actor,
        instance=grievance,
        action="grievance.update",
        changes=changes,
        editable={"category", "description", "channel"},
        expected_version=expected_version,
    )
    return grievance


@service
def grievance_transition(
    *,
    actor: Actor,
    grievance: Grievance,
    status: str,
    expected_version: int | None,
    on: datetime.date | None = None,
    resolution_kind: str = "",
    resolution: str = "",
) -> Grievance:
    """Acknowledge a grievance, or resolve it (with action, or closed without action)."""
    if not may_handle(actor, grievance):
        raise Http404
    check_transition(grievance, status)
    S = Grievance.Status
    on = on or timezone.localdate()
    errors: dict = {}
    _not_future(on, "on", errors)
    _not_before(on, grievance.acknowledged_on or grievance.received_on, "on", errors)
    resolution = (resolution or "").strip()
    if status == S.RESOLVED:
        if resolution_kind not in Grievance.Resolution.values:
            errors["resolution_kind"] = _("Say whether action was taken.")
        if not resolution:
            errors["resolution"] = (
                _("Say why it was closed without action.")
                if resolution_kind == Grievance.Resolution.NO_ACTION
                else _("Say how it was resolved.")
            )
    _raise(errors)
    before = snapshot(grievance, ["status", "acknowledged_on", "resolved_on", "resolution_kind"])
    grievance.status = status
    fields = ["status"]
    if status == S.ACKNOWLEDGED:
        grievance.acknowledged_on = on
        fields.append("acknowledged_on")
    else:
        grievance.resolved_on = on
        grievance.resolution_kind = resolution_kind
        grievance.resolution = resolution
        fields += ["resolved_on", "resolution_kind", "resolution"]
    save_versioned(grievance, expected_version=expected_version, fields=fields)
    changes = diff(
        before, snapshot(grievance, ["status", "acknowledged_on", "resolved_on", "resolution_kind"])
    )
    if resolution:
        changes["resolution"] = {"before": None, "after": resolution}
    audit_record(actor=actor, action="grievance.transition", target=grievance, changes=changes)
    return grievance
