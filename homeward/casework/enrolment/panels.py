"""Enrolment on the household page, the project page and the case worker's day."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from homeward.accounts.roles import Capability
from homeward.casework.common import SMALL_CELL, project_in_scope
from homeward.casework.enrolment import selectors
from homeward.casework.enrolment.models import Enrolment
from homeward.casework.enrolment.views import enrol_form, enrolling_projects, transition_form
from homeward.casework.panels import AgendaItem, Panel
from homeward.programmes.models import Project

# The audit rows of this app that belong on a household's history: target type → the path
# from that record to its household; and how their actions read there.
HOUSEHOLD_HISTORY = {"enrolment.enrolment": "household"}
HISTORY_ACTIONS = {
    "enrolment.create": gettext_lazy("Enrolled in a project"),
    "enrolment.transition": gettext_lazy("Enrolment status changed"),
}


def household_panel(*, request, household) -> Panel | None:
    actor = request.actor
    if not actor.can(Capability.VIEW_PERSONAL_DATA):
        return None
    enrolments = list(
        selectors.enrolment_list(actor=actor, household=household).order_by("-enrolled_on", "pk")
    )
    rows = [
        {"enrolment": enrolment, "form": transition_form(actor, enrolment)}
        for enrolment in enrolments
    ]
    may_enrol = actor.can(Capability.RECORD_CASEWORK) and enrolling_projects(actor).exists()
    return Panel(
        template="enrolment/household_panel.html",
        context={
            "household": household,
            "rows": rows,
            "form": enrol_form(actor, household) if may_enrol else None,
        },
    )


def project_panel(*, request, project) -> Panel | None:
    actor = request.actor
    sees_people = project_in_scope(actor, project, Capability.VIEW_PERSONAL_DATA)
    if not (sees_people or project_in_scope(actor, project, Capability.VIEW_AGGREGATES)):
        return None
    counts = selectors.status_counts(project=project)
    labels = dict(Enrolment.Status.choices)
    list_url = reverse("project-enrolments", kwargs={"code": project.code})
    rows = []
    for status, total in counts.items():
        suppressed = not sees_people and 0 < total < SMALL_CELL
        rows.append(
            {
                "label": labels[status],
                "total": None if suppressed else total,
                "url": f"{list_url}?{urlencode({'status': status})}" if sees_people else "",
            }
        )
    return Panel(
        template="enrolment/project_panel.html",
        context={
            "rows": rows,
            "list_url": list_url if sees_people else "",
            "small_cell": SMALL_CELL,
            "total": sum(counts.values()),
            "suppressed": not sees_people,
        },
    )


def agenda_items(*, actor, today) -> list[AgendaItem]:
    """A decision waiting in every project where ``actor`` decides the selection."""
    scope = actor.scope(Capability.DECIDE_SELECTION)
    if scope.is_empty or not actor.can(Capability.VIEW_PERSONAL_DATA):
        return []
    projects = (
        Project.objects.all()
        if scope.is_global
        else Project.objects.filter(pk__in=scope.project_ids)
    )
    waiting = selectors.candidates_waiting(project_ids=projects.values("pk"))
    items = []
    for project in projects.filter(pk__in=waiting).order_by("code"):
        if not project_in_scope(actor, project, Capability.VIEW_PERSONAL_DATA):
            continue
        count = waiting[project.pk]
        url = reverse("project-enrolments", kwargs={"code": project.code})
        items.append(
            AgendaItem(
                kind=_("Selection decision"),
                title=f"{project.code} · {project.localised_title}",
                due_on=None,
                url=f"{url}?{urlencode({'status': Enrolment.Status.CANDIDATE})}",
                detail=ngettext(
                    "%(count)d candidate waiting for a decision",
                    "%(count)d candidates waiting for a decision",
                    count,
                )
                % {"count": count},
                is_approval=True,
            )
        )
    return items
