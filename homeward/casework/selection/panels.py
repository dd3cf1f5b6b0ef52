"""Selection on the project page, and the committee's pending decisions on "My day"."""

from __future__ import annotations

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from homeward.accounts.roles import Capability
from homeward.casework.enrolment.models import Enrolment
from homeward.casework.panels import AgendaItem, Panel
from homeward.casework.selection import selectors
from homeward.casework.selection.models import SelectionCandidate, SelectionRun
from homeward.casework.selection.services import (
    current_criteria,
    latest_run,
    may_define_criteria,
)

# The audit rows of this app that belong on a household's history: target type → the path
# from that record to its household; and how their actions read there.
HOUSEHOLD_HISTORY = {"selection.selectioncandidate": "enrolment__household"}
HISTORY_ACTIONS = {
    "selection.decide": gettext_lazy("Selection committee decided"),
}


def _latest_run_ids(scope) -> list[int]:
    runs = SelectionRun.objects.all()
    if not scope.is_global:
        runs = runs.filter(project_id__in=scope.project_ids)
    return [row["latest"] for row in runs.values("project").annotate(latest=Max("pk"))]


def household_panel(*, request, household) -> Panel | None:
    """Where the household stands in the latest ranking of each project it is a candidate of."""
    scope = request.actor.scope(Capability.VIEW_PERSONAL_DATA)
    if scope.is_empty:
        return None
    latest_ids = _latest_run_ids(scope)
    if not latest_ids:
        return None
    rows = list(
        SelectionCandidate.objects.filter(household=household, run_id__in=latest_ids)
        .select_related("run__project", "run__criteria", "enrolment__person")
        .order_by("run__project__code", "enrolment_id")
    )
    if not rows:
        return None
    selectors.explain(rows)
    return Panel(template="selection/includes/household_panel.html", context={"rows": rows})


def project_panel(*, request, project) -> Panel | None:
    """The current criteria, which name no one, for whoever sees the project; the rankings
    for those who may see personal data in it."""
    actor = request.actor
    current = current_criteria(project)
    can_define = may_define_criteria(actor, project)
    can_read_rankings = selectors.may_read_rankings(actor, project)
    if current is None and not (can_define or can_read_rankings):
        return None
    run = latest_run(project) if can_read_rankings else None
    return Panel(
        template="selection/includes/project_panel.html",
        context={
            "project": project,
            "current": current,
            "conditions": selectors.rule_lines(current.conditions) if current else [],
            "criteria": selectors.rule_lines(current.criteria) if current else [],
            "can_define": can_define,
            "can_read_rankings": can_read_rankings,
            "run": run,
        },
    )


def agenda_items(*, actor, today) -> list[AgendaItem]:
    """Each project's latest ranking with eligible candidates still waiting for a decision,
    for those who decide."""
    scope = actor.scope(Capability.DECIDE_SELECTION)
    if scope.is_empty:
        return []
    latest_ids = _latest_run_ids(scope)
    if not latest_ids:
        return []
    waiting = (
        SelectionCandidate.objects.filter(
            run_id__in=latest_ids,
            eligible=True,
            decision="",
            enrolment__status=Enrolment.Status.CANDIDATE,
        )
        .values("run_id")
        .annotate(count=Count("pk"))
    )
    counts = {row["run_id"]: row["count"] for row in waiting}
    items = []
    for run in SelectionRun.objects.filter(pk__in=counts).select_related("project"):
        items.append(
            AgendaItem(
                kind=_("Selection decisions"),
                title=f"{run.project.code} · #{run.pk}",
                due_on=None,
                url=reverse("selection-run", kwargs={"pk": run.pk}),
                detail=ngettext(
                    "%(count)s eligible candidate awaits a decision.",
                    "%(count)s eligible candidates await a decision.",
                    counts[run.pk],
                )
                % {"count": counts[run.pk]},
                is_approval=True,
            )
        )
    return items
