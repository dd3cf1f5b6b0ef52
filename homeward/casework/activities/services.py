"""Every change to activities: planning them and their sessions, recording who attended,
completing participants, and recording information materials."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.casework.activities.models import (
    Activity,
    ActivityKind,
    Attendance,
    InformationMaterial,
    MaterialKind,
    MaterialLanguage,
    OtherParticipants,
    Participant,
    ParticipantCategory,
    Session,
)
from homeward.casework.common import acting_organisation, check_transition, require_project
from homeward.core.actors import Actor
from homeward.core.audit import audit_record, diff, snapshot
from homeward.core.concurrency import save_versioned, update_versioned
from homeward.core.errors import ValidationError
from homeward.core.scope import scoped
from homeward.core.services import NothingChanged, service
from homeward.geo.models import Area
from homeward.geo.selectors import MUNICIPALITY_KINDS
from homeward.programmes.models import Project
from homeward.registry.models import Person

ACTIVITY_FIELDS = [
    "kind",
    "title",
    "description",
    "municipality",
    "venue",
    "planned_start",
    "planned_end",
    "sessions_planned",
    "leads_to_certificate",
    "completion_share",
]
SESSION_FIELDS = ["date", "start_time", "place", "topic", "facilitator"]
MATERIAL_FIELDS = [
    "kind",
    "title",
    "languages",
    "quantity_produced",
    "quantity_distributed",
    "people_reached",
    "period_start",
    "period_end",
    "notes",
]


def _created(record, fields) -> dict:
    return diff({}, snapshot(record, fields))


def may_record(actor: Actor, project: Project) -> bool:
    """Whether ``actor`` may record activities of ``project``: the pages ask it to offer the
    forms, the services to refuse the change."""
    from homeward.casework.common import project_in_scope

    return project_in_scope(actor, project, Capability.RECORD_CASEWORK)


def _within_project(project: Project, day: datetime.date | None, field: str) -> dict:
    if day is None:
        return {}
    if day < project.start_date or day > project.end_date:
        return {
            field: _("The date must lie within the project, %(start)s to %(end)s.")
            % {"start": project.start_date.isoformat(), "end": project.end_date.isoformat()}
        }
    return {}


def _municipality_error(area) -> str | None:
    if area is not None and (not isinstance(area, Area) or area.kind not in MUNICIPALITY_KINDS):
        return _("Choose a municipality.")
    return None


def _clean_text(data: dict, names) -> None:
    for name in names:
        if name in data:
            data[name] = (data[name] or "").strip()


# --- activities ---------------------------------------------------------------------------


def _clean_activity(project: Project, data: dict) -> dict[str, str]:
    _clean_text(data, ("title", "description", "venue"))
    errors: dict[str, str] = {}
    if "title" in data and not data["title"]:
        errors["title"] = _("This field is required.")
    if "kind" in data and data["kind"] not in ActivityKind.values:
        errors["kind"] = _("Choose a kind of activity.")
    if message := _municipality_error(data.get("municipality")):
        errors["municipality"] = message
    for name in ("planned_start", "planned_end"):
        errors.update(_within_project(project, data.get(name), name))
    start, end = data.get("planned_start"), data.get("planned_end")
    if start and end and end < start:
        errors["planned_end"] = _("The end cannot be before the start.")
    share = data.get("completion_share")
    if share is not None and not 1 <= share <= 100:
        errors["completion_share"] = _("Give a share between 1 and 100 per cent.")
    planned = data.get("sessions_planned")
    if planned is not None and planned < 1:
        errors["sessions_planned"] = _("Plan at least one session.")
    return errors


@service
def activity_create(
    *,
    actor: Actor,
    project: Project,
    organisation: Organisation | None = None,
    **fields,
) -> Activity:
    """Plan an activity of ``project`` run by ``organisation`` (the actor's, by default)."""
    require_project(actor, project, Capability.RECORD_CASEWORK)
    organisation = acting_organisation(actor, project, Capability.RECORD_CASEWORK, organisation)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"activity_create() got unknown fields {sorted(unknown)}")
    data = {name: fields[name] for name in ACTIVITY_FIELDS if name in fields}
    data.setdefault("title", "")
    data.setdefault("kind", "")
    for name in ("planned_start", "planned_end"):
        if data.get(name) is None:
            data[name] = None
    errors = _clean_activity(project, data)
    for name in ("planned_start", "planned_end"):
        if data[name] is None:
            errors.setdefault(name, _("This field is required."))
    if errors:
        raise ValidationError(errors)
    activity = Activity(project=project, organisation=organisation, created_by=actor.user, **data)
    activity.full_clean()
    activity.save()
    audit_record(
        actor=actor,
        action="activity.create",
        target=activity,
        changes=_created(activity, ["project", "organisation", *ACTIVITY_FIELDS]),
    )
    return activity


@service
def activity_update(
    *, actor: Actor, activity: Activity, expected_version: int | None, **changes
) -> Activity:
    require_project(actor, activity.project, Capability.RECORD_CASEWORK)
    merged = {name: getattr(activity, name) for name in ACTIVITY_FIELDS} | changes
    errors = _clean_activity(activity.project, merged)
    if errors:
        raise ValidationError(errors)
    if (
        "leads_to_certificate" in changes
        and not changes["leads_to_certificate"]
        and activity.participants.exclude(certificate_number="").exists()
    ):
        raise ValidationError(
            {"leads_to_certificate": _("Certificates were already issued for this activity.")}
        )
    update_versioned(
        actor=actor,
        instance=activity,
        action="activity.update",
        changes={name: merged[name] for name in changes},
        editable=set(ACTIVITY_FIELDS),
        expected_version=expected_version,
    )
    return activity


# --- sessions -----------------------------------------------------------------------------


def _clean_session(activity: Activity, data: dict, status: str) -> dict[str, str]:
    _clean_text(data, ("place", "topic", "facilitator"))
    errors: dict[str, str] = {}
    if "date" in data:
        if data["date"] is None:
            errors["date"] = _("This field is required.")
        else:
            errors.update(_within_project(activity.project, data["date"], "date"))
            if status == Session.Status.HELD and data["date"] > timezone.localdate():
                errors.setdefault("date", _("A session that was held cannot be in the future."))
    return errors


@service
def session_create(
    *,
    actor: Actor,
    activity: Activity,
    date: datetime.date | None,
    start_time: datetime.time | None = None,
    place: str = "",
    topic: str = "",
    facilitator: str = "",
) -> Session:
    """Plan a session of ``activity`` on ``date``; it is marked held (or cancelled) later."""
    require_project(actor, activity.project, Capability.RECORD_CASEWORK)
    data = {
        "date": date,
        "start_time": start_time,
        "place": place,
        "topic": topic,
        "facilitator": facilitator,
    }
    errors = _clean_session(activity, data, Session.Status.PLANNED)
    if errors:
        raise ValidationError(errors)
    session = Session(activity=activity, status=Session.Status.PLANNED, **data)
    if not session.place:
        session.place = activity.venue
    session.full_clean()
    session.save()
    audit_record(
        actor=actor,
        action="session.create",
        target=session,
        changes=_created(session, ["activity", *SESSION_FIELDS, "status"]),
        organisation_id=activity.organisation_id,
    )
    return session


@service
def session_update(
    *, actor: Actor, session: Session, expected_version: int | None, **changes
) -> Session:
    require_project(actor, session.activity.project, Capability.RECORD_CASEWORK)
    merged = {name: getattr(session, name) for name in SESSION_FIELDS} | changes
    errors = _clean_session(session.activity, merged, session.status)
    if errors:
        raise ValidationError(errors)
    update_versioned(
        actor=actor,
        instance=session,
        action="session.update",
        changes={name: merged[name] for name in changes},
        editable=set(SESSION_FIELDS),
        expected_version=expected_version,
    )
    return session


@service
def session_transition(
    *,
    actor: Actor,
    session: Session,
    status: str,
    expected_version: int | None,
    reason: str = "",
) -> Session:
    """Mark a planned session as held (not before its day) or cancelled (with the reason)."""
    require_project(actor, session.activity.project, Capability.RECORD_CASEWORK)
    check_transition(session, status)
    reason = (reason or "").strip()
    if status == Session.Status.HELD and session.date > timezone.localdate():
        raise ValidationError(
            {
                "status": _(
                    "The session is on %(date)s: it can be marked as held on that day or after."
                )
                % {"date": session.date.isoformat()}
            }
        )
    if status == Session.Status.CANCELLED and not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    before = session.status
    session.status = status
    session.cancel_reason = reason if status == Session.Status.CANCELLED else ""
    save_versioned(session, expected_version=expected_version, fields=["status", "cancel_reason"])
    audit_record(
        actor=actor,
        action="session.transition",
        target=session,
        changes={
            "status": {"before": before, "after": status},
            **({"reason": {"before": None, "after": reason}} if reason else {}),
        },
        organisation_id=session.activity.organisation_id,
    )
    return session


# --- participants and attendance ----------------------------------------------------------


def _visible_person(actor: Actor, person) -> Person:
    """The person, if ``actor`` may see them; a person out of scope is not there (404)."""
    pk = person.pk if isinstance(person, Person) else person
    try:
        pk = int(pk)
    except (TypeError, ValueError) as malformed:
        raise Http404 from malformed
    visible = scoped(Person.objects.filter(pk=pk), actor, Capability.VIEW_PERSONAL_DATA).first()
    if visible is None:
        raise Http404
    return visible


def _enrol(actor: Actor, activity: Activity, person: Person, on: datetime.date) -> Participant:
    participant = Participant(
        activity=activity, person=person, enrolled_on=on, enrolled_by=actor.user
    )
    participant.save()
    audit_record(
        actor=actor,
        action="participant.enrol",
        target=participant,
        changes={
            "activity": {"before": None, "after": activity.pk},
            "person": {"before": None, "after": person.pk},
        },
        organisation_id=activity.organisation_id,
    )
    return participant


@service
def participant_enrol(
    *, actor: Actor, activity: Activity, person: Person, on: datetime.date | None = None
) -> Participant:
    """Enrol a registered person in ``activity`` (before its sessions, or as they come)."""
    require_project(actor, activity.project, Capability.RECORD_CASEWORK)
    person = _visible_person(actor, person)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if Participant.objects.filter(activity=activity, person=person).exists():
        raise ValidationError(
            {"person": _("%(name)s already takes part.") % {"name": person.full_name}}
        )
    try:
        with transaction.atomic():
            return _enrol(actor, activity, person, on)
    except IntegrityError as error:  # enrolled by somebody else a moment ago
        raise ValidationError(
            {"person": _("%(name)s already takes part.") % {"name": person.full_name}}
        ) from error


def _clean_others(others) -> tuple[list[dict], dict[str, str]]:
    """The counts of other participants as sent, cleaned; errors named ``others.<i>.<field>``."""
    cleaned, errors, seen = [], {}, set()
    for index, row in enumerate(others or ()):
        prefix = f"others.{index}."
        category = row.get("category") or ""
        organisation_name = " ".join((row.get("organisation_name") or "").split())
        if category not in ParticipantCategory.values:
            errors[f"{prefix}category"] = _("Choose a category.")
        counts = {}
        for name in ("women", "men"):
            value = row.get(name)
            if value in (None, ""):
                value = 0
            try:
                value = int(value)
            except (TypeError, ValueError):
                errors[f"{prefix}{name}"] = _("Give a whole number.")
                continue
            if value < 0:
                errors[f"{prefix}{name}"] = _("A count cannot be negative.")
            counts[name] = value
        key = (category, organisation_name.casefold())
        if key in seen:
            errors[f"{prefix}organisation_name"] = _(
                "This category and organisation are given twice."
            )
        seen.add(key)
        cleaned.append({"category": category, "organisation_name": organisation_name, **counts})
    return cleaned, errors


@service
def session_attendance_record(
    *,
    actor: Actor,
    session: Session,
    people=(),
    others=(),
) -> dict:
    """Record who attended a held session: registered ``people`` (Person records or ids),
    each once, and ``others`` counted by category and organisation, ``[{"category",
    "organisation_name", "women", "men"}]``, which replace any counts recorded before for the
    same category and organisation. A person who attends becomes a participant of the
    activity. All of it is saved, or nothing."""
    activity = session.activity
    require_project(actor, activity.project, Capability.RECORD_CASEWORK)
    today = timezone.localdate()
    if session.status != Session.Status.HELD or session.date > today:
        if session.date > today:
            message = _(
                "The session is on %(date)s: attendance can be recorded once it has taken place."
            ) % {"date": session.date.isoformat()}
        else:
            message = _("Mark the session as held before recording its attendance.")
        raise ValidationError({"session": message})
    visible = [_visible_person(actor, person) for person in people or ()]
    errors: dict[str, str] = {}
    seen: set[int] = set()
    already = set(
        Attendance.objects.filter(session=session, person__in=visible).values_list(
            "person_id", flat=True
        )
    )
    for index, person in enumerate(visible):
        if person.pk in seen or person.pk in already:
            errors[f"people.{index}"] = _("%(name)s is already recorded at this session.") % {
                "name": person.full_name
            }
        seen.add(person.pk)
    cleaned, other_errors = _clean_others(others)
    errors.update(other_errors)
    if errors:
        raise ValidationError(errors)
    if not visible and not cleaned:
        raise ValidationError({"people": _("Choose who attended, or give the other participants.")})

    participants = {
        participant.person_id: participant
        for participant in Participant.objects.filter(activity=activity, person__in=visible)
    }
    recorded = []
    for person in visible:
        if person.pk not in participants:
            participants[person.pk] = _enrol(actor, activity, person, session.date)
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    session=session, person=person, recorded_by=actor.user
                )
        except IntegrityError as error:  # recorded by somebody else a moment ago
            raise ValidationError(
                {
                    "people": _("%(name)s is already recorded at this session.")
                    % {"name": person.full_name}
                }
            ) from error
        recorded.append(attendance)
    counts, counts_changed = [], False
    for row in cleaned:
        # Python's casefold, not the database's: SQLite folds ASCII letters only (Ž ≠ ž).
        existing = next(
            (
                count
                for count in OtherParticipants.objects.filter(
                    session=session, category=row["category"]
                )
                if count.organisation_name.casefold() == row["organisation_name"].casefold()
            ),
            None,
        )
        before = {"women": existing.women, "men": existing.men} if existing else {}
        if existing is None:
            if row["women"] + row["men"] == 0:
                continue
            existing = OtherParticipants(session=session, **row)
        else:
            existing.women, existing.men = row["women"], row["men"]
        existing.save()
        counts.append(existing)
        changes = diff(before, {"women": existing.women, "men": existing.men})
        if changes:
            counts_changed = True
            audit_record(
                actor=actor,
                action="session.other_participants",
                target=existing,
                changes={
                    "category": {"before": None, "after": row["category"]},
                    "organisation_name": {"before": None, "after": row["organisation_name"]},
                    **changes,
                },
                organisation_id=activity.organisation_id,
            )
    if recorded:
        audit_record(
            actor=actor,
            action="session.attendance",
            target=session,
            changes={"people": {"before": None, "after": [a.person_id for a in recorded]}},
            organisation_id=activity.organisation_id,
        )
    if not recorded and not counts_changed:
        raise NothingChanged({"attendances": [], "other_participants": counts})
    return {"attendances": recorded, "other_participants": counts}


@service
def attendance_remove(*, actor: Actor, attendance: Attendance) -> None:
    """Strike a person recorded at a session by mistake. A participant who completed the
    activity keeps the completion: undoing it is a decision of its own."""
    session = attendance.session
    require_project(actor, session.activity.project, Capability.RECORD_CASEWORK)
    audit_record(
        actor=actor,
        action="session.attendance_remove",
        target=session,
        changes={"people": {"before": [attendance.person_id], "after": None}},
        organisation_id=session.activity.organisation_id,
    )
    attendance.delete()


def attendance_share(participant: Participant) -> tuple[int, int]:
    """(sessions attended, sessions counted): the sessions counted are the ones planned, or
    those held when more were held. Cancelled sessions stay counted, as planned."""
    activity = participant.activity
    held = activity.sessions.filter(status=Session.Status.HELD).count()
    attended = Attendance.objects.filter(
        session__activity=activity,
        session__status=Session.Status.HELD,
        person_id=participant.person_id,
    ).count()
    return attended, max(activity.sessions_planned, held)


def meets_rule(participant: Participant, share: tuple[int, int] | None = None) -> bool:
    """``share``: the participant's (attended, counted) when a list already counted it."""
    attended, counted = share if share is not None else attendance_share(participant)
    return counted > 0 and attended * 100 >= participant.activity.completion_share * counted


def _next_certificate_number(activity: Activity) -> str:
    prefix = f"{activity.project.code.upper()}-{activity.code}-"
    taken = set(
        Participant.objects.filter(
            activity=activity, certificate_number__startswith=prefix
        ).values_list("certificate_number", flat=True)
    )
    number = len(taken) + 1
    while f"{prefix}{number:04d}" in taken:
        number += 1
    return f"{prefix}{number:04d}"


@service
def participant_complete(
    *,
    actor: Actor,
    participant: Participant,
    expected_version: int | None,
    completed_on: datetime.date | None = None,
    certificate_number: str = "",
    override_reason: str = "",
) -> Participant:
    """Record that ``participant`` completed the activity: only if their attendance meets
    its rule, or with the reason for an exception. An activity that leads to a certificate
    gives its number (``<PROJECT>-A<activity>-0001`` unless one is given)."""
    activity = participant.activity
    require_project(actor, activity.project, Capability.RECORD_CASEWORK)
    _visible_person(actor, participant.person)
    if participant.is_completed:
        raise ValidationError({"completed_on": _("Already recorded as completed.")})
    override_reason = (override_reason or "").strip()
    certificate_number = (certificate_number or "").strip()
    completed_on = completed_on or timezone.localdate()
    errors: dict[str, str] = {}
    if completed_on > timezone.localdate():
        errors["completed_on"] = _("The date cannot be in the future.")
    first_attended = (
        Attendance.objects.filter(session__activity=activity, person_id=participant.person_id)
        .order_by("session__date")
        .values_list("session__date", flat=True)
        .first()
    )
    if first_attended and completed_on < first_attended:
        errors["completed_on"] = _(
            "The date cannot be before the first session attended, %(date)s."
        ) % {"date": first_attended.isoformat()}
    if not meets_rule(participant) and not override_reason:
        attended, counted = attendance_share(participant)
        errors["override_reason"] = _(
            "Attended %(attended)s of %(counted)s sessions; the activity asks for at least "
            "%(share)s%%. Give the reason to record the completion anyway."
        ) % {"attended": attended, "counted": counted, "share": activity.completion_share}
    if certificate_number and not activity.leads_to_certificate:
        errors["certificate_number"] = _("This activity does not lead to a certificate.")
    elif (
        certificate_number
        and Participant.objects.filter(
            activity=activity, certificate_number=certificate_number
        ).exists()
    ):
        errors["certificate_number"] = _("This certificate number is already given.")
    if errors:
        raise ValidationError(errors)
    if activity.leads_to_certificate and not certificate_number:
        certificate_number = _next_certificate_number(activity)
    participant.completed_on = completed_on
    participant.certificate_number = certificate_number
    participant.completion_override_reason = override_reason if not meets_rule(participant) else ""
    try:
        with transaction.atomic():
            save_versioned(
                participant,
                expected_version=expected_version,
                fields=["completed_on", "certificate_number", "completion_override_reason"],
            )
    except IntegrityError as error:
        raise ValidationError(
            {"certificate_number": _("This certificate number is already given.")}
        ) from error
    audit_record(
        actor=actor,
        action="participant.complete",
        target=participant,
        changes=_created(
            participant, ["completed_on", "certificate_number", "completion_override_reason"]
        ),
        organisation_id=activity.organisation_id,
    )
    return participant


# --- information materials ----------------------------------------------------------------


def _clean_material(project: Project, data: dict) -> dict[str, str]:
    _clean_text(data, ("title", "notes"))
    errors: dict[str, str] = {}
    if "title" in data and not data["title"]:
        errors["title"] = _("This field is required.")
    if "kind" in data and data["kind"] not in MaterialKind.values:
        errors["kind"] = _("Choose a kind of material.")
    languages = data.get("languages")
    if languages is not None:
        if not isinstance(languages, list | tuple) or any(
            code not in MaterialLanguage.values for code in languages
        ):
            errors["languages"] = _("Choose languages from the list.")
        else:
            data["languages"] = list(dict.fromkeys(languages))
    for name in ("quantity_produced", "quantity_distributed", "people_reached"):
        value = data.get(name)
        if value is not None and value < 0:
            errors[name] = _("A count cannot be negative.")
    produced, distributed = data.get("quantity_produced"), data.get("quantity_distributed")
    if (
        produced is not None
        and distributed is not None
        and "quantity_distributed" not in errors
        and distributed > produced
    ):
        errors["quantity_distributed"] = _("More cannot be distributed than were produced.")
    if "period_start" in data and data["period_start"] is None:
        errors["period_start"] = _("This field is required.")
    for name in ("period_start", "period_end"):
        errors.update(_within_project(project, data.get(name), name))
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end < start:
        errors["period_end"] = _("The end cannot be before the start.")
    return errors


def _clean_municipalities(municipalities) -> tuple[list[Area], str | None]:
    areas = list(municipalities or ())
    if any(_municipality_error(area) for area in areas):
        return areas, _("Choose municipalities.")
    return areas, None


@service
def material_create(
    *,
    actor: Actor,
    project: Project,
    organisation: Organisation | None = None,
    municipalities=(),
    **fields,
) -> InformationMaterial:
    """Record an information material or campaign of ``project``."""
    require_project(actor, project, Capability.RECORD_CASEWORK)
    organisation = acting_organisation(actor, project, Capability.RECORD_CASEWORK, organisation)
    unknown = set(fields) - set(MATERIAL_FIELDS)
    if unknown:
        raise TypeError(f"material_create() got unknown fields {sorted(unknown)}")
    data = {name: fields.get(name) for name in MATERIAL_FIELDS}
    data["title"] = data["title"] or ""
    data["kind"] = data["kind"] or ""
    data["notes"] = data["notes"] or ""
    data["languages"] = data["languages"] or []
    errors = _clean_material(project, data)
    areas, message = _clean_municipalities(municipalities)
    if message:
        errors["municipalities"] = message
    if errors:
        raise ValidationError(errors)
    material = InformationMaterial(
        project=project, organisation=organisation, created_by=actor.user, **data
    )
    material.full_clean()
    material.save()
    material.municipalities.set(areas)
    changes = _created(material, ["project", "organisation", *MATERIAL_FIELDS])
    if areas:
        changes["municipalities"] = {"before": None, "after": sorted(a.code for a in areas)}
    audit_record(actor=actor, action="material.create", target=material, changes=changes)
    return material


@service
def material_update(
    *,
    actor: Actor,
    material: InformationMaterial,
    expected_version: int | None,
    municipalities=None,
    **changes,
) -> InformationMaterial:
    require_project(actor, material.project, Capability.RECORD_CASEWORK)
    merged = {name: getattr(material, name) for name in MATERIAL_FIELDS} | changes
    errors = _clean_material(material.project, merged)
    areas = None
    if municipalities is not None:
        areas, message = _clean_municipalities(municipalities)
        if message:
            errors["municipalities"] = message
    if errors:
        raise ValidationError(errors)
    before_areas = sorted(material.municipalities.values_list("code", flat=True))
    area_change = {}
    if areas is not None and sorted(a.code for a in areas) != before_areas:
        area_change = {
            "municipalities": {"before": before_areas, "after": sorted(a.code for a in areas)}
        }
    try:
        update_versioned(
            actor=actor,
            instance=material,
            action="material.update",
            changes={name: merged[name] for name in changes},
            editable=set(MATERIAL_FIELDS),
            expected_version=expected_version,
        )
    except NothingChanged:
        if not area_change:
            raise
        save_versioned(material, expected_version=expected_version, fields=[])
    if area_change:
        material.municipalities.set(areas)
        audit_record(actor=actor, action="material.update", target=material, changes=area_change)
    return material
