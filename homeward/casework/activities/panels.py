"""What activities add to the project page, the household page and the case worker's day."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Capability
from homeward.casework.activities import selectors
from homeward.casework.common import SMALL_CELL, project_in_scope
from homeward.casework.panels import AgendaItem, Panel

# The audit rows of this app that belong on a household's history: target type → the path
# from that record to its household; and how their actions read there.
HOUSEHOLD_HISTORY = {"activities.participant": "person__household"}
HISTORY_ACTIONS = {
    "participant.enrol": gettext_lazy("Joined an activity"),
    "participant.complete": gettext_lazy("Completed an activity"),
}


def _shown(count: int, *, exact: bool):
    """A count as a donor may see it: small cells are suppressed."""
    if exact or count == 0 or count >= SMALL_CELL:
        return count
    return _("fewer than %(n)s") % {"n": SMALL_CELL}


def project_panel(*, request, project) -> Panel | None:
    actor = request.actor
    names = project_in_scope(actor, project, Capability.VIEW_PERSONAL_DATA)
    if not names and not project_in_scope(actor, project, Capability.VIEW_AGGREGATES):
        return None
    summary = selectors.project_summary(project)
    for line in summary:
        for name in ("participants", "completed", "others"):
            setattr(line, name, _shown(getattr(line, name), exact=names))
    return Panel(
        template="activities/includes/project_panel.html",
        context={
            "project": project,
            "summary": summary,
            "people_reached": selectors.people_reached(project),
            "can_open": names,
            "can_open_materials": project_in_scope(actor, project, Capability.VIEW_PROJECTS),
        },
    )


def household_panel(*, request, household) -> Panel | None:
    participations = selectors.household_activities(actor=request.actor, household=household)
    if not participations:
        return None
    return Panel(
        template="activities/includes/household_panel.html",
        context={"participations": participations},
    )


def agenda_items(*, actor, today) -> list[AgendaItem]:
    if not actor.can(Capability.RECORD_CASEWORK):
        return []
    items = []
    for session in selectors.sessions_due(actor=actor, today=today):
        if session.status == session.Status.HELD:
            kind = _("Attendance to record")
        elif session.date < today:
            kind = _("Session to mark as held or cancelled")
        else:
            kind = _("Planned session")
        items.append(
            AgendaItem(
                kind=kind,
                title=f"{session.activity.project.code} · {session.activity.title}",
                due_on=session.date,
                url=reverse("activity-session", args=[session.pk]),
                detail=session.topic or session.place,
            )
        )
    return items
