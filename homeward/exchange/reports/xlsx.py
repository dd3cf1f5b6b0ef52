"""The donor progress report as an Excel workbook: sheets Indicators, Disaggregations, Trend
and Budget, numbers stored as numbers and native Excel charts over them, so a reader can
re-sort, re-chart and add their own columns.

Every text cell goes through ``neutralise_formula``: an indicator's name or an organisation's
is typed by people and must never run as a formula on the donor's computer. A suppressed cell
holds the text "<5", which no chart or sum reads as a number.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from homeward.core.exports import neutralise_formula
from homeward.exchange.reports.layout import (
    SUPPRESSED_MARK,
    ReportInput,
    hidden_mark,
    lagging_words,
    level_label,
    pace_words,
    percent_of_target,
    plain_number,
    readable_date,
    results_in_order,
    source_label,
    suppressed_words,
    unit_label,
    xml_safe,
)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F5F8B")
TITLE_FONT = Font(bold=True, size=14)
CHART_ROWS = 16  # the rows a chart covers, so that stacked charts do not overlap


def _text(value) -> str:
    return xml_safe(neutralise_formula(value))


def _number(
    cell,
    value: Decimal | None,
    *,
    suppressed: bool = False,
    unit: str = "",
    complementary: bool = False,
) -> None:
    """Write a figure: a number, "<5" when suppressed, empty when there is none."""
    if suppressed:
        cell.value = hidden_mark(complementary=complementary)
        cell.alignment = Alignment(horizontal="right")
        return
    number = plain_number(value)
    cell.value = number
    if isinstance(number, float):
        cell.number_format = "#,##0.0"
    elif number is not None:
        cell.number_format = "#,##0"


def _header(sheet, row: int, headers: list[str]) -> None:
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=_text(header))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _widths(sheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _preamble(sheet, report: ReportInput, title: str) -> int:
    """The sheet's title lines; returns the first free row."""
    figures = report.figures
    sheet.cell(row=1, column=1, value=_text(title)).font = TITLE_FONT
    sheet.cell(
        row=2,
        column=1,
        value=_text(f"{report.project.code} · {figures.project_title}"),
    )
    sheet.cell(
        row=3,
        column=1,
        value=_text(
            _("Figures as of %(day)s. Aggregates only: %(mark)s means %(words)s.")
            % {
                "day": readable_date(figures.as_of),
                "mark": SUPPRESSED_MARK,
                "words": suppressed_words(),
            }
        ),
    )
    return 5


def write_xlsx(report: ReportInput) -> bytes:
    workbook = Workbook()
    _indicators_sheet(workbook.active, report)
    _disaggregations_sheet(workbook.create_sheet(), report)
    _trend_sheet(workbook.create_sheet(), report)
    _budget_sheet(workbook.create_sheet(), report)
    workbook.properties.title = _text(
        _("Progress report: %(project)s") % {"project": report.figures.project_title}
    )
    workbook.properties.creator = _text(report.project.lead_organisation.name)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _indicators_sheet(sheet, report: ReportInput) -> None:
    sheet.title = "Indicators"
    figures = report.figures
    top = _preamble(sheet, report, _("Indicators"))
    headers = [
        _("Level"),
        _("Result"),
        _("Code"),
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("Actual"),
        _("Share of the target, per cent"),
        _("Expected by now"),
        _("Lagging"),
        _("Pace"),
        _("Source"),
    ]
    _header(sheet, top, headers)
    row = top
    for result, indicators in results_in_order(figures):
        for indicator in indicators:
            row += 1
            values = [
                level_label(result.level) if result else "",
                f"{result.code} {result.statement}" if result else "",
                indicator.code,
                indicator.name,
                unit_label(indicator.unit),
            ]
            for column, value in enumerate(values, start=1):
                sheet.cell(row=row, column=column, value=_text(value))
            _number(sheet.cell(row=row, column=6), indicator.baseline)
            _number(sheet.cell(row=row, column=7), indicator.target)
            _number(
                sheet.cell(row=row, column=8), indicator.actual, suppressed=indicator.suppressed
            )
            _number(sheet.cell(row=row, column=9), percent_of_target(indicator))
            _number(sheet.cell(row=row, column=10), indicator.expected_now)
            sheet.cell(row=row, column=11, value=_text(lagging_words(indicator)))
            sheet.cell(row=row, column=12, value=_text(pace_words(indicator)))
            note = source_label(indicator.source)
            if indicator.source_note:
                note = f"{note}: {indicator.source_note}"
            sheet.cell(row=row, column=13, value=_text(note))
    _widths(sheet, [11, 40, 10, 48, 12, 10, 10, 10, 11, 12, 9, 30, 50])
    sheet.freeze_panes = sheet.cell(row=top + 1, column=4)
    if row > top:
        sheet.auto_filter.ref = f"A{top}:M{row}"
        # The share of the target, not the counts: indicators of people, events and per cent
        # side by side on one axis would say nothing.
        chart = BarChart()
        chart.type = "bar"
        chart.title = _text(_("Share of the target reached, per cent"))
        chart.legend = None
        data = Reference(sheet, min_col=9, min_row=top, max_row=row)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=3, min_row=top + 1, max_row=row))
        chart.height = max(7.5, 0.6 * (row - top) + 3)
        chart.width = 18
        sheet.add_chart(chart, f"O{top}")


def _disaggregations_sheet(sheet, report: ReportInput) -> None:
    sheet.title = "Disaggregations"
    figures = report.figures
    top = _preamble(sheet, report, _("Disaggregations"))
    headers = [
        _("Indicator code"),
        _("Indicator"),
        _("Dimension"),
        _("Group code"),
        _("Group"),
        _("Value"),
    ]
    _header(sheet, top, headers)
    row = top
    charts_placed = 0
    for indicator in figures.indicators:
        for breakdown in indicator.breakdowns:
            first = row + 1
            for cell in breakdown.cells:
                row += 1
                values = [indicator.code, indicator.name, breakdown.label, cell.key, cell.label]
                for column, value in enumerate(values, start=1):
                    sheet.cell(row=row, column=column, value=_text(value))
                _number(
                    sheet.cell(row=row, column=6),
                    cell.value,
                    suppressed=cell.suppressed,
                    complementary=cell.complementary,
                )
            if row < first:
                continue
            chart = BarChart()
            chart.type = "bar"
            chart.legend = None
            chart.title = _text(f"{indicator.code}: {breakdown.label}")
            chart.add_data(Reference(sheet, min_col=6, min_row=first, max_row=row))
            chart.set_categories(Reference(sheet, min_col=5, min_row=first, max_row=row))
            chart.height = 7
            chart.width = 14
            sheet.add_chart(chart, f"H{top + charts_placed * CHART_ROWS}")
            charts_placed += 1
    _widths(sheet, [14, 48, 22, 14, 30, 10])
    sheet.freeze_panes = sheet.cell(row=top + 1, column=1)
    if row > top:
        sheet.auto_filter.ref = f"A{top}:F{row}"


def _trend_sheet(sheet, report: ReportInput) -> None:
    sheet.title = "Trend"
    figures = report.figures
    top = _preamble(sheet, report, _("Trend over time (cumulative, at the end of each month)"))
    with_trend = [i for i in figures.indicators if i.trend]
    days = sorted({point.day for i in with_trend for point in i.trend})
    _header(sheet, top, [_("Date"), *[i.code for i in with_trend]])
    for offset, day in enumerate(days, start=1):
        cell = sheet.cell(row=top + offset, column=1, value=day)
        cell.number_format = "yyyy-mm-dd"
    row_of = {day: top + offset for offset, day in enumerate(days, start=1)}
    last = top + len(days)
    for column, indicator in enumerate(with_trend, start=2):
        sheet.column_dimensions[get_column_letter(column)].width = 12
        for point in indicator.trend:
            _number(
                sheet.cell(row=row_of[point.day], column=column),
                point.value,
                suppressed=point.suppressed,
            )
        if len(days) < 2:
            continue
        chart = LineChart()
        chart.title = _text(f"{indicator.code}: {indicator.name}"[:80])
        chart.legend = None
        chart.add_data(
            Reference(sheet, min_col=column, min_row=top, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last))
        chart.x_axis.number_format = "yyyy-mm"
        chart.height = 7
        chart.width = 16
        anchor_column = get_column_letter(len(with_trend) + 3)
        sheet.add_chart(chart, f"{anchor_column}{top + (column - 2) * CHART_ROWS}")
    sheet.column_dimensions["A"].width = 12
    sheet.freeze_panes = sheet.cell(row=top + 1, column=2)


def _budget_sheet(sheet, report: ReportInput) -> None:
    sheet.title = "Budget"
    budget = report.figures.budget
    top = _preamble(sheet, report, _("Budget: committed and delivered"))
    sheet.cell(
        row=4,
        column=1,
        value=_text(
            _(
                "Committed: approved, delivered and verified assistance at its planned value. "
                "Delivered: delivered and verified assistance at its actual value. In %(currency)s."
            )
            % {"currency": budget.currency}
        ),
    )
    _header(sheet, top, [_("Assistance"), _("Committed"), _("Delivered")])
    row = top
    for line in budget.lines:
        row += 1
        sheet.cell(row=row, column=1, value=_text(line.label))
        _number(sheet.cell(row=row, column=2), line.committed)
        _number(sheet.cell(row=row, column=3), line.delivered)
    last_line = row
    row += 1
    sheet.cell(row=row, column=1, value=_text(_("Total"))).font = Font(bold=True)
    _number(sheet.cell(row=row, column=2), budget.committed)
    _number(sheet.cell(row=row, column=3), budget.delivered)
    row += 1
    sheet.cell(row=row, column=1, value=_text(_("Project budget")))
    _number(sheet.cell(row=row, column=2), budget.budget)
    row += 1
    sheet.cell(row=row, column=1, value=_text(_("Currency")))
    sheet.cell(row=row, column=2, value=_text(budget.currency))
    _widths(sheet, [40, 14, 14])
    if last_line > top:
        chart = BarChart()
        chart.type = "bar"
        chart.title = _text(_("Committed and delivered"))
        chart.add_data(
            Reference(sheet, min_col=2, max_col=3, min_row=top, max_row=last_line),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet, min_col=1, min_row=top + 1, max_row=last_line))
        chart.height = max(7.5, 0.7 * (last_line - top) + 3)
        chart.width = 18
        sheet.add_chart(chart, f"E{top}")
