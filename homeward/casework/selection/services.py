"""Writing selection: new versions of the criteria, rankings, and the committee's decisions.

Who may do what:

* a new version of the criteria: the lead organisation's project managers and M&E officers
  (those who define the project, ``MANAGE_PROJECTS``);
* a ranking and the decisions on it: project managers and selection committee members
  (``DECIDE_SELECTION`` in the project). Case workers and M&E officers read the rankings.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.roles import Capability
from homeward.casework.common import project_in_scope, require_project
from homeward.casework.enrolment.models import Enrolment
from homeward.casework.enrolment.services import enrolment_transition
from homeward.casework.selection.facts import household_facts
from homeward.casework.selection.models import SelectionCandidate, SelectionCriteria, SelectionRun
from homeward.casework.selection.rules import clean_rules, holds, points_earned
from homeward.core.actors import Actor
from homeward.core.audit import audit_record
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.services import service
from homeward.programmes.models import Project
from homeward.programmes.services import can_manage_projects_of

# The enrolments a ranking looks at.
RANKED_STATUSES = (Enrolment.Status.CANDIDATE, Enrolment.Status.WAITLISTED)


def may_define_criteria(actor: Actor, project: Project) -> bool:
    return can_manage_projects_of(actor, project.lead_organisation)


def may_rank(actor: Actor, project: Project) -> bool:
    return project_in_scope(actor, project, Capability.DECIDE_SELECTION)


def current_criteria(project: Project) -> SelectionCriteria | None:
    return SelectionCriteria.objects.filter(project=project).order_by("-number").first()


@service
def selection_criteria_create(
    *,
    actor: Actor,
    project: Project,
    conditions: list,
    criteria: list,
    note: str = "",
    replaces: int | None,
) -> SelectionCriteria:
    """Save a new version of ``project``'s criteria; it becomes the current one.

    ``replaces`` is the number of the current version the author started from (None for the
    first): when somebody saved another version in between, the save is refused rather than
    silently replacing theirs.
    """
    if not may_define_criteria(actor, project):
        raise Http404
    conditions, criteria = clean_rules(conditions, criteria)
    # Locks the project's row: two versions saved at once get consecutive numbers or a refusal.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    current = current_criteria(project)
    current_number = current.number if current else None
    if replaces != current_number:
        raise ConflictError(
            _(
                "Somebody saved version %(number)s of the criteria after you opened them. "
                "Review it and save again."
            )
            % {"number": current_number},
            details={"your_version": replaces, "current_version": current_number},
        )
    version = SelectionCriteria(
        project=project,
        number=(current_number or 0) + 1,
        conditions=conditions,
        criteria=criteria,
        note=(note or "").strip(),
        created_by=actor.user,
        created_by_label=actor.label,
    )
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError as error:
        raise ConflictError(details={"current_version": current_number}) from error
    audit_record(
        actor=actor,
        action="selection_criteria.create",
        target=version,
        changes={
            "number": {"before": current_number, "after": version.number},
            "conditions": {"before": current.conditions if current else None, "after": conditions},
            "criteria": {"before": current.criteria if current else None, "after": criteria},
            "note": {"before": None, "after": version.note},
        },
    )
    return version


def _rank_key(row: SelectionCandidate):
    """Higher score first; on a tie, more members with a vulnerability, then the earlier
    enrolment, then the enrolment recorded first: the same list always ranks the same way."""
    return (-row.score, -row.vulnerable_members, row.enrolled_on, row.enrolment_id)


def score_candidates(
    *, criteria: SelectionCriteria, enrolments: list[Enrolment], on: datetime.date
) -> list[SelectionCandidate]:
    """Unsaved rows, ranked: eligible candidates first by rank, then the others."""
    keys = [rule["fact"] for rule in criteria.conditions] + [
        rule["fact"] for rule in criteria.criteria
    ]
    facts = household_facts([e.household_id for e in enrolments], keys, on=on)
    rows = []
    for enrolment in enrolments:
        values = facts.get(enrolment.household_id, {})
        conditions = []
        for condition in criteria.conditions:
            actual = values.get(condition["fact"])
            conditions.append({**condition, "actual": actual, "holds": holds(condition, actual)})
        scored = []
        total = Decimal(0)
        for criterion in criteria.criteria:
            actual = values.get(criterion["fact"])
            earned = points_earned(criterion, actual)
            total += earned
            scored.append({**criterion, "actual": actual, "earned": str(earned)})
        rows.append(
            SelectionCandidate(
                enrolment=enrolment,
                household_id=enrolment.household_id,
                status_then=enrolment.status,
                eligible=all(condition["holds"] for condition in conditions),
                score=total,
                conditions=conditions,
                criteria=scored,
                vulnerable_members=values.get("household.vulnerable_members") or 0,
                enrolled_on=enrolment.enrolled_on,
            )
        )
    eligible = sorted((row for row in rows if row.eligible), key=_rank_key)
    for rank, row in enumerate(eligible, start=1):
        row.rank = rank
    others = sorted((row for row in rows if not row.eligible), key=_rank_key)
    return eligible + others


def latest_run(project: Project) -> SelectionRun | None:
    return SelectionRun.objects.filter(project=project).order_by("-pk").first()


@service
def selection_run(
    *,
    actor: Actor,
    project: Project,
    criteria: SelectionCriteria | None = None,
    on: datetime.date | None = None,
) -> SelectionRun:
    """Rank every candidate of ``project`` (and those on its waiting list) under ``criteria``,
    by default the current version, and store the ranking with its explanations. Ages are
    counted on ``on``, by default today (a committee's meeting recorded afterwards)."""
    require_project(actor, project, Capability.DECIDE_SELECTION)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if criteria is None:
        criteria = current_criteria(project)
        if criteria is None:
            raise ValidationError(
                {"criteria": _("Define the selection criteria of the project first.")}
            )
    elif criteria.project_id != project.pk:
        raise ValidationError({"criteria": _("These criteria belong to another project.")})
    enrolments = list(
        Enrolment.objects.filter(project=project, status__in=RANKED_STATUSES).order_by("pk")
    )
    rows = score_candidates(criteria=criteria, enrolments=enrolments, on=on)
    run = SelectionRun.objects.create(
        project=project,
        criteria=criteria,
        previous=latest_run(project),
        ran_on=on,
        created_by=actor.user,
        created_by_label=actor.label,
        candidate_count=len(rows),
        eligible_count=sum(row.eligible for row in rows),
    )
    for row in rows:
        row.run = run
    SelectionCandidate.objects.bulk_create(rows, batch_size=500)
    audit_record(
        actor=actor,
        action="selection.run",
        target=run,
        changes={
            "criteria": {"before": None, "after": criteria.number},
            "candidates": {"before": None, "after": run.candidate_count},
            "eligible": {"before": None, "after": run.eligible_count},
        },
    )
    return run


@service
def selection_decide(
    *,
    actor: Actor,
    run: SelectionRun,
    enrolment_id,
    decision: str,
    reason: str = "",
    expected_version: int | None,
    on: datetime.date | None = None,
) -> SelectionCandidate:
    """The committee's decision on one candidate of the latest ranking: select, put on the
    waiting list or reject, with the reason. The enrolment's step records the ranking, the
    criteria's version, the rank and the score the decision rested on."""
    require_project(actor, run.project, Capability.DECIDE_SELECTION)
    if decision not in SelectionCandidate.Decision.values:
        raise ValidationError({"decision": _("Choose select, waiting list or reject.")})
    newest = latest_run(run.project)
    if newest is not None and newest.pk != run.pk:
        raise ValidationError(
            {
                "run": _("A newer ranking (#%(run)s) exists: decide on that one.")
                % {"run": newest.pk}
            }
        )
    try:
        row = (
            SelectionCandidate.objects.select_related("enrolment", "enrolment__project")
            .select_for_update(of=("self",))
            .get(run=run, enrolment_id=int(enrolment_id))
        )
    except (SelectionCandidate.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"enrolment": _("This candidate is not in this ranking.")}) from None
    if decision == SelectionCandidate.Decision.SELECTED and not row.eligible:
        raise ValidationError(
            {"decision": _("This candidate does not meet the eligibility conditions.")}
        )
    enrolment_transition(
        actor=actor,
        enrolment=row.enrolment,
        status=decision,
        expected_version=expected_version,
        on=on,
        reason=reason,
        context={
            "run": run.pk,
            "criteria_version": run.criteria.number,
            "rank": row.rank,
            "score": str(row.score),
        },
    )
    before = row.decision
    row.decision = decision
    row.decision_reason = (reason or "").strip()
    row.decided_at = timezone.now()
    row.decided_by_label = actor.label
    row.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by_label"])
    audit_record(
        actor=actor,
        action="selection.decide",
        target=row,
        target_label=f"{run.project.code} #{run.pk}: {row.household.number}",
        changes={
            "decision": {"before": before or None, "after": decision},
            "rank": {"before": None, "after": row.rank},
            "score": {"before": None, "after": str(row.score)},
        },
    )
    return row
