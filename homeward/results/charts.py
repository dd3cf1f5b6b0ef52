"""Charts of a project's results, drawn on the server as inline SVG.

No script and no outside asset: a field office without internet sees the same charts, a
printed page keeps them, and the site's content security policy (no inline ``style``) holds,
because every colour is an SVG presentation attribute or a class of ``app.css``.

Each chart carries ``role="img"`` with a ``<title>`` and a ``<desc>`` in words, and the same
numbers as rows of a table that the page shows beside it: for screen readers, for printing and
for whoever prefers numbers to shapes. A suppressed value (``None`` with ``suppressed``) is drawn
as a hatched, empty bar labelled "fewer than 5" and never as a number.
"""

from __future__ import annotations

import datetime
import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from homeward.casework.common import SMALL_CELL
from homeward.results.figures import Breakdown, BudgetFigures, Cell, IndicatorFigures

# Colours meet WCAG AA against white: text 4.5:1, bars and lines 3:1.
INK = "#1b1f23"
MUTED = "#55606b"
BRAND = "#1f5f8b"
LAGGING = "#a4262c"
TRACK = "#e7ebef"
PALE = "#8fb3cc"  # the committed bar beside the delivered one; outlined in BRAND
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"
FONT_SIZE = 13
# An estimate of a character's width at FONT_SIZE: the server cannot measure text.
CHAR_WIDTH = 8.2
WIDTH = 640
# A breakdown sits in a narrower column: drawn narrower, its text keeps its size on the page.
NARROW = 440


@dataclass(frozen=True)
class Chart:
    """An SVG and the table that says the same in numbers: ``headers`` and ``rows`` are
    formatted for the reader's language."""

    ident: str
    title: str
    svg: SafeString
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)


# Formatting ------------------------------------------------------------------------------


def fewer_than() -> str:
    return _("fewer than %(n)s") % {"n": SMALL_CELL}


def hidden(cell: Cell) -> str:
    """What a suppressed breakdown cell says: a cell hidden only so that a small one cannot be
    worked out from the total may hold 5 or more, so it does not say "fewer than 5"."""
    return _("hidden") if cell.complementary else fewer_than()


def cell_shown(cell: Cell, unit: str) -> str:
    return hidden(cell) if cell.suppressed else shown(cell.value, False, unit)


def number(value: Decimal | int | float | None, *, places: int | None = None) -> str:
    """``value`` as the reader's language writes it: whole numbers without decimals,
    others with one (or ``places``); thousands grouped."""
    if value is None:
        return "—"
    value = Decimal(value)
    if places is None:
        places = 0 if value == value.to_integral_value() else 1
    return number_format(value, places, use_l10n=True, force_grouping=True)


def percent(value: Decimal | int | float | None) -> str:
    if value is None:
        return "—"
    return _("%(value)s %%") % {"value": number(Decimal(value).quantize(Decimal(1)))}


def amount(value: Decimal | None, currency: str, *, places: int = 0) -> str:
    if value is None:
        return "—"
    return f"{number(value, places=places)}\xa0{currency}"


def shown(value: Decimal | None, suppressed: bool, unit: str = "") -> str:
    """A figure as a table cell: "fewer than 5" for a suppressed one."""
    if suppressed:
        return fewer_than()
    if value is None:
        return "—"
    return percent(value) if unit == "percentage" else number(value)


def month(day: datetime.date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# SVG building -------------------------------------------------------------------------------


def _attrs(attributes: dict) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None or value is False:
            continue
        if isinstance(value, float):
            value = f"{value:.1f}".rstrip("0").rstrip(".")
        parts.append(f" {name.rstrip('_').replace('_', '-')}={quoteattr(str(value))}")
    return "".join(parts)


def _el(tag: str, content: str | None = None, /, **attributes) -> str:
    if content is None:
        return f"<{tag}{_attrs(attributes)}/>"
    return f"<{tag}{_attrs(attributes)}>{content}</{tag}>"


def _text(x, y, words: str, **attributes) -> str:
    attributes.setdefault("fill", INK)
    return _el("text", escape(words), x=x, y=y, **attributes)


def _svg(
    ident: str, title: str, description: str, height: float, body: list[str], width: int = WIDTH
) -> SafeString:
    defs = _el(
        "defs",
        _el(
            "pattern",
            _el("rect", width=6, height=6, fill="#ffffff")
            + _el("path", d="M0,6 L6,0", stroke=MUTED, stroke_width=1.2),
            id=f"{ident}-hatch",
            width=6,
            height=6,
            patternUnits="userSpaceOnUse",
        ),
    )
    content = (
        _el("title", escape(title), id=f"{ident}-title")
        + _el("desc", escape(description), id=f"{ident}-desc")
        + defs
        + "".join(body)
    )
    return mark_safe(  # noqa: S308 - every text and attribute above is escaped
        _el(
            "svg",
            content,
            xmlns="http://www.w3.org/2000/svg",
            viewBox=f"0 0 {width} {math.ceil(height)}",
            width=width,
            height=math.ceil(height),
            role="img",
            aria_labelledby=f"{ident}-title {ident}-desc",
            class_="chart-svg",
            font_family=FONT,
            font_size=FONT_SIZE,
        )
    )


def _clip(label: str, characters: int) -> str:
    return label if len(label) <= characters else label[: characters - 1] + "…"


def _ticks(value: float, *, whole: bool = True) -> list[float]:
    """Round values for an axis reaching ``value``: 0 and steps of 1, 2 or 5 × 10ⁿ, four or
    five of them; steps of whole numbers for counts."""
    if value <= 0:
        return [0.0, 1.0]
    rough = value / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(s * magnitude for s in (1, 2, 5, 10) if s * magnitude >= rough)
    if whole:
        step = max(step, 1.0)
    count = math.ceil(value / step - 1e-9)
    return [step * index for index in range(count + 1)]


def _hatched_bar(ident: str, x: float, y: float, height: float) -> str:
    """A suppressed value: an outlined, hatched bar of a fixed width that says nothing of
    the value behind it."""
    return _el(
        "rect",
        x=x,
        y=y,
        width=28,
        height=height,
        fill=f"url(#{ident}-hatch)",
        stroke=MUTED,
        stroke_width=1,
        stroke_dasharray="3 2",
        class_="chart-suppressed",
    )


# Progress of one indicator --------------------------------------------------------------------


def progress_chart(indicator: IndicatorFigures, *, ident: str) -> Chart:
    """A bar of the actual against the target, with a mark where an even pace would be by
    now. A percentage is drawn on a scale of 0–100 with the target as a mark."""
    unit = indicator.unit
    is_share = unit == "percentage"
    target = indicator.target
    actual = indicator.actual
    expected = indicator.expected_now
    left, right, track_y, track_height = 8.0, WIDTH - 8.0, 30.0, 22.0
    span = right - left
    scale_max = 100.0 if is_share else max(float(target or 0), float(actual or 0), 1.0)

    def at(value) -> float:
        return left + span * min(float(value), scale_max) / scale_max

    body = [
        _el("rect", x=left, y=track_y, width=span, height=track_height, fill=TRACK, rx=3),
    ]
    if indicator.suppressed:
        body.append(_hatched_bar(ident, left, track_y, track_height))
        body.append(_text(left + 36, track_y + 16, fewer_than()))
    elif actual is not None and actual > 0:
        colour = LAGGING if indicator.lagging else BRAND
        body.append(
            _el(
                "rect",
                x=left,
                y=track_y,
                width=max(at(actual) - left, 2.0),
                height=track_height,
                fill=colour,
                rx=3,
                class_="chart-bar-lagging" if indicator.lagging else "chart-bar",
            )
        )
    if target is not None:
        x = at(target)
        body.append(
            _el(
                "line",
                x1=x,
                x2=x,
                y1=track_y - 6,
                y2=track_y + track_height + 6,
                stroke=INK,
                stroke_width=2,
            )
        )
        body.append(
            _text(
                x,
                track_y - 10,
                _("target %(value)s") % {"value": shown(target, False, unit)},
                text_anchor="end" if x > WIDTH / 2 else "start",
            )
        )
    if expected is not None and not is_share:
        x = at(expected)
        body.append(
            _el(
                "line",
                x1=x,
                x2=x,
                y1=track_y - 4,
                y2=track_y + track_height + 14,
                stroke=INK,
                stroke_width=2,
                stroke_dasharray="4 3",
                class_="chart-pace",
            )
        )
        body.append(
            _text(
                x,
                track_y + track_height + 28,
                _("expected by now %(value)s") % {"value": number(expected)},
                text_anchor="end" if x > WIDTH / 2 else "start",
                fill=MUTED,
            )
        )
    actual_words = fewer_than() if indicator.suppressed else shown(actual, False, unit)
    status = _("lagging behind the expected pace") if indicator.lagging else ""
    description = _("Actual %(actual)s against a target of %(target)s.") % {
        "actual": actual_words,
        "target": shown(target, False, unit),
    }
    if indicator.percent_of_target is not None and not indicator.suppressed:
        description += " " + _("%(percent)s of the target.") % {
            "percent": percent(indicator.percent_of_target)
        }
    if expected is not None and not is_share:
        description += " " + _("Expected by now at an even pace: %(value)s.") % {
            "value": number(expected)
        }
    if status:
        description += " " + _("Lagging.")
    title = _("%(code)s: progress towards the target") % {"code": indicator.code}
    rows = [
        (_("Baseline"), shown(indicator.baseline, False, unit)),
        (_("Target"), shown(target, False, unit)),
        (_("Expected by now"), "—" if is_share else number(expected)),
        (_("Actual"), actual_words),
        (
            _("Share of the target"),
            "—" if indicator.suppressed else percent(indicator.percent_of_target),
        ),
    ]
    return Chart(
        ident=ident,
        title=title,
        svg=_svg(ident, title, description, 92, body),
        headers=(_("Figure"), _("Value")),
        rows=rows,
    )


# Trend of one indicator ---------------------------------------------------------------------


def trend_chart(
    indicator: IndicatorFigures,
    *,
    start: datetime.date | None,
    end: datetime.date | None,
    ident: str,
) -> Chart | None:
    """The cumulative actual month by month, and the target's path: from the baseline at the
    project's start to the target at its end (a share's target is a level line)."""
    points = indicator.trend
    if not points:
        return None
    unit = indicator.unit
    is_share = unit == "percentage"
    first = start or points[0].day
    last = max(end or points[-1].day, points[-1].day)
    if last <= first:
        last = first + datetime.timedelta(days=1)
    known = [float(p.value) for p in points if p.value is not None and not p.suppressed]
    target = float(indicator.target) if indicator.target is not None else None
    baseline = float(indicator.baseline or 0)
    top = max([*known, target or 0.0, baseline, 1.0])
    if is_share and top <= 100:
        ticks = [0.0, 25.0, 50.0, 75.0, 100.0]
    else:
        ticks = _ticks(top, whole=not is_share)
    top = ticks[-1]
    left, right, top_y, bottom_y = 64.0, WIDTH - 16.0, 16.0, 196.0

    def x_of(value: datetime.date) -> float:
        share = (value - first).days / (last - first).days
        return left + (right - left) * min(max(share, 0.0), 1.0)

    def y_of(value: float) -> float:
        return bottom_y - (bottom_y - top_y) * min(value, top) / top

    body = []
    for value in ticks:
        y = y_of(value)
        body.append(_el("line", x1=left, x2=right, y1=y, y2=y, stroke=TRACK, stroke_width=1))
        label = percent(value) if is_share else number(Decimal(str(round(value, 1))))
        body.append(_text(left - 6, y + 4, label, text_anchor="end", fill=MUTED))
    body.append(_el("line", x1=left, x2=right, y1=bottom_y, y2=bottom_y, stroke=MUTED))
    body.append(_text(left, bottom_y + 18, month(first), fill=MUTED))
    body.append(_text(right, bottom_y + 18, month(last), text_anchor="end", fill=MUTED))

    path = target_path(indicator, first, last)
    if path:
        if is_share:
            drawn = [(left, y_of(float(path[0][1]))), (right, y_of(float(path[0][1])))]
        else:
            drawn = [(x_of(when), y_of(float(value))) for when, value in path]
        body.append(
            _el(
                "polyline",
                points=" ".join(f"{x:.1f},{y:.1f}" for x, y in drawn),
                fill="none",
                stroke=MUTED,
                stroke_width=2,
                stroke_dasharray="6 4",
                class_="chart-target-path",
            )
        )

    segment: list[tuple[float, float]] = []
    segments = [segment]
    for point in points:
        if point.value is None and not point.suppressed:
            # Nothing known yet (a value entered by hand later): a gap, not a mark.
            segment = []
            segments.append(segment)
            continue
        if point.suppressed:
            body.append(
                _el(
                    "circle",
                    cx=x_of(point.day),
                    cy=bottom_y,
                    r=3.5,
                    fill=f"url(#{ident}-hatch)",
                    stroke=MUTED,
                    class_="chart-suppressed",
                )
            )
            segment = []
            segments.append(segment)
            continue
        segment.append((x_of(point.day), y_of(float(point.value))))
    for line in segments:
        if len(line) > 1:
            body.append(
                _el(
                    "polyline",
                    points=" ".join(f"{x:.1f},{y:.1f}" for x, y in line),
                    fill="none",
                    stroke=BRAND,
                    stroke_width=2.5,
                    class_="chart-line",
                )
            )
        for x, y in line:
            body.append(_el("circle", cx=x, cy=y, r=3, fill=BRAND))

    legend_y = bottom_y + 40
    body.append(
        _el(
            "line",
            x1=left,
            x2=left + 24,
            y1=legend_y - 4,
            y2=legend_y - 4,
            stroke=BRAND,
            stroke_width=2.5,
        )
    )
    body.append(
        _text(left + 30, legend_y, _("actual, cumulative") if not is_share else _("actual"))
    )
    actual_header = _("Actual") if is_share else _("Actual, cumulative")
    headers: tuple[str, ...] = (_("Month"), actual_header)
    rows = [(month(point.day), shown(point.value, point.suppressed, unit)) for point in points]
    if path:
        legend_x = left + 30 + CHAR_WIDTH * 22
        body.append(
            _el(
                "line",
                x1=legend_x,
                x2=legend_x + 24,
                y1=legend_y - 4,
                y2=legend_y - 4,
                stroke=MUTED,
                stroke_width=2,
                stroke_dasharray="6 4",
            )
        )
        body.append(
            _text(legend_x + 30, legend_y, _("target path") if not is_share else _("target"))
        )
        headers += (_("Target") if is_share else _("Target path"),)
        rows = [
            (*row, shown(path_value(path, point.day), False, unit))
            for row, point in zip(rows, points, strict=True)
        ]
    title = _("%(code)s: trend") % {"code": indicator.code}
    latest = points[-1]
    description = _("From %(first)s to %(last)s; latest value %(value)s on %(day)s.") % {
        "first": month(points[0].day),
        "last": month(latest.day),
        "value": shown(latest.value, latest.suppressed, unit),
        "day": day(latest.day),
    }
    return Chart(
        ident=ident,
        title=title,
        svg=_svg(ident, title, description, legend_y + 10, body),
        headers=headers,
        rows=rows,
    )


def target_path(
    indicator: IndicatorFigures, first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, Decimal]]:
    """Where the target asks the indicator to be, as (day, value) corners: the baseline at the
    start, then each period's target (cumulative) at its end, else the end-of-project target
    at the end. A share's target is one level, given once."""
    if indicator.target is None:
        return []
    if indicator.unit == "percentage":
        return [(first, indicator.target)]
    path = [(first, indicator.baseline or Decimal(0))]
    for period in sorted(indicator.periods, key=lambda period: period.end):
        if period.target is not None and period.end > path[-1][0]:
            path.append((period.end, period.target))
    if len(path) == 1:
        path.append((last, indicator.target))
    return path


def path_value(path: list[tuple[datetime.date, Decimal]], when: datetime.date) -> Decimal | None:
    """The target path's value on ``when``, straight between its corners."""
    if not path:
        return None
    if len(path) == 1 or when <= path[0][0]:
        return path[0][1]
    for (day_before, before), (day_after, after) in itertools.pairwise(path):
        if when <= day_after:
            share = Decimal((when - day_before).days) / Decimal((day_after - day_before).days)
            return (before + (after - before) * share).quantize(Decimal("0.1"))
    return path[-1][1]


# A breakdown: sex, age band, displacement status, municipality, disability ---------------------


def breakdown_chart(breakdown: Breakdown, *, unit: str, ident: str, title: str = "") -> Chart:
    """One horizontal bar per group, longest value longest bar."""
    is_share = unit == "percentage"
    cells = breakdown.cells
    label_chars = min(max([8, *(len(cell.label) for cell in cells)]), 22)
    left = 8 + label_chars * CHAR_WIDTH + 8
    value_room = 96.0
    right = NARROW - value_room
    row_height, bar_height, top_y = 26.0, 16.0, 6.0
    known = [float(c.value) for c in cells if c.value is not None and not c.suppressed]
    scale_max = 100.0 if is_share else max([*known, 1.0])
    body = []
    for index, cell in enumerate(cells):
        y = top_y + index * row_height
        body.append(
            _el(
                "text",
                _el("title", escape(cell.label)) + escape(_clip(cell.label, label_chars + 1)),
                x=left - 8,
                y=y + 13,
                text_anchor="end",
                fill=INK,
            )
        )
        if cell.suppressed:
            body.append(_hatched_bar(ident, left, y, bar_height))
            body.append(_text(left + 36, y + 13, hidden(cell), fill=MUTED))
            continue
        if cell.value is None:
            body.append(_text(left + 4, y + 13, "—", fill=MUTED))
            continue
        width = (right - left) * min(float(cell.value), scale_max) / scale_max
        if width > 0:
            body.append(
                _el(
                    "rect",
                    x=left,
                    y=y,
                    width=max(width, 2.0),
                    height=bar_height,
                    fill=BRAND,
                    class_="chart-bar",
                )
            )
        body.append(_text(left + width + 6, y + 13, shown(cell.value, False, unit)))
    title = title or breakdown.label
    described = "; ".join(f"{cell.label}: {cell_shown(cell, unit)}" for cell in cells)
    return Chart(
        ident=ident,
        title=title,
        svg=_svg(ident, title, described, top_y + len(cells) * row_height + 4, body, NARROW),
        headers=(breakdown.label, _("Value")),
        rows=[(cell.label, cell_shown(cell, unit)) for cell in cells],
    )


# Budget ---------------------------------------------------------------------------------------


def budget_chart(budget: BudgetFigures, *, ident: str) -> Chart:
    """The budget, what is committed and what is delivered; then, per kind of assistance,
    committed (pale) beside delivered (dark)."""
    currency = budget.currency
    overall = [(_("Committed"), budget.committed, PALE), (_("Delivered"), budget.delivered, BRAND)]
    if budget.budget is not None:
        overall.insert(0, (_("Budget"), budget.budget, TRACK))
    labels = [label for label, _value, _colour in overall] + [line.label for line in budget.lines]
    label_chars = min(max([8, *(len(label) for label in labels)]), 26)
    left = 8 + label_chars * CHAR_WIDTH + 8
    right = WIDTH - 120.0
    scale_max = max(
        [float(value) for _label, value, _colour in overall]
        + [float(line.committed) for line in budget.lines]
        + [float(line.delivered) for line in budget.lines]
        + [1.0]
    )

    def bar(y, value, colour, height) -> list[str]:
        width = (right - left) * float(value) / scale_max
        parts = []
        if width > 0:
            parts.append(
                _el(
                    "rect",
                    x=left,
                    y=y,
                    width=max(width, 2.0),
                    height=height,
                    fill=colour,
                    stroke=BRAND if colour != BRAND else None,
                    stroke_width=1 if colour != BRAND else None,
                )
            )
        parts.append(_text(left + width + 6, y + height - 3, amount(value, currency)))
        return parts

    body = []
    y = 6.0
    for label, value, colour in overall:
        body.append(_text(left - 8, y + 14, _clip(label, label_chars + 1), text_anchor="end"))
        body.extend(bar(y, value, colour, 18))
        y += 26
    if budget.lines:
        y += 8
        body.append(_el("line", x1=8, x2=WIDTH - 8, y1=y - 6, y2=y - 6, stroke=TRACK))
        for line in budget.lines:
            body.append(
                _el(
                    "text",
                    _el("title", escape(line.label)) + escape(_clip(line.label, label_chars + 1)),
                    x=left - 8,
                    y=y + 17,
                    text_anchor="end",
                    fill=INK,
                )
            )
            body.extend(bar(y, line.committed, PALE, 11))
            body.extend(bar(y + 13, line.delivered, BRAND, 11))
            y += 34
    title = _("Budget committed and delivered")
    description = _("Committed %(committed)s, delivered %(delivered)s") % {
        "committed": amount(budget.committed, currency),
        "delivered": amount(budget.delivered, currency),
    }
    if budget.budget is not None:
        description += _(" of a budget of %(budget)s") % {"budget": amount(budget.budget, currency)}
    description += "."
    rows = []
    if budget.budget is not None:
        rows.append((_("Budget"), amount(budget.budget, currency, places=2), "", ""))
    rows.append(
        (
            _("All assistance"),
            amount(budget.committed, currency, places=2),
            amount(budget.delivered, currency, places=2),
            percent(_share(budget.delivered, budget.committed)),
        )
    )
    for line in budget.lines:
        rows.append(
            (
                line.label,
                amount(line.committed, currency, places=2),
                amount(line.delivered, currency, places=2),
                percent(_share(line.delivered, line.committed)),
            )
        )
    return Chart(
        ident=ident,
        title=title,
        svg=_svg(ident, title, description, y + 4, body),
        headers=(_("Budget line"), _("Committed"), _("Delivered"), _("Delivered of committed")),
        rows=rows,
    )


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)
