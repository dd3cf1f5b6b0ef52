"""The DOCX report's charts, drawn as PNG with matplotlib.

Drawn through the object API on an Agg canvas (never ``pyplot``): no display, no global state
shared between two reports drawn at once, nothing fetched. DejaVu Sans, which matplotlib
ships, carries Serbian Cyrillic and Albanian letters. A suppressed cell is drawn as no bar
with the words "fewer than 5" where the bar would be: a chart never shows its size.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from homeward.exchange.reports.layout import (
    percent_of_target,
    readable_date,
    suppressed_words,
    xml_safe,
)
from homeward.results.figures import Breakdown, BudgetFigures, IndicatorFigures

_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
TARGET_COLOUR = "#9aa5b1"
ACTUAL_COLOUR = "#1f5f8b"
LAGGING_COLOUR = "#c0392b"
DELIVERED_COLOUR = "#2e8b57"


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
    return out.getvalue()


def _shorten(text: str, length: int = 38) -> str:
    text = xml_safe(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def progress_chart(indicators: list[IndicatorFigures]) -> bytes | None:
    """Each indicator's share of its target reached, against the share expected by now."""
    rows = [i for i in indicators if i.target]
    if not rows:
        return None
    with rc_context(_STYLE):
        figure = Figure(figsize=(7, 0.45 * len(rows) + 1.2))
        axes = figure.add_subplot()
        labels = [_shorten(f"{i.code} {i.name}") for i in rows]
        positions = range(len(rows))
        for position, indicator in zip(positions, rows, strict=True):
            share = percent_of_target(indicator)
            if share is None:
                axes.text(1, position, suppressed_words(), va="center", fontsize=8)
            else:
                colour = LAGGING_COLOUR if indicator.lagging else ACTUAL_COLOUR
                axes.barh(position, float(min(share, Decimal(150))), color=colour, height=0.6)
            if indicator.expected_now is not None and indicator.target:
                expected = float(indicator.expected_now / indicator.target * 100)
                axes.plot([expected, expected], [position - 0.4, position + 0.4], color="black")
        axes.axvline(100, color=TARGET_COLOUR, linestyle="--", linewidth=1)
        axes.set_yticks(list(positions), labels)
        axes.invert_yaxis()
        axes.set_xlabel(_("Share of the target reached, per cent (black mark: expected by now)"))
        return _png(figure)


def breakdown_chart(indicator: IndicatorFigures, breakdown: Breakdown) -> bytes | None:
    cells = breakdown.cells
    if not cells or all(cell.suppressed or cell.value is None for cell in cells):
        return None
    with rc_context(_STYLE):
        figure = Figure(figsize=(6, 0.35 * len(cells) + 1.1))
        axes = figure.add_subplot()
        for position, cell in enumerate(cells):
            if cell.suppressed:
                axes.text(
                    0,
                    position,
                    " " + suppressed_words(complementary=cell.complementary),
                    va="center",
                    fontsize=8,
                )
            elif cell.value is not None:
                axes.barh(position, float(cell.value), color=ACTUAL_COLOUR, height=0.6)
        axes.set_yticks(range(len(cells)), [_shorten(cell.label, 30) for cell in cells])
        axes.invert_yaxis()
        axes.set_title(_shorten(f"{indicator.code}: {breakdown.label}", 60), fontsize=9, loc="left")
        return _png(figure)


def trend_chart(indicator: IndicatorFigures) -> bytes | None:
    """The cumulative value month by month, with the target; a suppressed month is a gap."""
    points = indicator.trend
    if len(points) < 2 or all(p.suppressed or p.value is None for p in points):
        return None
    with rc_context(_STYLE):
        figure = Figure(figsize=(6, 2.6))
        axes = figure.add_subplot()
        days = [p.day for p in points]
        values = [
            float("nan") if p.suppressed or p.value is None else float(p.value) for p in points
        ]
        axes.plot(days, values, marker="o", markersize=3, color=ACTUAL_COLOUR, label=_("actual"))
        if any(p.suppressed for p in points):
            axes.plot([], [], " ", label=_("gaps: %(words)s") % {"words": suppressed_words()})
        if indicator.target is not None:
            axes.axhline(
                float(indicator.target), color=TARGET_COLOUR, linestyle="--", label=_("target")
            )
        axes.set_title(f"{indicator.code}: {_shorten(indicator.name, 60)}", fontsize=9, loc="left")
        axes.legend(fontsize=7, frameon=False)
        axes.set_ylim(bottom=0)
        figure.autofmt_xdate()
        axes.set_xlabel(
            _("%(start)s to %(end)s")
            % {"start": readable_date(days[0]), "end": readable_date(days[-1])}
        )
        return _png(figure)


def budget_chart(budget: BudgetFigures) -> bytes | None:
    lines = budget.lines
    if not lines:
        return None
    with rc_context(_STYLE):
        figure = Figure(figsize=(6.5, 0.5 * len(lines) + 1.2))
        axes = figure.add_subplot()
        positions = list(range(len(lines)))
        axes.barh(
            [p - 0.2 for p in positions],
            [float(line.committed) for line in lines],
            height=0.4,
            color=TARGET_COLOUR,
            label=_("committed"),
        )
        axes.barh(
            [p + 0.2 for p in positions],
            [float(line.delivered) for line in lines],
            height=0.4,
            color=DELIVERED_COLOUR,
            label=_("delivered"),
        )
        axes.set_yticks(positions, [_shorten(line.label, 30) for line in lines])
        axes.invert_yaxis()
        axes.set_xlabel(budget.currency)
        axes.legend(fontsize=7, frameon=False)
        return _png(figure)
