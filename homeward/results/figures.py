"""The figures of a project's results: what the dashboard, the donor view and every report read.

``results.selectors.project_figures(*, actor, project, as_of=None)`` computes them once, in the
caller's scope; the dashboard, the donor view, the DOCX/XLSX/CSV report, the HXL and IATI files
only lay them out. Small cells are already suppressed here when ``aggregate_only`` is true, so
no layout can leak one: a suppressed value is ``None`` with ``suppressed=True``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Dimensions an indicator may be broken down by, in the order reports show them.
DIMENSIONS = ("sex", "age_band", "displacement_status", "municipality", "disability")

# Age bands (first year, last year or None) used unless a framework sets its own.
DEFAULT_AGE_BANDS = ((0, 4), (5, 11), (12, 17), (18, 59), (60, None))


@dataclass(frozen=True)
class Cell:
    """One group of a breakdown: ``key`` is stable (``F``, ``18-59``, ``idp``, an area code,
    ``yes``), ``label`` is translated for the reader."""

    key: str
    label: str
    value: Decimal | None
    suppressed: bool = False
    # Suppressed only so that a small cell cannot be subtracted from the total: it may hold
    # 5 or more (a layout says "suppressed", not "fewer than 5").
    complementary: bool = False


@dataclass(frozen=True)
class Breakdown:
    dimension: str  # one of DIMENSIONS
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class PeriodFigures:
    """A reporting period's target and, once it has begun, what was reached by its end
    (or by ``as_of``, for the period under way)."""

    label: str
    start: date
    end: date
    target: Decimal | None
    actual: Decimal | None
    suppressed: bool = False


@dataclass(frozen=True)
class TrendPoint:
    """The cumulative value at the end of a month (the last point is ``as_of``)."""

    day: date
    value: Decimal | None
    suppressed: bool = False


@dataclass
class IndicatorFigures:
    indicator_id: int
    code: str
    name: str  # in the reader's language
    definition: str  # in the reader's language
    unit: str  # people | households | events | organisations | percentage
    result_code: str  # the output, outcome or objective it measures
    result_level: str  # objective | outcome | output
    baseline: Decimal | None
    target: Decimal | None  # the end-of-project target
    actual: Decimal | None
    suppressed: bool
    percent_of_target: Decimal | None
    # What the target asks by now if it is reached at an even pace over the project's dates.
    expected_now: Decimal | None
    lagging: bool
    source: str  # rule | manual | none
    source_note: str  # the rule in words, or the source of the manual value
    periods: list[PeriodFigures] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    # The definition in every language it is written in ("en", "sr", "sr_latn", "sq"), for a
    # report that carries them side by side (IATI narratives).
    definitions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResultFigures:
    """One statement of the framework (objective, outcome or output) with its indicators,
    in framework order; ``parent_code`` is empty for the objective."""

    level: str
    code: str
    statement: str
    parent_code: str
    indicator_ids: tuple[int, ...]


@dataclass(frozen=True)
class BudgetLine:
    label: str  # kind of assistance, in the reader's language
    committed: Decimal
    delivered: Decimal


@dataclass
class BudgetFigures:
    currency: str
    budget: Decimal | None
    # Approved, delivered and verified deliveries at their planned value.
    committed: Decimal
    # Delivered and verified deliveries at their actual value.
    delivered: Decimal
    lines: list[BudgetLine] = field(default_factory=list)


@dataclass
class ProjectFigures:
    project_id: int
    project_code: str
    project_title: str
    as_of: date
    start: date | None
    end: date | None
    elapsed_share: Decimal | None  # 0..1 of the project's dates gone by on ``as_of``
    aggregate_only: bool  # true for readers without personal data: small cells suppressed
    results: list[ResultFigures]
    indicators: list[IndicatorFigures]
    budget: BudgetFigures

    def indicator(self, indicator_id: int) -> IndicatorFigures:
        return next(i for i in self.indicators if i.indicator_id == indicator_id)


@dataclass
class PortfolioProject:
    """One project of the across-projects view (``selectors.portfolio_figures``)."""

    project_id: int
    project_code: str
    project_title: str
    start: date | None
    end: date | None
    elapsed_share: Decimal | None
    indicators: int
    on_track: int  # with a target and an actual, not lagging
    lagging: int
    not_measured: int  # no target, or no actual (suppressed, or nothing recorded)
    budget: BudgetFigures
    # The project's figures without breakdowns, periods or trend.
    figures: ProjectFigures | None = None


@dataclass
class PortfolioFigures:
    as_of: date
    projects: list[PortfolioProject] = field(default_factory=list)
