"""Referrals and contacts on the household page, figures on the project page, and what is due
on the case worker's day."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Capability
from homeward.casework.common import SMALL_CELL, project_in_scope
from homeward.casework.contacts.access import may_read_grievances, scoped_grievances
from homeward.casework.contacts.models import (
    DUE_SOON_DAYS,
    Contact,
    Grievance,
    Referral,
    overdue_grievances,
    overdue_referrals,
)
from homeward.casework.contacts.selectors import counts_by, response_times
from homeward.casework.panels import AgendaItem, Panel
from homeward.core.scope import scoped

C = Capability

# The audit rows of this app that belong on a household's history: target type → the path
# from that record to its household; and how their actions read there.
HOUSEHOLD_HISTORY = {"contacts.referral": "household"}
HISTORY_ACTIONS = {
    "referral.create": gettext_lazy("Referred to another service"),
    "referral.update": gettext_lazy("Referral changed"),
    "referral.transition": gettext_lazy("Referral status changed"),
}


def household_panel(*, request, household) -> Panel | None:
    """The household's referrals and the information desk contacts linked to it. Grievances
    are left out: a complaint about a staff member must not show on the page that member
    opens every day."""
    actor = request.actor
    if not actor.can(C.VIEW_PERSONAL_DATA):
        return None
    referrals = list(
        scoped(
            Referral.objects.filter(household=household).select_related("person", "project"),
            actor,
            C.VIEW_PERSONAL_DATA,
        ).order_by("-sent_on", "-pk")
    )
    contacts = list(
        scoped(Contact.objects.filter(household=household), actor, C.RECORD_CONTACTS).order_by(
            "-received_at"
        )[:20]
    )
    may_refer = actor.can(C.RECORD_CASEWORK)
    if not referrals and not contacts and not may_refer:
        return None
    return Panel(
        template="contacts/panels/household.html",
        context={
            "household": household,
            "referrals": referrals,
            "overdue_count": sum(1 for referral in referrals if referral.overdue),
            "contacts": contacts,
            "may_refer": may_refer,
        },
    )


def _cell(count: int, exact: bool) -> int | None:
    """A count as people may see it: exact, or None (shown "fewer than 5") when small."""
    return count if exact or count == 0 or count >= SMALL_CELL else None


def _cells(rows, exact: bool):
    return [(label, _cell(count, exact)) for _value, label, count in rows]


def project_panel(*, request, project) -> Panel | None:
    actor = request.actor
    names = project_in_scope(actor, project, C.VIEW_PERSONAL_DATA)
    desk = project_in_scope(actor, project, C.RECORD_CONTACTS)
    figures = project_in_scope(actor, project, C.VIEW_AGGREGATES)
    if not (names or desk or figures):
        return None
    exact = names or desk
    today = timezone.localdate()
    context: dict = {"project": project, "exact": exact, "small_cell": SMALL_CELL}
    referrals = Referral.objects.filter(project=project)
    context["referrals"] = _cells(counts_by(referrals, "status"), exact)
    context["referrals_overdue"] = _cell(referrals.filter(overdue_referrals(today)).count(), exact)
    totals = {"referrals": referrals.count()}
    context["may_list_referrals"] = names
    contacts = Contact.objects.filter(project=project)
    totals["contacts"] = contacts.count()
    context["contacts_by_topic"] = _cells(counts_by(contacts, "topic"), exact)
    context["contacts_by_channel"] = _cells(counts_by(contacts, "channel"), exact)
    context["may_list_contacts"] = desk
    grievances = Grievance.objects.filter(project=project)
    totals["grievances"] = grievances.count()
    context["grievances_by_status"] = _cells(counts_by(grievances, "status"), exact)
    context["grievance_times"] = response_times(grievances)
    context["grievances_overdue"] = _cell(
        grievances.filter(overdue_grievances(today)).count(), exact
    )
    context["may_list_grievances"] = may_read_grievances(actor)
    context["empty"] = not any(totals.values())
    for name, total in totals.items():
        context[f"{name}_all"] = [(_("All"), _cell(total, exact))]
    return Panel(template="contacts/panels/project.html", context=context)


def agenda_items(*, actor, today: datetime.date) -> list[AgendaItem]:
    items: list[AgendaItem] = []
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    referrals = (
        scoped(Referral.objects.select_related("household"), actor, C.RECORD_CASEWORK)
        .exclude(status__in=Referral.CLOSED)
        .filter(follow_up_on__lte=soon)
    )
    for referral in referrals:
        items.append(
            AgendaItem(
                kind=_("Referral follow-up"),
                title=f"{referral.household.number} → {referral.receiver_name}",
                due_on=referral.follow_up_on,
                url=reverse("referral", args=[referral.pk]),
                detail=_("%(status)s since %(date)s")
                % {
                    "status": referral.get_status_display(),
                    "date": (referral.responded_on or referral.sent_on).strftime("%d.%m.%Y"),
                },
            )
        )
    contacts = scoped(
        Contact.objects.filter(follow_up_needed=True, followed_up_on__isnull=True),
        actor,
        C.RECORD_CONTACTS,
    )
    for contact in contacts:
        items.append(
            AgendaItem(
                kind=_("Follow-up of a contact"),
                title=f"{contact.get_topic_display()} · {contact.caller_label}",
                due_on=contact.follow_up_on,
                url=reverse("contact", args=[contact.pk]),
                detail=contact.question[:80],
            )
        )
    grievances = scoped_grievances(
        Grievance.objects.exclude(status=Grievance.Status.RESOLVED), actor
    )
    for grievance in grievances:
        acknowledge = grievance.status == Grievance.Status.RECEIVED
        items.append(
            AgendaItem(
                kind=_("Acknowledge a grievance") if acknowledge else _("Resolve a grievance"),
                title=f"{grievance.reference} · {grievance.get_category_display()}",
                due_on=grievance.acknowledge_by if acknowledge else grievance.resolve_by,
                url=reverse("grievance", args=[grievance.pk]),
                detail=grievance.get_channel_display(),
            )
        )
    return items
