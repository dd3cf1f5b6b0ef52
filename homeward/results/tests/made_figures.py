"""Figures made by hand, as ``results.selectors.project_figures`` would return them: the charts
and the dashboard's layout are tested on them without any casework behind."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from homeward.results.figures import (
    Breakdown,
    BudgetFigures,
    BudgetLine,
    Cell,
    IndicatorFigures,
    PeriodFigures,
    ProjectFigures,
    ResultFigures,
    TrendPoint,
)


def made_indicator(
    indicator_id: int = 1,
    *,
    code: str = "1.1.1",
    unit: str = "people",
    target: str | None = "40",
    actual: str | None = "23",
    expected: str | None = "30",
    suppressed: bool = False,
    lagging: bool = True,
    breakdowns: list[Breakdown] | None = None,
    trend: list[TrendPoint] | None = None,
    source: str = "rule",
    source_note: str = "People who completed a business training",
) -> IndicatorFigures:
    target_value = Decimal(target) if target is not None else None
    actual_value = None if suppressed or actual is None else Decimal(actual)
    percent = (
        actual_value * 100 / target_value if actual_value is not None and target_value else None
    )
    return IndicatorFigures(
        indicator_id=indicator_id,
        code=code,
        name=f"Indicator {code}",
        definition="Counted once per person.",
        unit=unit,
        result_code="1.1",
        result_level="output",
        baseline=Decimal(0),
        target=target_value,
        actual=actual_value,
        suppressed=suppressed,
        percent_of_target=percent,
        expected_now=Decimal(expected) if expected is not None else None,
        lagging=lagging,
        source=source,
        source_note=source_note,
        periods=[
            PeriodFigures("Year 1", date(2025, 1, 1), date(2025, 12, 31), Decimal(20), Decimal(18)),
            PeriodFigures("Year 2", date(2026, 1, 1), date(2026, 12, 31), target_value, None),
        ],
        breakdowns=breakdowns
        if breakdowns is not None
        else [
            Breakdown(
                "sex",
                "Sex",
                [
                    Cell("F", "Women", Decimal(15)),
                    Cell("M", "Men", None, suppressed=True),
                ],
            )
        ],
        trend=trend
        if trend is not None
        else [
            TrendPoint(date(2025, 1, 31), None, suppressed=True),
            TrendPoint(date(2025, 6, 30), Decimal(9)),
            TrendPoint(date(2025, 12, 31), Decimal(18)),
            TrendPoint(date(2026, 3, 15), Decimal(23)),
        ],
    )


def made_project_figures(*, indicators=None, aggregate_only: bool = False) -> ProjectFigures:
    indicators = indicators if indicators is not None else [made_indicator()]
    return ProjectFigures(
        project_id=1,
        project_code="project-a",
        project_title="Project A",
        as_of=date(2026, 3, 15),
        start=date(2025, 1, 1),
        end=date(2026, 12, 31),
        elapsed_share=Decimal("0.61"),
        aggregate_only=aggregate_only,
        results=[
            ResultFigures("objective", "0", "Durable solutions", "", ()),
            ResultFigures("outcome", "1", "Livelihoods", "0", ()),
            ResultFigures(
                "output", "1.1", "Business skills", "1", tuple(i.indicator_id for i in indicators)
            ),
        ],
        indicators=indicators,
        budget=BudgetFigures(
            currency="EUR",
            budget=Decimal("250000"),
            committed=Decimal("120500.50"),
            delivered=Decimal("80250"),
            lines=[
                BudgetLine("Income-generation grant", Decimal("100000"), Decimal("70000")),
                BudgetLine("Aid kit & <return> package", Decimal("20500.50"), Decimal("10250")),
            ],
        ),
    )
