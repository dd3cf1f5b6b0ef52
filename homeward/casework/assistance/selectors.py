"""Reading assistance through the actor's data scope. Deliveries name households, so they are
read with the capability to see personal data; the catalogue names nobody."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from homeward.accounts.roles import Capability
from homeward.casework.assistance.models import (
    AssistanceType,
    Delivery,
    MonitoringPhoto,
    MonitoringVisit,
)
from homeward.casework.common import SMALL_CELL, project_in_scope
from homeward.core.scope import get_or_404, get_scoped_or_404, require, scoped
from homeward.programmes.models import Project


def assistance_type_list(*, actor, active_only: bool = False):
    require(actor, Capability.VIEW_PROJECTS)
    types = AssistanceType.objects.all()
    if active_only:
        types = types.filter(is_active=True)
    return types


def assistance_type_get(*, actor, code: str) -> AssistanceType:
    require(actor, Capability.VIEW_PROJECTS)
    return get_or_404(AssistanceType.objects.all(), code=code)


def _deliveries():
    return Delivery.objects.select_related(
        "project", "assistance_type", "household", "person", "organisation"
    )


def delivery_list(*, actor, project=None, status=None, household=None, assistance_type=None):
    deliveries = scoped(_deliveries(), actor, Capability.VIEW_PERSONAL_DATA)
    if project is not None:
        deliveries = deliveries.filter(project=project)
    if status:
        deliveries = deliveries.filter(status=status)
    if household is not None:
        deliveries = deliveries.filter(household=household)
    if assistance_type is not None:
        deliveries = deliveries.filter(assistance_type=assistance_type)
    return deliveries


def delivery_get(*, actor, pk) -> Delivery:
    return get_scoped_or_404(
        _deliveries().prefetch_related("items"), actor, Capability.VIEW_PERSONAL_DATA, pk=pk
    )


def project_for_deliveries(*, actor, code: str) -> Project:
    """A project whose deliveries ``actor`` may read: they name people."""
    return get_scoped_or_404(
        Project.objects.select_related("lead_organisation"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        code=code,
    )


def delivery_totals(deliveries) -> dict:
    """Planned against actual: the planned value of what is not cancelled, the actual value of
    what was handed over."""
    totals = deliveries.aggregate(
        count=Count("pk"),
        planned=Sum("planned_value", filter=~Q(status=Delivery.Status.CANCELLED)),
        actual=Sum("actual_value", filter=Q(status__in=Delivery.HANDED_OVER)),
    )
    return {
        "count": totals["count"],
        "planned": totals["planned"] or Decimal("0"),
        "actual": totals["actual"] or Decimal("0"),
    }


def project_summary(*, actor, project) -> dict | None:
    """Counts and values of ``project``'s deliveries by status and by type, for its page.

    Those who may read the deliveries see every cell; those who see only aggregates (donors)
    see cells of fewer than ``SMALL_CELL`` deliveries as suppressed. None: neither.
    """
    full = project_in_scope(actor, project, Capability.VIEW_PERSONAL_DATA)
    if not full and not project_in_scope(actor, project, Capability.VIEW_AGGREGATES):
        return None
    deliveries = Delivery.objects.filter(project=project)

    def rows(group_by):
        result = []
        for row in (
            deliveries.values(*group_by)
            .annotate(
                count=Count("pk"),
                planned=Sum("planned_value"),
                actual=Sum("actual_value", filter=Q(status__in=Delivery.HANDED_OVER)),
            )
            .order_by(*group_by)
        ):
            suppressed = not full and row["count"] < SMALL_CELL
            row["suppressed"] = suppressed
            if suppressed:
                row["count"] = row["planned"] = row["actual"] = None
            result.append(row)
        return result

    statuses = dict(Delivery.Status.choices)
    by_status = rows(["status"])
    for row in by_status:
        row["label"] = statuses.get(row["status"], row["status"])
    types = {
        assistance_type.pk: assistance_type for assistance_type in AssistanceType.objects.all()
    }
    by_type = rows(["assistance_type"])
    for row in by_type:
        row["label"] = types[row["assistance_type"]].localised_name
    total = delivery_totals(deliveries)
    if not full and total["count"] < SMALL_CELL:
        total = {"count": None, "planned": None, "actual": None}
    return {
        "project": project,
        "full": full,
        "by_status": by_status,
        "by_type": by_type,
        "total": total,
        "currency": project.currency,
    }


def monitoring_visit_list(
    *, actor, delivery=None, due_by: datetime.date | None = None, open_only=False
):
    visits = scoped(
        MonitoringVisit.objects.select_related(
            "delivery",
            "delivery__project",
            "delivery__household",
            "delivery__assistance_type",
            "delivery__organisation",
        ),
        actor,
        Capability.VIEW_PERSONAL_DATA,
    )
    if delivery is not None:
        visits = visits.filter(delivery=delivery)
    if open_only:
        visits = visits.filter(visited_on__isnull=True)
    if due_by is not None:
        visits = visits.filter(due_on__lte=due_by)
    return visits


def monitoring_visit_get(*, actor, pk) -> MonitoringVisit:
    return get_or_404(monitoring_visit_list(actor=actor).prefetch_related("photos"), pk=pk)


def monitoring_photo_get(*, actor, pk) -> MonitoringPhoto:
    return get_scoped_or_404(
        MonitoringPhoto.objects.select_related("visit__delivery"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        pk=pk,
    )


def visits_due(*, actor, today: datetime.date, within_days: int = 14):
    """Monitoring visits not yet made, due within ``within_days`` or overdue, in the projects
    where ``actor`` records casework."""
    visits = monitoring_visit_list(
        actor=actor, due_by=today + datetime.timedelta(days=within_days), open_only=True
    ).filter(delivery__status__in=Delivery.HANDED_OVER)
    scope = actor.scope(Capability.RECORD_CASEWORK)
    if scope.is_global:
        return visits
    return visits.filter(delivery__project__in=scope.project_ids)


def deliveries_waiting(*, actor):
    """Planned deliveries waiting for approval and handed-over ones waiting for verification,
    in the projects ``actor`` manages."""
    deliveries = delivery_list(actor=actor).filter(
        status__in=[Delivery.Status.PLANNED, Delivery.Status.DELIVERED]
    )
    if actor.user is not None:
        # Nobody verifies a handover they recorded themselves: it does not wait for them.
        deliveries = deliveries.exclude(status=Delivery.Status.DELIVERED, delivered_by=actor.user)
    scope = actor.scope(Capability.MANAGE_PROJECTS)
    if scope.is_global:
        return deliveries
    return deliveries.filter(project__in=scope.project_ids)


def project_for_deliveries_or_none(*, actor, code: str) -> Project | None:
    return scoped(Project.objects.filter(code=code), actor, Capability.VIEW_PERSONAL_DATA).first()
