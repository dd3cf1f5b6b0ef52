"""Reading results frameworks and computing their figures, in the reader's scope.

``project_figures`` is what every layout reads (``figures.py``): the dashboard, the donor view,
the DOCX/XLSX/CSV reports, the HXL and IATI files. It counts the whole project's casework (every
partner's deliveries and sessions) for whoever may see the project: the figures name nobody,
and for a reader without personal data every count of 1 to 4 is suppressed here.
"""

from __future__ import annotations

import calendar
import datetime
import json
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.roles import Capability
from homeward.casework.common import SMALL_CELL, project_in_scope
from homeward.core.scope import get_or_404, scoped
from homeward.programmes.models import Project
from homeward.results import computation
from homeward.results.figures import (
    Breakdown,
    BudgetFigures,
    BudgetLine,
    Cell,
    IndicatorFigures,
    PeriodFigures,
    PortfolioFigures,
    PortfolioProject,
    ProjectFigures,
    ResultFigures,
    TrendPoint,
)
from homeward.results.models import Indicator, IndicatorTarget, Level, ManualValue, Result
from homeward.results.rules import describe_rule

# An indicator lags when its actual is under this share of what an even pace asks by now.
LAGGING_SHARE = Decimal("0.9")
HUNDRED = Decimal("100")


def can_view_figures(actor, project) -> bool:
    return project_in_scope(actor, project, Capability.VIEW_PROJECTS) or project_in_scope(
        actor, project, Capability.VIEW_AGGREGATES
    )


def project_for_figures(*, actor, code: str) -> Project:
    """The project ``code`` if ``actor`` may see its figures, else 404."""
    project = get_or_404(Project.objects.select_related("lead_organisation"), code=code)
    if not can_view_figures(actor, project):
        raise Http404
    return project


def project_for_framework(*, actor, code: str, manage: bool = False) -> Project:
    project = project_for_figures(actor=actor, code=code)
    if manage and not project_in_scope(actor, project, Capability.MANAGE_PROJECTS):
        raise Http404
    return project


def can_manage(actor, project) -> bool:
    return project_in_scope(actor, project, Capability.MANAGE_PROJECTS)


def framework(project) -> list[Result]:
    """The project's results in tree order (objective, its outcomes, each with its outputs),
    each with ``indicator_list`` (targets and manual values prefetched) and ``depth``."""
    results = list(
        Result.objects.filter(project=project).prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.prefetch_related("targets", "manual_values"),
                to_attr="indicator_list",
            )
        )
    )
    children: dict[int | None, list[Result]] = {}
    for result in results:
        children.setdefault(result.parent_id, []).append(result)
    ordered: list[Result] = []

    def walk(parent_id, depth):
        for result in children.get(parent_id, []):
            result.depth = depth
            ordered.append(result)
            walk(result.pk, depth + 1)

    walk(None, 0)
    # Anything whose parent is gone from the tree (should not happen) still shows.
    seen = {r.pk for r in ordered}
    ordered += [r for r in results if r.pk not in seen]
    return ordered


def result_get(*, actor, project, pk) -> Result:
    return get_or_404(Result.objects.filter(project=project), pk=pk)


def indicator_get(*, actor, project, pk) -> Indicator:
    return get_or_404(Indicator.objects.filter(project=project).select_related("result"), pk=pk)


def indicator_list(*, actor, project=None):
    """Indicators of the projects ``actor`` may see (VIEW_PROJECTS or VIEW_AGGREGATES)."""
    indicators = Indicator.objects.select_related("project", "result").prefetch_related("targets")
    visible = scoped(indicators, actor, Capability.VIEW_PROJECTS) | scoped(
        indicators, actor, Capability.VIEW_AGGREGATES
    )
    if project is not None:
        visible = visible.filter(project=project)
    return visible.order_by("project__code", "position", "code", "pk")


# --- figures ------------------------------------------------------------------------------


def month_ends(start: datetime.date, until: datetime.date) -> list[datetime.date]:
    """Every month end from ``start``'s month to before ``until``, then ``until`` itself."""
    days = []
    year, month = start.year, start.month
    while True:
        end = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if end >= until:
            break
        days.append(end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    days.append(until)
    return days


def elapsed_share(project, as_of: datetime.date) -> Decimal | None:
    if not project.start_date or not project.end_date:
        return None
    length = (project.end_date - project.start_date).days
    if length <= 0:
        return Decimal(1) if as_of >= project.end_date else Decimal(0)
    gone = min(max((as_of - project.start_date).days, 0), length)
    return (Decimal(gone) / Decimal(length)).quantize(Decimal("0.0001"))


def project_figures(
    *, actor, project, as_of=None, aggregate_only=None, detail: bool = True
) -> ProjectFigures:
    """The figures of every indicator of ``project`` on ``as_of`` (today by default).

    ``aggregate_only`` defaults to whether ``actor`` lacks personal data in the project; then
    counts of 1 to 4 (and percentages of fewer than 5) are suppressed everywhere.
    ``detail=False`` leaves out breakdowns, periods and the trend (the portfolio's summary).
    Whoever may take exports of the project out (a data protection officer) gets them too, but
    only suppressed: files leave the organisation.
    """
    may_export = aggregate_only is True and project_in_scope(actor, project, Capability.RUN_EXPORTS)
    if not (may_export or can_view_figures(actor, project)):
        raise Http404
    if aggregate_only is None:
        aggregate_only = not project_in_scope(actor, project, Capability.VIEW_PERSONAL_DATA)
    as_of = as_of or timezone.localdate()
    share = elapsed_share(project, as_of)
    results = framework(project)
    indicators = [(i, r) for r in results for i in r.indicator_list]
    computed = _compute_rules([i for i, _r in indicators], project, as_of=as_of, detail=detail)
    figures = [
        _indicator_figures(
            indicator,
            result,
            project,
            computed=computed.get(indicator.pk),
            as_of=as_of,
            share=share,
            aggregate_only=aggregate_only,
            detail=detail,
        )
        for indicator, result in indicators
    ]
    parents = {r.pk: r.code for r in results}
    return ProjectFigures(
        project_id=project.pk,
        project_code=project.code,
        project_title=project.localised_title,
        as_of=as_of,
        start=project.start_date,
        end=project.end_date,
        elapsed_share=share,
        aggregate_only=aggregate_only,
        results=[
            ResultFigures(
                level=r.level,
                code=r.code,
                statement=r.localised_statement,
                parent_code=parents.get(r.parent_id, ""),
                indicator_ids=tuple(i.pk for i in r.indicator_list),
            )
            for r in results
        ],
        indicators=figures,
        budget=budget_figures(project),
    )


def _trend_days(project, as_of, detail: bool) -> list[datetime.date]:
    if detail and project.start_date and project.start_date <= as_of:
        return month_ends(project.start_date, min(as_of, project.end_date or as_of))
    return []


def _days(indicator, project, as_of, detail: bool) -> list[datetime.date]:
    """The days an indicator's value is needed on: month ends and the ends of its periods."""
    if not detail:
        return []
    periods = [min(t.end, as_of) for t in indicator.targets.all() if t.start <= as_of]
    return sorted(set(periods + _trend_days(project, as_of, detail)))


def _compute_rules(indicators, project, *, as_of, detail) -> dict:
    """indicator id → ``computation.Computed``. Indicators counting the same rows (the same
    rule, or a share of women among a rule's people and that rule itself) are computed by
    the same queries, with every day and breakdown any of them needs."""
    from homeward.results.figures import DIMENSIONS

    groups: dict[tuple, dict] = {}
    # Shares first: an indicator counting the same people joins the query of a share.
    ruled = [i for i in indicators if i.rule]
    ruled.sort(key=lambda i: computation.base_rule(i.rule)[1] is None)
    for indicator in ruled:
        base, hit = computation.base_rule(indicator.rule)
        key = (json.dumps(base, sort_keys=True), json.dumps(indicator.age_bands))
        if hit is None:
            key = next((k for k in groups if k[:2] == key), (*key, None))
        else:
            key = (*key, hit)
        group = groups.setdefault(
            key,
            {"base": base, "bands": indicator.age_bands, "hit": hit, "days": set(), "dims": set()},
        )
        group["days"].update(_days(indicator, project, as_of, detail))
        if detail:
            group["dims"].update(indicator.disaggregations)
        group.setdefault("members", []).append((indicator, hit is not None))
    # A project that has ended does not age its people: ages are on its last day.
    age_on = min(as_of, project.end_date) if project.end_date else as_of
    deliveries = computation.DeliveryPass.of([g["base"] for g in groups.values()], project)
    jobs = [
        computation.Job(
            sources=computation.sources(
                group["base"],
                project,
                as_of,
                hit=group["hit"],
                age_on=age_on,
                deliveries=deliveries,
            ),
            days=sorted(group["days"]),
            dimensions=[d for d in DIMENSIONS if d in group["dims"]],
            age_bands=group["bands"],
            hit=group["hit"],
            age_on=age_on,
        )
        for group in groups.values()
    ]
    found = {}
    for group, computed in zip(
        groups.values(), computation.compute_jobs(jobs, as_of=as_of), strict=True
    ):
        for indicator, is_share in group["members"]:
            found[indicator.pk] = (
                computed if is_share or group["hit"] is None else computation.rows_of(computed)
            )
    return found


def _indicator_figures(
    indicator, result, project, *, computed, as_of, share, aggregate_only, detail
):
    targets = sorted(indicator.targets.all(), key=lambda t: (t.end, t.pk))
    final_target = targets[-1].value if targets else None
    trend_days = _trend_days(project, as_of, detail)
    days = _days(indicator, project, as_of, detail)
    unit = indicator.unit
    breakdowns: list[Breakdown] = []
    if indicator.rule:
        actual, suppressed = _value(computed.total, unit, aggregate_only)
        at = {day: _value(value, unit, aggregate_only) for day, value in computed.at.items()}
        if detail:
            breakdowns = _breakdowns(indicator, computed, unit, aggregate_only)
        source, note = "rule", describe_rule(indicator.rule)
    else:
        manual = sorted(indicator.manual_values.all(), key=lambda m: (m.as_of, m.recorded_at))

        def manual_at(day):
            known = [m for m in manual if m.as_of <= day]
            return (known[-1].value, False) if known else (None, False)

        actual, suppressed = manual_at(as_of)
        at = {day: manual_at(day) for day in days}
        latest = [m for m in manual if m.as_of <= as_of]
        source = "manual" if manual else "none"
        note = latest[-1].source if latest else ""
    baseline = indicator.baseline
    expected = None
    if final_target is not None and share is not None:
        start = baseline or Decimal(0)
        expected = _round(start + (final_target - start) * share)
    lagging = (
        actual is not None
        and expected is not None
        and expected > 0
        and actual < expected * LAGGING_SHARE
    )
    percent = None
    if actual is not None and final_target:
        percent = _round(actual * HUNDRED / final_target, "0.1")
    periods = []
    if detail:
        for target in targets:
            value, hidden = at.get(min(target.end, as_of), (None, False))
            if target.start > as_of:
                value, hidden = None, False
            periods.append(
                PeriodFigures(
                    label=target.label,
                    start=target.start,
                    end=target.end,
                    target=target.value,
                    actual=value,
                    suppressed=hidden,
                )
            )
    trend = [TrendPoint(day=day, value=at[day][0], suppressed=at[day][1]) for day in trend_days]
    return IndicatorFigures(
        indicator_id=indicator.pk,
        code=indicator.code,
        name=indicator.localised_name,
        definition=indicator.localised_definition,
        definitions={
            "en": indicator.definition,
            "sr": indicator.definition_sr,
            "sr_latn": indicator.definition_sr_latn,
            "sq": indicator.definition_sq,
        },
        unit=unit,
        result_code=result.code,
        result_level=result.level,
        baseline=baseline,
        target=final_target,
        actual=actual,
        suppressed=suppressed,
        percent_of_target=percent,
        expected_now=expected,
        lagging=lagging,
        source=source,
        source_note=note,
        periods=periods,
        breakdowns=breakdowns,
        trend=trend,
    )


def _round(value: Decimal, places: str = "0.01") -> Decimal:
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


# Counts of these identify nobody: a meeting or a town hall is not a person.
UNSUPPRESSED_UNITS = frozenset({"events", "organisations"})


def _value(raw, unit: str, aggregate_only: bool) -> tuple[Decimal | None, bool]:
    """A computed count, or ``(hits, rows)`` of a share, as shown to the reader."""
    if unit in UNSUPPRESSED_UNITS:
        aggregate_only = False
    if isinstance(raw, tuple):
        hits, rows = raw
        if rows == 0:
            return None, False
        if aggregate_only and rows < SMALL_CELL:
            return None, True
        return _round(Decimal(hits) * HUNDRED / Decimal(rows), "0.1"), False
    if aggregate_only and 0 < raw < SMALL_CELL:
        return None, True
    return Decimal(raw), False


def _breakdowns(indicator, computed, unit, aggregate_only) -> list[Breakdown]:
    from homeward.geo.models import Area
    from homeward.registry.models import DisplacementStatus

    labels = {
        ("sex", "F"): _("women"),
        ("sex", "M"): _("men"),
        ("age_band", "unknown"): _("age unknown"),
        ("disability", "yes"): _("with a disability"),
        ("disability", "no"): _("without a disability"),
    }
    for status, label in DisplacementStatus.choices:
        labels[("displacement_status", status)] = str(label)
    dimension_labels = {
        "sex": _("Sex"),
        "age_band": _("Age"),
        "displacement_status": _("Displacement status"),
        "municipality": _("Municipality"),
        "disability": _("Disability"),
    }
    areas = {}
    if computed.municipalities:
        ids = [key for key in computed.municipalities if key is not None]
        areas = {area.pk: area for area in Area.objects.filter(pk__in=ids)}
    breakdowns = []
    for dimension in indicator.disaggregations:
        cells, raws = [], []
        # A caller's sex or age is a person's, even where the unit is events.
        cell_unit = "people" if unit == "events" and dimension != "municipality" else unit
        if dimension == "municipality":
            items = sorted(
                computed.municipalities.items(),
                key=lambda item: (item[0] is None, str(areas.get(item[0], ""))),
            )
            for key, raw in items:
                area = areas.get(key)
                value, hidden = _value(raw, unit, aggregate_only)
                cells.append(
                    Cell(
                        key=area.code if area else "unknown",
                        label=area.name if area else _("municipality unknown"),
                        value=value,
                        suppressed=hidden,
                    )
                )
                raws.append(raw)
        else:
            for (cell_dimension, key), raw in computed.cells.items():
                if cell_dimension != dimension:
                    continue
                if (raw in (0, (0, 0)) and dimension in ("displacement_status",)) or (
                    key == "unknown" and raw in (0, (0, 0))
                ):
                    continue
                value, hidden = _value(raw, cell_unit, aggregate_only)
                label = labels.get((dimension, key)) or _age_label(key)
                cells.append(Cell(key=key, label=str(label), value=value, suppressed=hidden))
                raws.append(raw)
        if aggregate_only and cells:
            total_shown = not _value(computed.total, unit, aggregate_only)[1]
            cells = _complementary(cells, raws, computed.total, cell_unit, total_shown)
        if cells:
            breakdowns.append(
                Breakdown(dimension=dimension, label=str(dimension_labels[dimension]), cells=cells)
            )
    return breakdowns


def _complementary(cells: list[Cell], raws: list, total, unit: str, total_shown) -> list[Cell]:
    """Complementary suppression: a breakdown of a shown total must not let anyone subtract
    a suppressed cell back out of it. What the reader cannot see (the suppressed cells, and
    any people the breakdown's cells leave out) adds up to the total minus the cells shown;
    while that is a single small group, the smallest cell still shown (of someone; a cell of
    nobody only when no other is left) is suppressed too. A count's cells only: a
    percentage's cells have their own denominators, which no reader is given."""
    if unit in UNSUPPRESSED_UNITS or isinstance(total, tuple) or not total_shown:
        return cells
    if any(isinstance(raw, tuple) for raw in raws):
        return cells
    hidden = {index for index, cell in enumerate(cells) if cell.suppressed}
    left_out = total - sum(raws)
    while True:
        unseen = [raws[index] for index in hidden] + ([left_out] if left_out > 0 else [])
        if len(unseen) != 1 or not 0 < unseen[0] < SMALL_CELL:
            break
        shown = [i for i in range(len(raws)) if i not in hidden]
        if not shown:
            break
        # The smallest of someone; a cell of nobody only when no other is left.
        hidden.add(min(shown, key=lambda index: (raws[index] == 0, raws[index], index)))
    return [
        replace(cell, value=None, suppressed=True, complementary=not cell.suppressed)
        if index in hidden
        else cell
        for index, cell in enumerate(cells)
    ]


def _age_label(key: str) -> str:
    if key.endswith("+"):
        return _("%(age)s and over") % {"age": key[:-1]}
    first, _sep, last = key.partition("-")
    return f"{first}–{last}"


def budget_figures(project) -> BudgetFigures:
    from homeward.casework.assistance.models import AssistanceType, Delivery

    committed_statuses = [Delivery.Status.APPROVED, *Delivery.HANDED_OVER]
    rows = (
        Delivery.objects.filter(project=project, status__in=committed_statuses)
        .values("assistance_type_id")
        .annotate(
            committed=Sum("planned_value"),
            delivered=Sum("actual_value", filter=Q(status__in=list(Delivery.HANDED_OVER))),
        )
        .order_by("assistance_type_id")
    )
    rows = list(rows)
    types = {
        t.pk: t
        for t in AssistanceType.objects.filter(pk__in=[r["assistance_type_id"] for r in rows])
    }
    lines = [
        BudgetLine(
            label=types[row["assistance_type_id"]].localised_name,
            committed=_round(row["committed"] or 0),
            delivered=_round(row["delivered"] or 0),
        )
        for row in rows
    ]
    lines.sort(key=lambda line: -line.committed)
    return BudgetFigures(
        currency=project.currency,
        budget=project.budget,
        committed=sum((line.committed for line in lines), Decimal(0)),
        delivered=sum((line.delivered for line in lines), Decimal(0)),
        lines=lines,
    )


def portfolio_figures(*, actor, as_of=None) -> PortfolioFigures:
    """Every project ``actor`` may see the figures of: how many indicators are on track, lag or
    have no target yet, and the budget committed against delivered."""
    as_of = as_of or timezone.localdate()
    projects = Project.objects.order_by("code")
    visible = scoped(projects, actor, Capability.VIEW_PROJECTS) | scoped(
        projects, actor, Capability.VIEW_AGGREGATES
    )
    lines = []
    for project in visible.distinct():
        figures = project_figures(actor=actor, project=project, as_of=as_of, detail=False)
        measured = [i for i in figures.indicators if i.target is not None]
        lines.append(
            PortfolioProject(
                project_id=project.pk,
                project_code=project.code,
                project_title=figures.project_title,
                start=project.start_date,
                end=project.end_date,
                elapsed_share=figures.elapsed_share,
                indicators=len(figures.indicators),
                on_track=sum(1 for i in measured if not i.lagging and i.actual is not None),
                lagging=sum(1 for i in measured if i.lagging),
                not_measured=len(figures.indicators)
                - sum(1 for i in measured if i.actual is not None),
                budget=figures.budget,
                figures=figures,
            )
        )
    return PortfolioFigures(as_of=as_of, projects=lines)


def manual_values(indicator) -> list[ManualValue]:
    return list(indicator.manual_values.select_related("recorded_by").order_by("-as_of", "-pk"))


def targets(indicator) -> list[IndicatorTarget]:
    return list(indicator.targets.order_by("end", "pk"))


__all__ = ["Level", "portfolio_figures", "project_figures"]
