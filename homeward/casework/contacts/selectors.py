"""Reading referrals, contacts and grievances through the actor's scope, and their figures."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from homeward.accounts.roles import Capability
from homeward.casework.contacts.access import scoped_grievances
from homeward.casework.contacts.models import (
    Contact,
    Grievance,
    Referral,
    overdue_grievances,
    overdue_referrals,
)
from homeward.core.scope import get_or_404, get_scoped_or_404, scoped

C = Capability


def _referrals():
    return Referral.objects.select_related(
        "household", "person", "project", "organisation", "consent", "consent_taken_by"
    )


def referral_list(
    *,
    actor,
    status: str = "",
    overdue: bool = False,
    project=None,
    household=None,
    today: datetime.date,
) -> QuerySet:
    referrals = scoped(_referrals(), actor, C.VIEW_PERSONAL_DATA)
    if status:
        referrals = referrals.filter(status=status)
    if overdue:
        referrals = referrals.filter(overdue_referrals(today))
    if project is not None:
        referrals = referrals.filter(project=project)
    if household is not None:
        referrals = referrals.filter(household=household)
    return referrals


def referral_get(*, actor, pk) -> Referral:
    return get_scoped_or_404(_referrals(), actor, C.VIEW_PERSONAL_DATA, pk=pk)


def _contacts():
    return Contact.objects.select_related("organisation", "project", "household", "recorded_by")


def contact_list(
    *,
    actor,
    topic: str = "",
    channel: str = "",
    project=None,
    follow_up: bool = False,
    household=None,
) -> QuerySet:
    contacts = scoped(_contacts(), actor, C.RECORD_CONTACTS)
    if topic:
        contacts = contacts.filter(topic=topic)
    if channel:
        contacts = contacts.filter(channel=channel)
    if project is not None:
        contacts = contacts.filter(project=project)
    if follow_up:
        contacts = contacts.filter(follow_up_needed=True, followed_up_on__isnull=True)
    if household is not None:
        contacts = contacts.filter(household=household)
    return contacts


def contact_get(*, actor, pk) -> Contact:
    return get_scoped_or_404(_contacts(), actor, C.RECORD_CONTACTS, pk=pk)


def _grievances():
    return Grievance.objects.select_related("organisation", "project", "household", "recorded_by")


def grievance_list(
    *,
    actor,
    status: str = "",
    category: str = "",
    project=None,
    overdue: bool = False,
    today: datetime.date,
) -> QuerySet:
    grievances = scoped_grievances(_grievances(), actor)
    if status:
        grievances = grievances.filter(status=status)
    if category:
        grievances = grievances.filter(category=category)
    if project is not None:
        grievances = grievances.filter(project=project)
    if overdue:
        grievances = grievances.filter(overdue_grievances(today))
    return grievances


def grievance_get(*, actor, pk) -> Grievance:
    return get_or_404(scoped_grievances(_grievances(), actor), pk=pk)


@dataclass
class ResponseTimes:
    """Days from receipt to acknowledgement and to resolution, over grievances that got there."""

    acknowledged: int
    average_to_acknowledge: float | None
    median_to_acknowledge: float | None
    resolved: int
    average_to_resolve: float | None
    median_to_resolve: float | None


def _average(days: list[int]) -> float | None:
    return round(statistics.fmean(days), 1) if days else None


def _median(days: list[int]) -> float | None:
    return statistics.median(days) if days else None


def response_times(grievances: QuerySet) -> ResponseTimes:
    rows = list(grievances.values_list("received_on", "acknowledged_on", "resolved_on"))
    to_acknowledge = [(ack - received).days for received, ack, _resolved in rows if ack]
    to_resolve = [(resolved - received).days for received, _ack, resolved in rows if resolved]
    return ResponseTimes(
        acknowledged=len(to_acknowledge),
        average_to_acknowledge=_average(to_acknowledge),
        median_to_acknowledge=_median(to_acknowledge),
        resolved=len(to_resolve),
        average_to_resolve=_average(to_resolve),
        median_to_resolve=_median(to_resolve),
    )


def counts_by(queryset: QuerySet, field: str) -> list[tuple[str, str, int]]:
    """``(value, label, count)`` for every value of ``field`` present, in the choices' order."""
    counts = dict(
        queryset.order_by()
        .values_list(field)
        .annotate(total=Count("pk"))
        .values_list(field, "total")
    )
    return [
        (value, str(label), counts[value])
        for value, label in queryset.model._meta.get_field(field).flatchoices
        if counts.get(value)
    ]
