"""The donor progress report as a Word document: editable text, real tables, charts as
pictures, so that staff can add their narrative around the figures before sending it."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from homeward.casework.common import SMALL_CELL
from homeward.exchange.reports import charts
from homeward.exchange.reports.layout import (
    ReportInput,
    level_label,
    pace_words,
    percent_of_target,
    readable,
    readable_date,
    readable_percent,
    results_in_order,
    source_label,
    suppressed_words,
    unit_label,
    xml_safe,
)

CHART_WIDTH = Cm(15)


def _heading(document, text, level: int):
    return document.add_heading(xml_safe(text), level=level)


def _paragraph(document, text="", style=None):
    return document.add_paragraph(xml_safe(text), style=style)


def write_docx(report: ReportInput) -> bytes:
    figures = report.figures
    project = report.project
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(2))
    style = document.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)

    _title_page(document, report)
    document.add_section(WD_SECTION.NEW_PAGE)
    _summary(document, report)

    _heading(document, _("Results"), level=1)
    for result, indicators in results_in_order(figures):
        if result is None:
            _heading(document, _("Other indicators"), level=2)
        else:
            _heading(
                document, f"{level_label(result.level)} {result.code}: {result.statement}", level=2
            )
        if indicators:
            _results_table(document, indicators)
        for indicator in indicators:
            if len(indicator.periods) > 1:
                _periods_table(document, indicator)

    progress = charts.progress_chart(figures.indicators)
    if progress:
        _heading(document, _("Progress against targets"), level=2)
        document.add_picture(io.BytesIO(progress), width=CHART_WIDTH)

    _disaggregations(document, figures)
    _trends(document, figures)
    _budget(document, report)
    _notes(document, figures)

    core = document.core_properties
    core.title = _("Progress report: %(project)s") % {"project": figures.project_title}
    core.subject = project.code
    core.author = project.lead_organisation.name
    core.comments = _("Aggregates only; groups of fewer than 5 people are not shown.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _title_page(document, report: ReportInput) -> None:
    figures = report.figures
    project = report.project
    title = _heading(document, _("Progress report"), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = _paragraph(
        document,
    )
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(xml_safe(figures.project_title))
    run.bold = True
    run.font.size = Pt(16)
    facts = [
        (_("Project"), project.code),
        (_("Lead organisation"), project.lead_organisation.name),
        (_("Partners"), ", ".join(p.name for p in project.partners.all()) or "—"),
        (_("Donors"), ", ".join(d.name for d in project.donors.all()) or "—"),
        (
            _("Project dates"),
            _("%(start)s to %(end)s")
            % {"start": readable_date(figures.start), "end": readable_date(figures.end)},
        ),
        (_("Figures as of"), readable_date(figures.as_of)),
        (_("Report drawn up on"), readable_date(report.generated_on)),
    ]
    table = document.add_table(rows=0, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text = xml_safe(label)
        cells[1].text = xml_safe(value)
        cells[0].paragraphs[0].runs[0].bold = True
    _widths(table, [5.0, 10.0])
    _paragraph(
        document,
    )
    note = _paragraph(
        document,
        _(
            "Every figure in this report is computed by Homeward from the casework recorded "
            "in the project. It holds aggregates only: no person is named, and a group of "
            "fewer than %(count)s people is shown as “%(words)s”."
        )
        % {"count": SMALL_CELL, "words": suppressed_words()},
    )
    note.runs[0].italic = True


def _summary(document, report: ReportInput) -> None:
    figures = report.figures
    _heading(document, _("Summary"), level=1)
    indicators = figures.indicators
    with_target = [i for i in indicators if i.target is not None]
    reached = [
        i for i in with_target if not i.suppressed and i.actual is not None and i.actual >= i.target
    ]
    lagging = [i for i in indicators if i.lagging]
    lines = [
        _("%(count)s indicators, %(targets)s of them with a target.")
        % {"count": len(indicators), "targets": len(with_target)},
        _("Targets reached: %(count)s.") % {"count": len(reached)},
        _("Lagging behind the expected pace: %(count)s.") % {"count": len(lagging)},
    ]
    if figures.elapsed_share is not None:
        lines.append(
            _("Time elapsed on %(day)s: %(share)s of the project's duration.")
            % {
                "day": readable_date(figures.as_of),
                "share": readable_percent(figures.elapsed_share * 100),
            }
        )
    budget = figures.budget
    if budget.budget:
        lines.append(
            _("Delivered: %(delivered)s of a budget of %(budget)s %(currency)s.")
            % {
                "delivered": readable(budget.delivered),
                "budget": readable(budget.budget),
                "currency": budget.currency,
            }
        )
    for line in lines:
        _paragraph(document, line, style="List Bullet")
    if lagging:
        _paragraph(document, _("Indicators that lag:"))
        for indicator in lagging:
            _paragraph(
                document,
                f"{indicator.code} {indicator.name}: {pace_words(indicator)}",
                style="List Bullet",
            )


def _table(document, headers: list[str]):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = xml_safe(header)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    return table


def _widths(table, widths: list[float]) -> None:
    """Column widths in cm, once the rows are in: Word reads them from the cells, LibreOffice
    from the grid, so both are set."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _row(table, values: list[str]) -> None:
    cells = table.add_row().cells
    for cell, value in zip(cells, values, strict=True):
        cell.text = xml_safe(value)
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(9)


def results_headers() -> list[str]:
    return [
        _("Code"),
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Target"),
        _("Actual"),
        _("Share of the target, per cent"),
        _("Pace"),
    ]


def _results_table(document, indicators) -> None:
    table = _table(document, results_headers())
    for indicator in indicators:
        _row(
            table,
            [
                indicator.code,
                indicator.name,
                unit_label(indicator.unit),
                readable(indicator.baseline, unit=indicator.unit),
                readable(indicator.target, unit=indicator.unit),
                readable(indicator.actual, suppressed=indicator.suppressed, unit=indicator.unit),
                readable_percent(percent_of_target(indicator)),
                pace_words(indicator),
            ],
        )
    _widths(table, [1.3, 4.6, 1.9, 1.6, 1.6, 1.6, 1.6, 2.8])
    _paragraph(
        document,
    )


def _periods_table(document, indicator) -> None:
    _paragraph(
        document, _("%(code)s by reporting period") % {"code": indicator.code}, style="Heading 4"
    )
    table = _table(document, [_("Period"), _("From"), _("To"), _("Target"), _("Actual")])
    for period in indicator.periods:
        _row(
            table,
            [
                period.label,
                readable_date(period.start),
                readable_date(period.end),
                readable(period.target, unit=indicator.unit),
                readable(period.actual, suppressed=period.suppressed, unit=indicator.unit),
            ],
        )
    _widths(table, [5.0, 3.0, 3.0, 3.0, 3.0])
    _paragraph(
        document,
    )


def _disaggregations(document, figures) -> None:
    with_breakdowns = [i for i in figures.indicators if i.breakdowns]
    if not with_breakdowns:
        return
    _heading(document, _("Disaggregations"), level=1)
    for indicator in with_breakdowns:
        _heading(document, f"{indicator.code}: {indicator.name}", level=2)
        for breakdown in indicator.breakdowns:
            _paragraph(document, breakdown.label, style="Heading 4")
            table = _table(document, [breakdown.label, _("Value")])
            for cell in breakdown.cells:
                _row(
                    table,
                    [
                        cell.label,
                        readable(
                            cell.value,
                            suppressed=cell.suppressed,
                            unit=indicator.unit,
                            complementary=cell.complementary,
                        ),
                    ],
                )
            _widths(table, [8.0, 4.0])
            picture = charts.breakdown_chart(indicator, breakdown)
            if picture:
                document.add_picture(io.BytesIO(picture), width=Cm(12))
            _paragraph(
                document,
            )


def _trends(document, figures) -> None:
    pictures = [(i, charts.trend_chart(i)) for i in figures.indicators]
    pictures = [(i, picture) for i, picture in pictures if picture]
    if not pictures:
        return
    _heading(document, _("Trend over time"), level=1)
    for _indicator, picture in pictures:
        document.add_picture(io.BytesIO(picture), width=CHART_WIDTH)


def _budget(document, report: ReportInput) -> None:
    budget = report.figures.budget
    _heading(document, _("Budget: committed and delivered"), level=1)
    _paragraph(
        document,
        _(
            "Committed: approved, delivered and verified assistance at its planned value. "
            "Delivered: delivered and verified assistance at its actual value. In %(currency)s."
        )
        % {"currency": budget.currency},
    )
    table = _table(document, [_("Assistance"), _("Committed"), _("Delivered")])
    for line in budget.lines:
        _row(table, [line.label, readable(line.committed), readable(line.delivered)])
    _row(table, [_("Total"), readable(budget.committed), readable(budget.delivered)])
    if budget.budget is not None:
        _row(table, [_("Project budget"), readable(budget.budget), ""])
    _widths(table, [9.0, 4.0, 4.0])
    picture = charts.budget_chart(budget)
    if picture:
        _paragraph(
            document,
        )
        document.add_picture(io.BytesIO(picture), width=CHART_WIDTH)


def _notes(document, figures) -> None:
    _heading(document, _("How the figures are computed"), level=1)
    for indicator in figures.indicators:
        text = f"{indicator.code} {indicator.name}: {source_label(indicator.source)}"
        if indicator.source_note:
            text += f" — {indicator.source_note}"
        if indicator.definition:
            text += f" ({indicator.definition})"
        _paragraph(document, text, style="List Bullet")
