"""The assistance overlap report as CSV or XLSX, made safe and audited like the list exports
(``homeward/exchange/lists.py``): a cell a spreadsheet would read as a formula is written as
text, and every export is one audit event ``export.assistance_overlap`` with the criteria, the
format and the row count.

One line per delivery shown, the row's person (household) repeated on each; the deliveries the
reader may not see are one line per organisation with their number only.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from homeward.core.audit import audit_record
from homeward.core.services import service
from homeward.dedup.overlap import OverlapRow
from homeward.exchange.lists import (
    CONTENT_TYPES,
    FORMATS,
    exporting_organisation_id,
    write_table_csv,
    write_table_xlsx,
)

NAME = "assistance_overlap"
HEADER = [
    "row",
    "unit",
    "household_id",
    "name",
    "other_records",
    "assistance",
    "through_likely_duplicate",
    "pairs",
    "organisations",
    "projects",
    "delivery_id",
    "handover_on",
    "project",
    "organisation",
    "actual_value",
    "currency",
    "deliveries",
]


def lines(rows: Iterable[OverlapRow]) -> Iterator[list]:
    """The report's lines, cells not yet made safe."""
    for number, row in enumerate(rows, start=1):
        common = [
            number,
            row.unit,
            row.household.number,
            row.name,
            "; ".join(f"{other.household_number} {other.name}".strip() for other in row.others),
            row.kind_label,
            row.through_duplicate,
            " ".join(str(pair.id) for pair in row.pairs),
            row.organisations,
            row.projects,
        ]
        for delivery in row.deliveries:
            yield [
                *common,
                delivery.pk,
                delivery.handover_on,
                delivery.project.code,
                delivery.organisation.name,
                delivery.actual_value,
                delivery.currency,
                1,
            ]
        for other in row.by_others:
            yield [
                *common,
                None,
                None,
                other.project or "",
                other.organisation or _("another organisation"),
                None,
                "",
                other.count,
            ]


def write_csv(rows: Iterable[OverlapRow], out) -> int:
    return write_table_csv(HEADER, lines(rows), out)


def write_xlsx(rows: Iterable[OverlapRow], path_or_file) -> int:
    return write_table_xlsx(HEADER, lines(rows), path_or_file, title=_("Assistance overlap"))


def file_format_of(name: str) -> str:
    """``csv`` or ``xlsx`` from a file name, else a ValidationError naming ``out``."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in FORMATS:
        raise ValidationError({"out": [_("Name a file ending in .csv or .xlsx.")]})
    return suffix


@service
def overlap_export_record(*, actor, filters: dict, file_format: str, rows: int) -> None:
    audit_record(
        actor=actor,
        action=f"export.{NAME}",
        target_type="exchange.list",
        target_id=NAME,
        target_label=NAME,
        changes={
            "filters": {"before": None, "after": filters},
            "format": {"before": None, "after": file_format},
            "rows": {"before": None, "after": rows},
        },
        organisation_id=exporting_organisation_id(actor),
    )


@dataclass
class OverlapFile:
    content: bytes
    filename: str
    content_type: str
    lines: int


def render(rows: list[OverlapRow], file_format: str) -> OverlapFile:
    """The report ``rows`` as a file, not yet audited."""
    if file_format not in FORMATS:
        raise ValidationError({"format": [_("Choose CSV or XLSX.")]})
    if file_format == "csv":
        text = io.StringIO()
        written = write_csv(rows, text)
        # Excel reads UTF-8 (Cyrillic intact) only with the byte order mark.
        content = text.getvalue().encode("utf-8-sig")
    else:
        buffer = io.BytesIO()
        written = write_xlsx(rows, buffer)
        content = buffer.getvalue()
    today = datetime.date.today().isoformat()
    return OverlapFile(
        content=content,
        filename=f"assistance-overlap-{today}.{file_format}",
        content_type=CONTENT_TYPES[file_format],
        lines=written,
    )


def overlap_export(*, actor, rows: list[OverlapRow], filters: dict, file_format: str):
    """The report ``rows`` (read by ``actor`` with ``filters``) as a file, audited."""
    exported = render(rows, file_format)
    overlap_export_record(actor=actor, filters=filters, file_format=file_format, rows=len(rows))
    return exported
