"""Enrolling households and people in projects and moving them through the selection."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.casework.common import (
    acting_organisation,
    check_transition,
    household_in_scope,
    project_in_scope,
    require_project,
)
from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.core.actors import Actor
from homeward.core.audit import audit_record
from homeward.core.concurrency import save_versioned
from homeward.core.errors import ValidationError
from homeward.core.services import service
from homeward.programmes.models import Project
from homeward.registry.models import Household, Person


def _require_visible(actor: Actor, household: Household) -> None:
    if not household_in_scope(actor, household):
        raise Http404


def _check_date(on: datetime.date, *, field: str, not_before: datetime.date | None = None):
    if on > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before is not None and on < not_before:
        raise ValidationError(
            {field: _("The date cannot be before %(date)s.") % {"date": not_before.isoformat()}}
        )


def _step(*, actor: Actor, enrolment: Enrolment, before: str, on, reason: str, context=None):
    EnrolmentStep.objects.create(
        enrolment=enrolment,
        from_status=before,
        to_status=enrolment.status,
        on=on,
        actor=actor.user,
        actor_label=actor.label,
        reason=reason,
        context=context or {},
    )


@service
def enrolment_create(
    *,
    actor: Actor,
    project: Project,
    household: Household | None = None,
    person: Person | None = None,
    organisation: Organisation | None = None,
    on: datetime.date | None = None,
    reason: str = "",
) -> Enrolment:
    """Enrol a household (or, with ``person``, one of its members) as a candidate."""
    if person is not None:
        if household is not None and person.household_id != household.pk:
            raise ValidationError({"person": _("This person is not a member of the household.")})
        household = person.household
    if household is None:
        raise ValidationError({"household": _("Choose a household.")})
    require_project(actor, project, Capability.RECORD_CASEWORK)
    _require_visible(actor, household)
    organisation = acting_organisation(actor, project, Capability.RECORD_CASEWORK, organisation)
    on = on or timezone.localdate()
    # Nobody is a candidate of a project that had not started yet.
    _check_date(on, field="on", not_before=project.start_date)
    existing = Enrolment.objects.filter(project=project, household=household, person=person)
    if existing.exists():
        raise ValidationError(
            {
                "person" if person else "household": _(
                    "Already enrolled in %(project)s (%(status)s)."
                )
                % {"project": project.code, "status": existing.get().get_status_display()}
            }
        )
    enrolment = Enrolment(
        project=project,
        household=household,
        person=person,
        organisation=organisation,
        status=Enrolment.Status.CANDIDATE,
        status_on=on,
        enrolled_on=on,
        enrolled_by=actor.user,
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as error:  # enrolled by somebody else a moment ago
        raise ValidationError(
            {"household": _("Already enrolled in %(project)s.") % {"project": project.code}}
        ) from error
    _step(actor=actor, enrolment=enrolment, before="", on=on, reason=reason)
    audit_record(
        actor=actor,
        action="enrolment.create",
        target=enrolment,
        changes={
            "project": {"before": None, "after": project.code},
            "household": {"before": None, "after": household.number},
            "person": {"before": None, "after": person.pk if person else None},
            "status": {"before": None, "after": enrolment.status},
        },
    )
    return enrolment


def may_decide(actor: Actor, enrolment: Enrolment, status: str) -> bool:
    """Whether ``actor`` may move ``enrolment`` to ``status``: selection decisions are the
    committee's and managers', the rest the case workers'."""
    capability = (
        Capability.DECIDE_SELECTION if status in Enrolment.DECISIONS else Capability.RECORD_CASEWORK
    )
    return project_in_scope(actor, enrolment.project, capability)


def next_statuses(actor: Actor, enrolment: Enrolment) -> list[str]:
    """The statuses ``enrolment`` may move to next, of those ``actor`` may decide."""
    return [
        status
        for status in Enrolment.TRANSITIONS.get(enrolment.status, ())
        if may_decide(actor, enrolment, status)
    ]


@service
def enrolment_transition(
    *,
    actor: Actor,
    enrolment: Enrolment,
    status: str,
    expected_version: int | None,
    on: datetime.date | None = None,
    reason: str = "",
    context: dict | None = None,
) -> Enrolment:
    """Move ``enrolment`` one step along its life cycle, with the date it took effect."""
    if not may_decide(actor, enrolment, status):
        raise Http404
    check_transition(enrolment, status)
    reason = (reason or "").strip()
    if status in Enrolment.NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    on = on or timezone.localdate()
    _check_date(on, field="on", not_before=enrolment.status_on)
    before = enrolment.status
    enrolment.status = status
    enrolment.status_on = on
    save_versioned(enrolment, expected_version=expected_version, fields=["status", "status_on"])
    _step(actor=actor, enrolment=enrolment, before=before, on=on, reason=reason, context=context)
    audit_record(
        actor=actor,
        action="enrolment.transition",
        target=enrolment,
        changes={
            "status": {"before": before, "after": status},
            "status_on": {"before": None, "after": on.isoformat()},
            "reason": {"before": None, "after": reason},
        },
    )
    return enrolment
