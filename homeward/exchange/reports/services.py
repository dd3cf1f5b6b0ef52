"""Producing a report file: the one way the pages, the API and ``homeward export`` do it.

A report leaves the organisation, so its figures are always computed with
``aggregate_only=True``, whoever asks: counts of 1 to 4 are suppressed even for a manager who
sees the names on screen. Every export is audited (``report.export``, with the format and the
date the figures are as of) in the transaction that produced it; a file that fails (an IATI
file that does not validate) leaves no audit row and no file.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Capability
from homeward.casework.common import project_in_scope
from homeward.core.actors import Actor
from homeward.core.audit import audit_record
from homeward.core.errors import ValidationError
from homeward.core.scope import get_or_404
from homeward.core.services import service
from homeward.exchange.reports.layout import ReportInput
from homeward.programmes.models import Project

# Who may take a report out: readers of aggregates (donor viewers, managers, M&E officers,
# administrators) and those who run exports (managers, M&E officers, the data protection
# officer). Both only for the projects their scope reaches.
REPORT_CAPABILITIES = (Capability.VIEW_AGGREGATES, Capability.RUN_EXPORTS)


def _write_docx(report):
    from homeward.exchange.reports.docx import write_docx

    return write_docx(report)


def _write_xlsx(report):
    from homeward.exchange.reports.xlsx import write_xlsx

    return write_xlsx(report)


def _write_csv(report):
    from homeward.exchange.reports.long_csv import write_csv

    return write_csv(report)


def _write_hxl(report):
    from homeward.exchange.reports.hxl import write_hxl

    return write_hxl(report)


def _write_iati(report):
    from homeward.exchange.reports.iati import write_iati

    return write_iati(report)


@dataclass(frozen=True)
class ReportFormat:
    name: str
    label: object  # lazily translated
    content_type: str
    filename: str  # with {project} and {as_of}
    write: Callable[[ReportInput], bytes]
    # The HXL 3W counts the casework itself; the other formats lay out the figures.
    needs_figures: bool = True
    # IATI narratives are in English with the other languages beside it.
    language: str | None = None


FORMATS: dict[str, ReportFormat] = {
    "docx": ReportFormat(
        "docx",
        gettext_lazy("Progress report (Word)"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "{project}-progress-report-{as_of}.docx",
        _write_docx,
    ),
    "xlsx": ReportFormat(
        "xlsx",
        gettext_lazy("Progress report (Excel)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "{project}-progress-report-{as_of}.xlsx",
        _write_xlsx,
    ),
    "csv": ReportFormat(
        "csv",
        gettext_lazy("Figures (CSV)"),
        "text/csv; charset=utf-8",
        "{project}-figures-{as_of}.csv",
        _write_csv,
    ),
    "hxl": ReportFormat(
        "hxl",
        gettext_lazy("3W/4W (HXL)"),
        "text/csv; charset=utf-8",
        "{project}-3w-{as_of}.hxl.csv",
        _write_hxl,
        needs_figures=False,
    ),
    "iati": ReportFormat(
        "iati",
        gettext_lazy("Results (IATI 2.03 XML)"),
        "application/xml",
        "{project}-iati-{as_of}.xml",
        _write_iati,
        language="en",
    ),
}


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    filename: str
    content_type: str


def report_capability(actor: Actor, project: Project) -> Capability:
    """The capability with which ``actor`` takes reports of ``project`` out; a project they may
    not report on is not there (404)."""
    for capability in REPORT_CAPABILITIES:
        if project_in_scope(actor, project, capability):
            return capability
    raise Http404


def report_project(*, actor: Actor, code: str) -> Project:
    """The project ``code`` if ``actor`` may take its reports out, else 404."""
    project = get_or_404(Project.objects.select_related("lead_organisation"), code=code)
    report_capability(actor, project)
    return project


def parse_as_of(value) -> datetime.date | None:
    """``as_of`` as typed in a URL or on the command line (YYYY-MM-DD); empty is today."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            {"as_of": [_("Give the date as YYYY-MM-DD, for example 2026-03-31.")]}
        ) from None


def _figures(actor: Actor, project: Project, as_of: datetime.date):
    from homeward.results.selectors import project_figures

    return project_figures(actor=actor, project=project, as_of=as_of, aggregate_only=True)


@service
def report_export(*, actor: Actor, project: Project, report_format: str, as_of=None) -> ReportFile:
    """The report of ``project`` in ``report_format`` (docx, xlsx, csv, hxl, iati), with the
    figures as of ``as_of`` (today by default), audited as ``report.export``."""
    capability = report_capability(actor, project)
    chosen = FORMATS.get(report_format)
    if chosen is None:
        raise ValidationError(
            {"format": [_("Choose one of: %(formats)s.") % {"formats": ", ".join(FORMATS)}]}
        )
    today = timezone.localdate()
    as_of = parse_as_of(as_of) or today
    if as_of > today:
        raise ValidationError({"as_of": [_("The figures cannot be as of a day still to come.")]})
    language = translation.override(chosen.language) if chosen.language else nullcontext()
    with language:
        report = ReportInput(
            project=project,
            as_of=as_of,
            generated_on=today,
            actor=actor,
            capability=capability,
        )
        if chosen.needs_figures:
            report.figures = _figures(actor, project, as_of)
        content = chosen.write(report)
    filename = chosen.filename.format(project=project.code, as_of=as_of.isoformat())
    audit_record(
        actor=actor,
        action="report.export",
        target=project,
        changes={
            "format": {"before": None, "after": chosen.name},
            "as_of": {"before": None, "after": as_of.isoformat()},
            "file": {"before": None, "after": filename},
            "bytes": {"before": None, "after": len(content)},
        },
    )
    return ReportFile(content=content, filename=filename, content_type=chosen.content_type)
