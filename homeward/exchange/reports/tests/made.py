"""Figures made by hand, as ``results.selectors.project_figures`` returns them, so that every
layout is tested on known numbers: a lagging output with a suppressed group of men, a
percentage outcome whose actual is suppressed, a manual indicator, and a budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from homeward.exchange.reports.layout import ReportInput
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

AS_OF = date(2025, 12, 31)
# Numbers that appear in the layouts only where they belong (never a suppressed cell).
TRAINED = Decimal(23)
TRAINED_WOMEN = Decimal(17)
TARGET_TRAINED = Decimal(40)


def made_figures(project) -> ProjectFigures:
    trained = IndicatorFigures(
        indicator_id=1,
        code="1.1.1",
        name="IDPs who completed a business training",
        definition="Counted once per person.",
        unit="people",
        result_code="1.1",
        result_level="output",
        baseline=Decimal(0),
        target=TARGET_TRAINED,
        actual=TRAINED,
        suppressed=False,
        percent_of_target=Decimal("57.5"),
        expected_now=Decimal(30),
        lagging=True,
        source="rule",
        source_note="People who completed an activity of kind business training",
        periods=[
            PeriodFigures("Year 1", date(2025, 1, 1), date(2025, 12, 31), Decimal(20), TRAINED),
            PeriodFigures("Year 2", date(2026, 1, 1), date(2026, 12, 31), TARGET_TRAINED, None),
        ],
        breakdowns=[
            Breakdown(
                "sex",
                "Sex",
                [
                    Cell("F", "women", TRAINED_WOMEN),
                    Cell("M", "men", None, suppressed=True),
                ],
            ),
            Breakdown(
                "age_band",
                "Age",
                [
                    Cell("18-59", "18–59", Decimal(19)),
                    Cell("60+", "60 and over", None, suppressed=True),
                ],
            ),
        ],
        trend=[
            TrendPoint(date(2025, 1, 31), None, suppressed=True),
            TrendPoint(date(2025, 6, 30), Decimal(9)),
            TrendPoint(date(2025, 12, 31), TRAINED),
        ],
    )
    women_share = IndicatorFigures(
        indicator_id=2,
        code="1.1",
        name="Share of women among beneficiaries",
        definition="",
        unit="percentage",
        result_code="1",
        result_level="outcome",
        baseline=None,
        target=Decimal(40),
        actual=None,
        suppressed=True,
        percent_of_target=None,
        expected_now=Decimal(20),
        lagging=False,
        source="rule",
        source_note="Share of women",
        trend=[
            TrendPoint(date(2025, 6, 30), None, suppressed=True),
            TrendPoint(date(2025, 12, 31), None, suppressed=True),
        ],
    )
    officials = IndicatorFigures(
        indicator_id=3,
        code="1.1.2",
        name="Officials trained in local self-governments",
        definition="",
        unit="people",
        result_code="1.1",
        result_level="output",
        baseline=None,
        target=Decimal(10),
        actual=Decimal(12),
        suppressed=False,
        percent_of_target=Decimal(120),
        expected_now=Decimal(5),
        lagging=False,
        source="manual",
        source_note="Attendance sheets of the trainings",
    )
    return ProjectFigures(
        project_id=project.pk,
        project_code=project.code,
        project_title="Економско оснаживање интерно расељених лица",
        as_of=AS_OF,
        start=project.start_date,
        end=project.end_date,
        elapsed_share=Decimal("0.4986"),
        aggregate_only=True,
        results=[
            ResultFigures("objective", "0", "Durable solutions for IDPs", "", ()),
            ResultFigures("outcome", "1", "Livelihoods improved", "0", (2,)),
            ResultFigures("output", "1.1", "IDPs trained and equipped", "1", (1, 3)),
        ],
        indicators=[women_share, trained, officials],
        budget=BudgetFigures(
            currency="EUR",
            budget=Decimal(250000),
            committed=Decimal("61500.50"),
            delivered=Decimal(42000),
            lines=[
                BudgetLine("Income-generation grant", Decimal("51500.50"), Decimal(36000)),
                BudgetLine("Aid kit", Decimal(10000), Decimal(6000)),
            ],
        ),
    )


def made_report(project, **extra) -> ReportInput:
    return ReportInput(
        project=project,
        as_of=AS_OF,
        generated_on=date(2026, 1, 5),
        figures=made_figures(project),
        **extra,
    )
