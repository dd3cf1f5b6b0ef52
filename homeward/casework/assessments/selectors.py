"""Reading assessments and templates. Answers name a household's needs, health and debts, so
they are read with the capability to see personal data, through the actor's scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber

from homeward.accounts.roles import Capability
from homeward.casework.assessments.models import Assessment, AssessmentTemplate
from homeward.casework.common import SMALL_CELL
from homeward.core.scope import get_or_404, get_scoped_or_404, require, scoped

# Households per query in ``latest_answers``: well under SQLite's limit of bound parameters.
_BATCH = 2000


def template_list(*, actor, active_only: bool = False, kind: str = "") -> QuerySet:
    """Templates are methodology, not personal data: whoever sees projects sees them."""
    require(actor, Capability.VIEW_PROJECTS)
    templates = AssessmentTemplate.objects.all()
    if active_only:
        templates = templates.filter(is_active=True)
    if kind:
        templates = templates.filter(kind=kind)
    return templates


def template_get(*, actor, pk) -> AssessmentTemplate:
    return get_or_404(template_list(actor=actor), pk=pk)


def active_templates() -> QuerySet:
    return AssessmentTemplate.objects.filter(is_active=True).order_by("kind", "code")


def active_template(code: str) -> AssessmentTemplate | None:
    return AssessmentTemplate.objects.filter(code=code, is_active=True).first()


def assessment_list(*, actor, household=None, template_code: str = "", project=None) -> QuerySet:
    assessments = scoped(
        Assessment.objects.select_related(
            "template", "household", "person", "project", "organisation", "assessed_by"
        ),
        actor,
        Capability.VIEW_PERSONAL_DATA,
    )
    if household is not None:
        assessments = assessments.filter(household=household)
    if template_code:
        assessments = assessments.filter(template__code=template_code)
    if project is not None:
        assessments = assessments.filter(project=project)
    return assessments


def assessment_get(*, actor, pk) -> Assessment:
    return get_scoped_or_404(
        Assessment.objects.select_related(
            "template", "household", "person", "project", "organisation", "assessed_by"
        ),
        actor,
        Capability.VIEW_PERSONAL_DATA,
        pk=pk,
    )


def _latest(*, household_ids: Iterable[int], template_code: str, fields: list[str]) -> dict:
    """The latest assessment (by date, then by entry) of each household with a template of
    ``template_code`` (any version): a window over the households, in batches."""
    ids = list(dict.fromkeys(household_ids))
    latest: dict[int, dict] = {}
    for start in range(0, len(ids), _BATCH):
        rows = (
            Assessment.objects.filter(
                household_id__in=ids[start : start + _BATCH], template__code=template_code
            )
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("household_id")],
                    order_by=[F("assessed_on").desc(), F("pk").desc()],
                )
            )
            .filter(rank=1)
            .values_list("household_id", *fields)
        )
        for household_id, *values in rows:
            latest[household_id] = values[0] if len(values) == 1 else values
    return latest


def latest_answers(*, household_ids: Iterable[int], template_code: str) -> dict[int, dict]:
    """``{household_id: answers}`` of each household's latest assessment with the template
    ``template_code`` (any version); households never assessed with it are absent.

    No scope is applied: the caller (the selection, ranking the candidates of a project it may
    see) has already decided which households it may read.
    """
    return _latest(household_ids=household_ids, template_code=template_code, fields=["answers"])


def latest_scores(*, household_ids: Iterable[int], template_code: str) -> dict[int, dict]:
    """``{household_id: scores}``, as ``latest_answers`` but the computed scores."""
    return _latest(household_ids=household_ids, template_code=template_code, fields=["scores"])


@dataclass
class CriterionMovement:
    number: int
    label: str
    score: int | None
    previous: int | None

    @property
    def change(self) -> int | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous

    @property
    def direction(self) -> str:
        """ "up", "down", "same", or "" when there is nothing to compare."""
        change = self.change
        if change is None:
            return ""
        return "up" if change > 0 else "down" if change < 0 else "same"

    @property
    def change_points(self) -> int | None:
        return None if self.change is None else abs(self.change)


@dataclass
class ProfilePoint:
    assessment: Assessment
    scores: list[int | None]


@dataclass
class DurableSolutionsProfile:
    """A household's durable solutions assessments, oldest first, each with its eight criterion
    scores in order, and the latest against the one before it."""

    points: list[ProfilePoint] = field(default_factory=list)
    criteria: list[CriterionMovement] = field(default_factory=list)

    @property
    def latest(self) -> ProfilePoint | None:
        return self.points[-1] if self.points else None

    @property
    def previous(self) -> ProfilePoint | None:
        return self.points[-2] if len(self.points) > 1 else None

    def history(self) -> list[tuple[str, list[int | None]]]:
        """Each criterion with its score in every assessment, oldest first."""
        return [
            (f"{movement.number}. {movement.label}", [point.scores[index] for point in self.points])
            for index, movement in enumerate(self.criteria)
        ]


def durable_solutions_profile(*, actor, household) -> DurableSolutionsProfile:
    assessments = (
        assessment_list(actor=actor, household=household)
        .filter(template__kind=AssessmentTemplate.Kind.DURABLE_SOLUTIONS)
        .order_by("assessed_on", "pk")
    )
    points = [ProfilePoint(assessment, assessment.criterion_scores()) for assessment in assessments]
    profile = DurableSolutionsProfile(points=points)
    if not points:
        return profile
    latest, previous = profile.latest, profile.previous
    for index, (number, label) in enumerate(latest.assessment.template.criterion_labels()):
        profile.criteria.append(
            CriterionMovement(
                number=number,
                label=label,
                score=latest.scores[index],
                previous=previous.scores[index] if previous else None,
            )
        )
    return profile


@dataclass
class CriterionProgress:
    number: int
    label: str
    first: int | None
    latest: int | None

    @property
    def change(self) -> int | None:
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first

    @property
    def change_points(self) -> int | None:
        return None if self.change is None else abs(self.change)


@dataclass
class ProjectAssessments:
    """What a project's assessments add up to, without a name: households assessed per
    template, and the mean durable solutions scores of the households assessed at least twice,
    at their first assessment and at their latest."""

    assessed: list[tuple[str, int | None]] = field(default_factory=list)
    followed: int = 0
    criteria: list[CriterionProgress] = field(default_factory=list)

    @property
    def followed_shown(self) -> bool:
        return self.followed >= SMALL_CELL


def _mean(values: list) -> int | None:
    present = [value for value in values if value is not None]
    if not present:
        return None
    return int(sum(present) / len(present) + 0.5)


def project_assessments(*, project) -> ProjectAssessments:
    summary = ProjectAssessments()
    assessments = Assessment.objects.filter(project=project)
    households: dict[str, set[int]] = {}
    for code, household_id in assessments.values_list("template__code", "household"):
        households.setdefault(code, set()).add(household_id)
    titles: dict[str, AssessmentTemplate] = {}
    for code in sorted(households):
        template = (
            AssessmentTemplate.objects.filter(code=code).order_by("-is_active", "-version").first()
        )
        titles[code] = template
        number = len(households[code])
        summary.assessed.append(
            (template.localised_title, number if number >= SMALL_CELL else None)
        )
    durable = (
        assessments.filter(template__kind=AssessmentTemplate.Kind.DURABLE_SOLUTIONS)
        .order_by("household", "assessed_on", "pk")
        .values_list("household", "scores")
    )
    by_household: dict[int, list[dict]] = {}
    for household_id, scores in durable:
        by_household.setdefault(household_id, []).append((scores or {}).get("criteria") or {})
    followed = [series for series in by_household.values() if len(series) > 1]
    summary.followed = len(followed)
    if not summary.followed_shown:
        return summary
    labelled = active_template("durable-solutions") or next(
        (t for t in titles.values() if t.is_durable_solutions), None
    )
    labels = dict(labelled.criterion_labels()) if labelled else {}
    for number in range(1, 9):
        key = str(number)
        summary.criteria.append(
            CriterionProgress(
                number=number,
                label=labels.get(number, key),
                first=_mean([series[0].get(key) for series in followed]),
                latest=_mean([series[-1].get(key) for series in followed]),
            )
        )
    return summary
