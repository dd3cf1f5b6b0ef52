"""The report's figures as one long CSV table: one figure a row, for whoever loads them into
their own tools.

Columns: ``project, as_of, indicator, indicator_name, unit, measure, dimension, group,
group_label, value, suppressed``. ``measure`` says which figure (baseline, target, actual,
percent_of_target, expected_now, period_target, period_actual, trend, committed, delivered,
budget); ``dimension`` is ``total`` for the whole indicator, a disaggregation (``sex``,
``age_band``, …), ``period`` or ``month``; ``group`` its stable code. A value is written as
``12`` or ``45.5`` (a dot, no grouping); a suppressed one as ``<5`` with ``suppressed`` true,
never the number. Text cells go through ``neutralise_formula``.
"""

from __future__ import annotations

import csv
import io

from homeward.core.exports import neutralise_formula
from homeward.exchange.reports.layout import (
    ReportInput,
    hidden_mark,
    percent_of_target,
    plain_text,
)

COLUMNS = [
    "project",
    "as_of",
    "indicator",
    "indicator_name",
    "unit",
    "measure",
    "dimension",
    "group",
    "group_label",
    "value",
    "suppressed",
]


def figure_rows(report: ReportInput):
    """Every figure as a dict of ``COLUMNS`` (values not yet neutralised)."""
    figures = report.figures
    base = {"project": report.project.code, "as_of": figures.as_of.isoformat()}

    def row(
        indicator,
        measure,
        value,
        *,
        dimension="total",
        group="",
        label="",
        hidden=False,
        complementary=False,
    ):
        return base | {
            "indicator": indicator.code if indicator else "",
            "indicator_name": indicator.name if indicator else "",
            "unit": indicator.unit if indicator else "",
            "measure": measure,
            "dimension": dimension,
            "group": group,
            "group_label": label,
            "value": hidden_mark(complementary=complementary) if hidden else plain_text(value),
            "suppressed": "true" if hidden else "false",
        }

    for indicator in figures.indicators:
        yield row(indicator, "baseline", indicator.baseline)
        yield row(indicator, "target", indicator.target)
        yield row(indicator, "actual", indicator.actual, hidden=indicator.suppressed)
        yield row(indicator, "percent_of_target", percent_of_target(indicator))
        yield row(indicator, "expected_now", indicator.expected_now)
        for breakdown in indicator.breakdowns:
            for cell in breakdown.cells:
                yield row(
                    indicator,
                    "actual",
                    cell.value,
                    dimension=breakdown.dimension,
                    group=cell.key,
                    label=cell.label,
                    hidden=cell.suppressed,
                    complementary=cell.complementary,
                )
        for period in indicator.periods:
            group = f"{period.start.isoformat()}/{period.end.isoformat()}"
            yield row(
                indicator,
                "period_target",
                period.target,
                dimension="period",
                group=group,
                label=period.label,
            )
            yield row(
                indicator,
                "period_actual",
                period.actual,
                dimension="period",
                group=group,
                label=period.label,
                hidden=period.suppressed,
            )
        for point in indicator.trend:
            yield row(
                indicator,
                "trend",
                point.value,
                dimension="month",
                group=point.day.isoformat(),
                hidden=point.suppressed,
            )
    budget = figures.budget
    for line in budget.lines:
        yield row(None, "committed", line.committed, dimension="budget_line", label=line.label)
        yield row(None, "delivered", line.delivered, dimension="budget_line", label=line.label)
    yield row(None, "committed", budget.committed, group=budget.currency)
    yield row(None, "delivered", budget.delivered, group=budget.currency)
    yield row(None, "budget", budget.budget, group=budget.currency)


def write_csv(report: ReportInput) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for figure in figure_rows(report):
        writer.writerow(
            figure[column] if column in ("value", "as_of") else neutralise_formula(figure[column])
            for column in COLUMNS
        )
    # With a byte order mark, Excel opens Cyrillic and Albanian letters as they are.
    return out.getvalue().encode("utf-8-sig")
