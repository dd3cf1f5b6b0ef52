"""The results dashboard: a project's indicators against their targets, and every project the
reader may see on one page.

The same pages serve a project's staff and its donors: what differs is in the figures
(``results.selectors``), which come with small cells suppressed for whoever may not see
people. The pages link only to pages of results and to the project's own page, never to a
page naming anybody.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from homeward.accounts.roles import Capability
from homeward.results import charts
from homeward.results.figures import (
    IndicatorFigures,
    PortfolioProject,
    ProjectFigures,
    ResultFigures,
)

LEVELS = {
    "objective": gettext_lazy("Objective"),
    "outcome": gettext_lazy("Outcome"),
    "output": gettext_lazy("Output"),
}
UNITS = {
    "people": gettext_lazy("people"),
    "households": gettext_lazy("households"),
    "events": gettext_lazy("events"),
    "organisations": gettext_lazy("organisations"),
    "percentage": gettext_lazy("percentage"),
}


# What the page shows of the figures --------------------------------------------------------


class Status:
    """Where an indicator stands, said in words on the page (colour only repeats it)."""

    LAGGING = "lagging"
    ON_TRACK = "on_track"
    REACHED = "reached"
    NO_TARGET = "no_target"
    # A count under 5 shown to a donor: how it stands against the pace is not said either.
    TOO_FEW = "too_few"

    LABELS = {
        LAGGING: gettext_lazy("Lagging"),
        ON_TRACK: gettext_lazy("On track"),
        REACHED: gettext_lazy("Target reached"),
        NO_TARGET: gettext_lazy("No target"),
        TOO_FEW: gettext_lazy("Too few to assess"),
    }
    CLASSES = {
        LAGGING: "status status-lagging",
        ON_TRACK: "status status-on-track",
        REACHED: "status status-on-track",
        NO_TARGET: "status",
        TOO_FEW: "status",
    }


def indicator_status(indicator: IndicatorFigures) -> str:
    if indicator.target is None:
        return Status.NO_TARGET
    if indicator.lagging:
        return Status.LAGGING
    if indicator.suppressed:
        return Status.TOO_FEW
    if indicator.actual is not None and indicator.actual >= indicator.target:
        return Status.REACHED
    return Status.ON_TRACK


@dataclass
class IndicatorView:
    figures: IndicatorFigures
    status: str
    status_label: str
    status_class: str
    unit_label: str
    actual: str
    target: str
    expected: str
    percent: str
    progress: charts.Chart | None  # none without a target: nothing to measure against
    trend: charts.Chart | None
    breakdowns: list[charts.Chart]
    periods: list[tuple[str, str, str, str]]


@dataclass
class ResultView:
    result: ResultFigures
    level_label: str
    indicators: list[IndicatorView] = field(default_factory=list)


@dataclass
class Summary:
    on_track: int = 0
    lagging: int = 0
    reached: int = 0
    no_target: int = 0
    too_few: int = 0

    @property
    def total(self) -> int:
        return self.on_track + self.lagging + self.reached + self.no_target + self.too_few

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)


def indicator_view(indicator: IndicatorFigures, figures: ProjectFigures) -> IndicatorView:
    ident = f"indicator-{indicator.indicator_id}"
    unit = indicator.unit
    status = indicator_status(indicator)
    return IndicatorView(
        figures=indicator,
        status=status,
        status_label=str(Status.LABELS[status]),
        status_class=Status.CLASSES[status],
        unit_label=str(UNITS.get(unit, unit)),
        actual=charts.shown(indicator.actual, indicator.suppressed, unit),
        target=charts.shown(indicator.target, False, unit),
        expected=(
            "—" if unit == "percentage" else charts.shown(indicator.expected_now, False, unit)
        ),
        percent="—" if indicator.suppressed else charts.percent(indicator.percent_of_target),
        progress=(
            charts.progress_chart(indicator, ident=f"{ident}-progress")
            if indicator.target is not None
            else None
        ),
        trend=charts.trend_chart(
            indicator, start=figures.start, end=figures.end, ident=f"{ident}-trend"
        ),
        breakdowns=[
            charts.breakdown_chart(
                breakdown, unit=unit, ident=f"{ident}-{breakdown.dimension.replace('_', '-')}"
            )
            for breakdown in indicator.breakdowns
        ],
        periods=[
            (
                period.label,
                f"{charts.day(period.start)} – {charts.day(period.end)}",
                charts.shown(period.target, False, unit),
                charts.shown(period.actual, period.suppressed, unit)
                if period.start <= figures.as_of
                else "—",
            )
            for period in indicator.periods
        ],
    )


@dataclass
class IndicatorBrief:
    figures: IndicatorFigures
    status: str
    status_label: str
    status_class: str
    actual: str
    target: str
    percent: str


def indicator_view_brief(indicator: IndicatorFigures) -> IndicatorBrief:
    """An indicator in one line: the project page's panel."""
    status = indicator_status(indicator)
    return IndicatorBrief(
        figures=indicator,
        status=status,
        status_label=str(Status.LABELS[status]),
        status_class=Status.CLASSES[status],
        actual=charts.shown(indicator.actual, indicator.suppressed, indicator.unit),
        target=charts.shown(indicator.target, False, indicator.unit),
        percent="—" if indicator.suppressed else charts.percent(indicator.percent_of_target),
    )


def project_layout(figures: ProjectFigures) -> tuple[list[ResultView], Summary]:
    """The framework in its order, each statement with the indicators measuring it; an
    indicator of no listed statement comes last under "Other indicators"."""
    views = {
        indicator.indicator_id: indicator_view(indicator, figures)
        for indicator in figures.indicators
    }
    summary = Summary()
    for view in views.values():
        summary.count(view.status)
    layout = []
    placed = set()
    for result in figures.results:
        entry = ResultView(result=result, level_label=str(LEVELS.get(result.level, result.level)))
        for indicator_id in result.indicator_ids:
            if indicator_id in views and indicator_id not in placed:
                entry.indicators.append(views[indicator_id])
                placed.add(indicator_id)
        layout.append(entry)
    rest = [view for key, view in views.items() if key not in placed]
    if rest:
        other = ResultFigures(
            level="", code="", statement=_("Other indicators"), parent_code="", indicator_ids=()
        )
        layout.append(ResultView(result=other, level_label="", indicators=rest))
    return layout, summary


# The period selector -------------------------------------------------------------------------


def reporting_periods(project) -> list[tuple[str, datetime.date]]:
    """The reporting periods the project's targets name, as (label, last day), in order."""
    from homeward.results.models import IndicatorTarget

    ends: dict[str, datetime.date] = {}
    for label, end in IndicatorTarget.objects.filter(indicator__project=project).values_list(
        "label", "end"
    ):
        ends[label] = max(end, ends.get(label, end))
    return sorted(ends.items(), key=lambda item: (item[1], item[0]))


class AsOfForm(forms.Form):
    """Figures as they stood at the end of a reporting period, or on a day."""

    period = forms.ChoiceField(label=gettext_lazy("Reporting period"), required=False)
    as_of = forms.DateField(
        label=gettext_lazy("Or as of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, project, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.today = today
        self.periods = dict(reporting_periods(project))
        self.fields["period"].choices = [("", _("Today")), *((p, p) for p in self.periods)]

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of is None:
            return None
        if as_of > self.today:
            raise forms.ValidationError(_("The figures of a day to come are not known yet."))
        if as_of < self.project.start_date:
            raise forms.ValidationError(
                _("The project starts on %(day)s.") % {"day": charts.day(self.project.start_date)}
            )
        return as_of

    def chosen(self) -> tuple[datetime.date, str]:
        """The day the figures stand on and how the page names it: a period's last day
        (today for the period under way), the day given, else today."""
        if not self.is_bound or not self.is_valid():
            return self.today, ""
        period = self.cleaned_data["period"]
        if period:
            return min(self.periods[period], self.today), period
        if self.cleaned_data["as_of"]:
            return self.cleaned_data["as_of"], ""
        return self.today, ""


# Pages ---------------------------------------------------------------------------------------


@login_required
@require_GET
def project_results(request, code):
    from homeward.results.selectors import can_manage, project_figures, project_for_figures

    actor = request.actor
    project = project_for_figures(actor=actor, code=code)
    today = timezone.localdate()
    form = AsOfForm(request.GET or None, project=project, today=today)
    as_of, period = form.chosen()
    figures = project_figures(actor=actor, project=project, as_of=as_of)
    layout, summary = project_layout(figures)
    return render(
        request,
        "results/dashboard_project.html",
        {
            "project": project,
            "figures": figures,
            "layout": layout,
            "summary": summary,
            "form": form,
            "period": period,
            "elapsed": charts.percent(
                figures.elapsed_share * 100 if figures.elapsed_share is not None else None
            ),
            "budget": charts.budget_chart(figures.budget, ident="budget"),
            "small_cell": charts.fewer_than(),
            "can_manage": can_manage(actor, project),
        },
    )


@dataclass
class ProjectCard:
    line: PortfolioProject
    elapsed: str
    committed: str
    delivered: str
    budget: str
    lagging: list[IndicatorFigures]


def project_card(line: PortfolioProject) -> ProjectCard:
    money = line.budget
    indicators = line.figures.indicators if line.figures is not None else []
    return ProjectCard(
        line=line,
        elapsed=charts.percent(
            line.elapsed_share * 100 if line.elapsed_share is not None else None
        ),
        committed=charts.amount(money.committed, money.currency),
        delivered=charts.amount(money.delivered, money.currency),
        budget=charts.amount(money.budget, money.currency),
        lagging=[indicator for indicator in indicators if indicator.lagging],
    )


@login_required
@require_GET
def portfolio_results(request):
    from homeward.results.selectors import portfolio_figures

    actor = request.actor
    if not (actor.can(Capability.VIEW_PROJECTS) or actor.can(Capability.VIEW_AGGREGATES)):
        raise Http404
    portfolio = portfolio_figures(actor=actor)
    cards = [project_card(line) for line in portfolio.projects]
    return render(
        request,
        "results/dashboard_portfolio.html",
        {
            "portfolio": portfolio,
            "cards": cards,
            "aggregate_only": any(
                line.figures is not None and line.figures.aggregate_only
                for line in portfolio.projects
            ),
            "small_cell": charts.fewer_than(),
        },
    )
