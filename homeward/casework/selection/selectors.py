"""Reading selection through the actor's scope.

Criteria name no one: whoever sees the project sees how its beneficiaries are chosen (a donor
too). Rankings name households: they need the capability to see personal data in the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from homeward.accounts.roles import Capability
from homeward.casework.common import project_in_scope
from homeward.casework.selection.facts import fact_for, remembered_facts
from homeward.casework.selection.models import SelectionCandidate, SelectionCriteria, SelectionRun
from homeward.casework.selection.rules import describe, signature
from homeward.core.scope import get_scoped_or_404, scoped


def criteria_list(*, actor, project=None):
    versions = scoped(
        SelectionCriteria.objects.select_related("project"), actor, Capability.VIEW_PROJECTS
    )
    if project is not None:
        versions = versions.filter(project=project)
    latest = SelectionCriteria.objects.filter(project=OuterRef("project")).order_by("-number")
    return versions.annotate(latest_number=Subquery(latest.values("number")[:1])).order_by(
        "project__code", "-number"
    )


def criteria_get(*, actor, project, number) -> SelectionCriteria:
    return get_scoped_or_404(
        SelectionCriteria.objects.select_related("project"),
        actor,
        Capability.VIEW_PROJECTS,
        project=project,
        number=number,
    )


def criteria_get_by_id(*, actor, pk) -> SelectionCriteria:
    return get_scoped_or_404(
        SelectionCriteria.objects.select_related("project"),
        actor,
        Capability.VIEW_PROJECTS,
        pk=pk,
    )


def may_read_rankings(actor, project) -> bool:
    return project_in_scope(actor, project, Capability.VIEW_PERSONAL_DATA)


def run_list(*, actor, project=None):
    runs = scoped(
        SelectionRun.objects.select_related("project", "criteria"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
    )
    if project is not None:
        runs = runs.filter(project=project)
    return runs.order_by("-created_at", "-pk")


def run_get(*, actor, pk) -> SelectionRun:
    return get_scoped_or_404(
        SelectionRun.objects.select_related("project", "criteria", "previous"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        pk=pk,
    )


def ranked_rows(run: SelectionRun) -> list[SelectionCandidate]:
    rows = list(
        SelectionCandidate.objects.filter(run=run).select_related(
            "household", "enrolment", "enrolment__person"
        )
    )
    return sorted(rows, key=lambda row: (not row.eligible, row.rank or 0, row.household.number))


def require_rankings(actor, project) -> None:
    if not may_read_rankings(actor, project):
        raise Http404


# What the pages show of a row's explanation.


@dataclass
class Line:
    text: str
    actual: str
    holds: bool
    earned: Decimal | None = None
    fact: str = ""


def _places(rules) -> dict[str, str]:
    """Names of every place ``rules`` mention, in one query."""
    from homeward.geo.models import Area

    codes = set()
    for rule in rules:
        fact = fact_for(rule["fact"])
        if fact is not None and fact.type == "municipality":
            for value in (rule.get("actual"), rule.get("value")):
                if isinstance(value, list):
                    codes.update(value)
                elif value:
                    codes.add(value)
    if not codes:
        return {}
    return {
        area.code: area.full_name
        for area in Area.objects.filter(code__in=codes).select_related("parent")
    }


def _show(fact, value, places) -> str:
    if fact is None:
        return "—" if value is None else str(value)
    if fact.type == "municipality" and value is not None:
        if isinstance(value, list):
            return ", ".join(places.get(item, item) for item in value)
        return places.get(value, value)
    return fact.display(value)


def _describe(rule, places) -> str:
    fact = fact_for(rule["fact"])
    if fact is not None and fact.type == "municipality" and not rule.get("per_unit"):
        from homeward.casework.selection.facts import OPERATOR_LABELS

        operator = rule["operator"]
        return (
            f"{fact.label} {OPERATOR_LABELS.get(operator, operator)} "
            f"{_show(fact, rule.get('value'), places)}"
        )
    return describe(rule)


def explain(rows) -> None:
    """Attach ``condition_lines`` and ``criterion_lines`` to every row, as people read them."""
    with remembered_facts():
        _explain(rows)


def _explain(rows) -> None:
    places = _places([rule for row in rows for rule in [*row.conditions, *row.criteria]])
    for row in rows:
        row.condition_lines = [
            Line(
                text=_describe(rule, places),
                actual=_show(fact_for(rule["fact"]), rule.get("actual"), places),
                holds=rule["holds"],
                fact=rule["fact"],
            )
            for rule in row.conditions
        ]
        row.criterion_lines = [
            Line(
                text=_describe(rule, places),
                actual=_show(fact_for(rule["fact"]), rule.get("actual"), places),
                holds=Decimal(rule["earned"]) != 0,
                earned=Decimal(rule["earned"]),
                fact=rule["fact"],
            )
            for rule in row.criteria
        ]
        row.failed_lines = [line for line in row.condition_lines if not line.holds]


def rule_lines(rules: list[dict]) -> list[str]:
    with remembered_facts():
        places = _places(rules)
        return [_describe(rule, places) for rule in rules]


# Comparing two rankings.


@dataclass
class Change:
    """How one candidate's line differs between two rankings, and why."""

    enrolment_id: int
    household_number: str
    before: SelectionCandidate | None
    after: SelectionCandidate | None
    reasons: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.before is None:
            return "new"
        if self.after is None:
            return "gone"
        return "changed"

    def as_dict(self) -> dict:
        def line(row):
            if row is None:
                return None
            return {"eligible": row.eligible, "score": str(row.score), "rank": row.rank}

        return {
            "enrolment": self.enrolment_id,
            "household_number": self.household_number,
            "kind": self.kind,
            "before": line(self.before),
            "after": line(self.after),
            "reasons": self.reasons,
        }


def _value(rule, key="actual") -> str:
    fact = fact_for(rule["fact"])
    return fact.display(rule.get(key)) if fact else str(rule.get(key))


def _condition_reasons(before: SelectionCandidate, after: SelectionCandidate) -> list[str]:
    reasons = []
    before_failed = {signature(rule): rule for rule in before.conditions if not rule["holds"]}
    after_failed = {signature(rule): rule for rule in after.conditions if not rule["holds"]}
    for key, rule in after_failed.items():
        if key not in before_failed:
            reasons.append(
                _("Now fails “%(condition)s” (value: %(value)s).")
                % {"condition": describe(rule), "value": _value(rule)}
            )
    for key, rule in before_failed.items():
        if key not in after_failed:
            reasons.append(_("No longer fails “%(condition)s”.") % {"condition": describe(rule)})
    return reasons


def _criterion_reasons(before: SelectionCandidate, after: SelectionCandidate) -> list[str]:
    reasons = []
    old = {signature(rule): rule for rule in before.criteria}
    new = {signature(rule): rule for rule in after.criteria}
    for key in [*new, *(key for key in old if key not in new)]:
        was, now = old.get(key), new.get(key)
        earned_before = Decimal(was["earned"]) if was else Decimal(0)
        earned_after = Decimal(now["earned"]) if now else Decimal(0)
        if earned_before == earned_after:
            continue
        points = {"before": earned_before, "after": earned_after}
        if was is None:
            reasons.append(
                _("New criterion “%(criterion)s”: %(after)s points.")
                % {"criterion": describe(now), **points}
            )
        elif now is None:
            reasons.append(
                _("Criterion “%(criterion)s” removed: %(before)s points no more.")
                % {"criterion": describe(was), **points}
            )
        elif was.get("actual") != now.get("actual"):
            reasons.append(
                _(
                    "“%(criterion)s”: %(before)s → %(after)s points, the value changed from "
                    "%(old)s to %(new)s."
                )
                % {
                    "criterion": describe(now),
                    "old": _value(was),
                    "new": _value(now),
                    **points,
                }
            )
        else:
            reasons.append(
                _("“%(criterion)s”: %(before)s → %(after)s points (its weight changed).")
                % {"criterion": describe(now), **points}
            )
    return reasons


def compare_runs(before: SelectionRun, after: SelectionRun) -> list[Change]:
    """Every candidate whose eligibility, score or rank differs between the two rankings,
    with the reasons: which condition or criterion, and whether the weight or the household's
    value changed. Candidates only in one of them are listed too."""
    with remembered_facts():
        return _compare(before, after)


def _compare(before: SelectionRun, after: SelectionRun) -> list[Change]:
    old = {row.enrolment_id: row for row in ranked_rows(before)}
    new = {row.enrolment_id: row for row in ranked_rows(after)}
    changes = []
    for enrolment_id in [*new, *(pk for pk in old if pk not in new)]:
        was, now = old.get(enrolment_id), new.get(enrolment_id)
        number = (now or was).household.number
        if was is None:
            changes.append(
                Change(enrolment_id, number, None, now, [_("Not in the earlier ranking.")])
            )
            continue
        if now is None:
            reason = _("No longer a candidate (decided, or left the project).")
            changes.append(Change(enrolment_id, number, was, None, [reason]))
            continue
        if (was.eligible, was.score, was.rank) == (now.eligible, now.score, now.rank):
            continue
        reasons = []
        if was.eligible != now.eligible:
            reasons += _condition_reasons(was, now)
        if was.score != now.score:
            reasons += _criterion_reasons(was, now)
        if not reasons and was.rank != now.rank:
            reasons.append(_("Same score; others moved around it."))
        changes.append(Change(enrolment_id, number, was, now, reasons))
    return changes
