"""What every report layout shares: what goes in, how a number is written for a reader, and
the words for what the figures mean (a suppressed cell, the pace of an indicator)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from homeward.casework.common import SMALL_CELL
from homeward.results.figures import IndicatorFigures, ProjectFigures

# What a suppressed cell shows where a column holds numbers (CSV, XLSX, HXL): short, and
# never a number a spreadsheet could add up.
SUPPRESSED_MARK = f"<{SMALL_CELL}"
# A cell hidden only so that a small one cannot be worked out from the total: it may hold 5
# or more, so it is not written "<5" (the statistical offices' mark for "confidential").
COMPLEMENTARY_MARK = "x"


@dataclass
class ReportInput:
    """What a layout is given. ``figures`` is None for the HXL file, which counts the
    casework itself; ``actor`` and ``capability`` are what it counts with."""

    project: object  # programmes.Project
    as_of: datetime.date
    generated_on: datetime.date
    figures: ProjectFigures | None = None
    actor: object = None
    capability: object = None


# Characters XML 1.0 cannot hold (a vertical tab pasted from a word processor): DOCX, XLSX
# and IATI files are XML, and one such character in an indicator's name would fail the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text) -> str:
    return _NOT_XML.sub(" ", str(text))


def suppressed_words(*, complementary: bool = False) -> str:
    if complementary:
        return _("hidden, so that a smaller group cannot be worked out")
    return _("fewer than %(count)s") % {"count": SMALL_CELL}


def hidden_mark(*, complementary: bool = False) -> str:
    return COMPLEMENTARY_MARK if complementary else SUPPRESSED_MARK


def plain_number(value: Decimal | None) -> int | float | None:
    """A figure as a spreadsheet number: whole numbers stay whole."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 2))


def plain_text(value: Decimal | None) -> str:
    """A figure as machine-readable text: ``12``, ``45.5``, never grouped or localised."""
    number = plain_number(value)
    return "" if number is None else str(number)


def readable(
    value: Decimal | None, *, suppressed: bool = False, unit: str = "", complementary: bool = False
) -> str:
    """A figure as the reader's language writes it: ``2,250``, ``40.5 %``, "fewer than 5"."""
    if suppressed:
        return suppressed_words(complementary=complementary)
    if value is None:
        return "—"
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 1
    text = number_format(value, places, use_l10n=True, force_grouping=True)
    return f"{text} %" if unit == "percentage" else text


def readable_percent(value: Decimal | None) -> str:
    """A share in per cent, to one decimal where it has one: ``57.5 %``, ``120 %``."""
    if value is None:
        return "—"
    return readable(Decimal(value).quantize(Decimal("0.1")), unit="percentage")


def readable_date(day: datetime.date | None) -> str:
    return date_format(day, "DATE_FORMAT", use_l10n=True) if day else "—"


def percent_of_target(indicator: IndicatorFigures) -> Decimal | None:
    """The share of the target reached; none where the actual is suppressed, since target ×
    share would give the small number back."""
    if indicator.suppressed or indicator.actual is None:
        return None
    return indicator.percent_of_target


def pace_words(indicator: IndicatorFigures) -> str:
    """The pace of an indicator in words, as the report's reader takes it in."""
    if indicator.target is None:
        return _("no target set")
    if (
        not indicator.suppressed
        and indicator.actual is not None
        and indicator.actual >= indicator.target
    ):
        return _("target reached")
    if indicator.lagging:
        if indicator.expected_now is None:
            return _("lagging behind the expected pace")
        return _("lagging: %(expected)s expected by now") % {
            "expected": readable(indicator.expected_now, unit=indicator.unit)
        }
    return _("on track")


def lagging_words(indicator: IndicatorFigures) -> str:
    return (
        pgettext("indicator lags", "yes") if indicator.lagging else pgettext("indicator lags", "no")
    )


def level_label(level: str) -> str:
    return {
        "objective": _("Objective"),
        "outcome": _("Outcome"),
        "output": _("Output"),
    }.get(level, level)


def unit_label(unit: str) -> str:
    return {
        "people": _("people"),
        "households": _("households"),
        "events": _("events"),
        "organisations": _("organisations"),
        "percentage": _("percentage"),
    }.get(unit, unit)


def source_label(source: str) -> str:
    return {
        "rule": _("computed from casework"),
        "manual": _("entered by hand"),
        "none": _("not yet measured"),
    }.get(source, source)


def results_in_order(figures: ProjectFigures):
    """Each result with its indicators, in framework order; indicators the framework does not
    place come last under no result."""
    placed: set[int] = set()
    for result in figures.results:
        indicators = [
            figures.indicator(indicator_id)
            for indicator_id in result.indicator_ids
            if any(i.indicator_id == indicator_id for i in figures.indicators)
        ]
        placed.update(i.indicator_id for i in indicators)
        yield result, indicators
    rest = [i for i in figures.indicators if i.indicator_id not in placed]
    if rest:
        yield None, rest


def safe_filename_part(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text).strip("-") or "x"
