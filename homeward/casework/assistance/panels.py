"""Assistance on the household page, the project page and the case worker's day."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Capability
from homeward.casework.assistance import selectors
from homeward.casework.assistance.models import Delivery
from homeward.casework.common import project_in_scope
from homeward.casework.enrolment.models import Enrolment
from homeward.casework.panels import AgendaItem, Panel

# The audit rows of this app that belong on a household's history: target type → the path
# from that record to its household; and how their actions read there.
HOUSEHOLD_HISTORY = {
    "assistance.delivery": "household",
    "assistance.monitoringvisit": "delivery__household",
}
HISTORY_ACTIONS = {
    "delivery.plan": gettext_lazy("Assistance planned"),
    "delivery.update": gettext_lazy("Planned assistance changed"),
    "delivery.approve": gettext_lazy("Assistance approved"),
    "delivery.deliver": gettext_lazy("Assistance handed over"),
    "delivery.verify": gettext_lazy("Handover verified"),
    "delivery.cancel": gettext_lazy("Assistance cancelled"),
    "monitoring_visit.record": gettext_lazy("Monitoring visit recorded"),
}


def household_panel(*, request, household) -> Panel | None:
    actor = request.actor
    if not actor.can(Capability.VIEW_PERSONAL_DATA):
        return None
    deliveries = list(
        selectors.delivery_list(actor=actor, household=household).order_by(
            "project__code", "-created_at"
        )
    )
    # Where the household is a beneficiary and the actor records casework, a delivery can be
    # planned from here.
    plan_in = [
        enrolment.project
        for enrolment in Enrolment.objects.filter(
            household=household, status__in=Enrolment.BENEFICIARY
        )
        .select_related("project")
        .order_by("project__code")
        if project_in_scope(actor, enrolment.project, Capability.RECORD_CASEWORK)
    ]
    plan_in = list({project.pk: project for project in plan_in}.values())
    if not deliveries and not plan_in:
        return None
    return Panel(
        template="assistance/includes/household_panel.html",
        context={"household": household, "deliveries": deliveries, "plan_in": plan_in},
    )


def project_panel(*, request, project) -> Panel | None:
    summary = selectors.project_summary(actor=request.actor, project=project)
    if summary is None:
        return None
    return Panel(template="assistance/includes/project_panel.html", context=summary)


def agenda_items(*, actor, today: datetime.date) -> list[AgendaItem]:
    items = []
    for visit in selectors.visits_due(actor=actor, today=today):
        delivery = visit.delivery
        items.append(
            AgendaItem(
                kind=_("Grant monitoring visit"),
                title=f"{delivery.household.number} · {delivery.assistance_type.localised_name}",
                due_on=visit.due_on,
                url=reverse("monitoring-visit", args=[visit.pk]),
                detail=_("%(months)s months after the handover · %(project)s")
                % {"months": visit.months_after, "project": delivery.project.code},
            )
        )
    for delivery in selectors.deliveries_waiting(actor=actor):
        planned = delivery.status == Delivery.Status.PLANNED
        items.append(
            AgendaItem(
                kind=_("Approve the delivery") if planned else _("Verify the handover"),
                title=f"{delivery.household.number} · {delivery.assistance_type.localised_name}",
                # A plan whose date passed unapproved is late; a handover waits for its
                # verification without a date.
                due_on=delivery.planned_on if planned else None,
                url=reverse("delivery", args=[delivery.pk]),
                detail=delivery.project.code,
                is_approval=True,
            )
        )
    return items
