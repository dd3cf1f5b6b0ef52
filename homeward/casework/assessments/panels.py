"""The household page's section on assessments: what was assessed, and the durable solutions
profile with how each criterion moved since the assessment before."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Capability
from homeward.casework.assessments import selectors
from homeward.casework.assessments.services import may_record
from homeward.casework.common import SMALL_CELL, project_in_scope
from homeward.casework.panels import Panel

# The audit rows of this app that belong on a household's history: target type → the path
# from that record to its household; and how their actions read there.
HOUSEHOLD_HISTORY = {"assessments.assessment": "household"}
HISTORY_ACTIONS = {
    "assessment.record": gettext_lazy("Assessment recorded"),
    "assessment.update": gettext_lazy("Assessment corrected"),
}


def household_panel(*, request, household) -> Panel | None:
    actor = request.actor
    if not actor.can(Capability.VIEW_PERSONAL_DATA):
        return None
    can_record = actor.can(Capability.RECORD_CASEWORK) and may_record(actor, household)
    return Panel(
        template="assessments/includes/household_panel.html",
        context={
            "household": household,
            "assessments": list(selectors.assessment_list(actor=actor, household=household)),
            "profile": selectors.durable_solutions_profile(actor=actor, household=household),
            "templates": list(selectors.active_templates()) if can_record else [],
            "can_record": can_record,
        },
    )


def project_panel(*, request, project) -> Panel | None:
    """Aggregates only, small numbers suppressed: the project page is also the donor's."""
    actor = request.actor
    if not (
        project_in_scope(actor, project, Capability.VIEW_AGGREGATES)
        or project_in_scope(actor, project, Capability.VIEW_PERSONAL_DATA)
    ):
        return None
    summary = selectors.project_assessments(project=project)
    if not summary.assessed:
        return None
    return Panel(
        template="assessments/includes/project_panel.html",
        context={"project": project, "summary": summary, "small_cell": SMALL_CELL},
    )
