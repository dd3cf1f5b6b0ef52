"""Importing people from partners' files: the dry run, the real run and the background job.

What the web pages, the API and the command call:

* ``import_check(*, actor, source, filename, project, organisation=None, mapping=None)``
  → ``ImportReport``: the dry run. Reads the file, maps its headers, validates every row with
  the registry's own rules and lists every problem (row, column, value, why, error|warning),
  the likely duplicates of people already registered and how many households and people
  would be new or updated. Writes nothing to the registry; the report is kept as a
  ``PeopleImport`` (status "checked") with its problems, so that a page can show it later.
* ``people_import(*, actor, source, filename, project, organisation=None, mapping=None,
  progress=None)`` → ``ImportReport``: the real run. Checks exactly as the dry run; if any
  error is found nothing is written to the registry and the report comes back with
  ``refused=True`` (kept as a "refused" ``PeopleImport``); otherwise all households and
  people are written in one transaction, enrolled in ``project`` as candidates, and the
  report comes back with ``refused=False`` (status "imported").
* ``people_import_start(*, actor, source, filename, project, organisation=None,
  mapping=None, dry_run=False)`` → ``core.models.Job`` of kind ``"people.import"``: the same,
  in the background with progress (``core/jobs.py``). The upload is copied under
  ``MEDIA_ROOT/imports/``; the job's ``result`` is ``ImportReport.as_dict()`` (without the
  problem list: read it from ``ImportProblem`` by ``result["import"]``).
* ``headers_of(*, source, filename)`` → ``FileHeaders``: the headers of a file and the field
  each is mapped to automatically, for the page on which people map the other headers.
* ``template_file(*, file_format)`` → ``bytes``: the downloadable template, "csv" or "xlsx".
* ``IMPORT_FIELDS`` (``columns.py``): every field a column may be mapped to, with its label.

``source`` is a path (``str``/``Path``), ``bytes``, or a file object with ``read()`` (a
Django ``UploadedFile``). ``filename`` is the name the user gave it: its extension decides
between CSV and XLSX when the content does not. ``mapping`` is ``{header as written in the
file: field name}``; a header mapped to ``""`` is left out; headers not named in it are
mapped automatically. ``organisation`` defaults to the actor's own organisation in the
project. Permission: registering households for that organisation (``EDIT_REGISTRY``) in a
project in the actor's scope; otherwise ``Http404``. A file that cannot be read at all is
not an exception: the report says why in ``message`` and carries one error of the whole file
(``row`` None).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from homeward.accounts.models import Organisation
from homeward.core.actors import Actor
from homeward.programmes.models import Project

Source = str | Path | bytes | IO[bytes]

ERROR = "error"
WARNING = "warning"
WHOLE_FILE = None  # the row of a problem of the file as a whole (a header, the encoding...)


@dataclass
class Problem:
    """Something wrong with one cell or row. ``row`` numbers rows as the spreadsheet shows
    them (the header is row 1; ``WHOLE_FILE``, None, for the file as a whole); ``column`` is
    the header as written in the file; ``field`` the import field it maps to."""

    row: int | None
    column: str
    value: str
    message: str
    severity: str = ERROR  # ERROR or WARNING
    field: str = ""
    sheet: str = ""

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "sheet": self.sheet,
            "column": self.column,
            "field": self.field,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass
class LikelyDuplicate:
    """A row that looks like a person already registered (``registry.duplicates`` rules).

    ``other_person_id`` is the registered person; ``visible`` says whether the actor may see
    them (an invisible one must be shown without name or household, as registration does).
    """

    row: int
    first_name: str
    last_name: str
    other_person_id: int
    matched_on: str  # a key of registry.duplicates.RULES
    visible: bool = True

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "other_person": self.other_person_id if self.visible else None,
            "matched_on": self.matched_on,
        }


@dataclass
class FileHeaders:
    """The headers of a file, with the field each maps to automatically ("" for none)."""

    file_format: str  # "csv", "xlsx" or "kobo"
    encoding: str  # for CSV: "utf-8", "utf-8-sig", "cp1250" or "cp1251"; "" for XLSX
    headers: list[str]
    mapping: dict[str, str]
    message: str = ""  # why the file could not be read, when it could not


@dataclass
class ImportReport:
    """What a dry run found, or what a real run did (``refused`` says whether it wrote)."""

    people_import: object  # the saved exchange.models.PeopleImport
    filename: str
    file_format: str = ""
    encoding: str = ""
    delimiter: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[LikelyDuplicate] = field(default_factory=list)
    households_new: int = 0
    households_updated: int = 0
    people_new: int = 0
    people_updated: int = 0
    dry_run: bool = True
    refused: bool = False
    message: str = ""  # the file as a whole could not be read: why
    # Seconds spent reading, checking, looking up and writing: for benchmarks and logs.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self, *, problems: bool = False) -> dict:
        summary = {
            "import": getattr(self.people_import, "pk", None),
            "filename": self.filename,
            "file_format": self.file_format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "mapping": self.mapping,
            "rows": self.rows,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "duplicates": len(self.duplicates),
            "households_new": self.households_new,
            "households_updated": self.households_updated,
            "people_new": self.people_new,
            "people_updated": self.people_updated,
            "dry_run": self.dry_run,
            "refused": self.refused,
            "message": self.message,
        }
        if problems:
            summary["problems"] = [problem.as_dict() for problem in self.problems]
            summary["likely_duplicates"] = [dup.as_dict() for dup in self.duplicates]
        return summary


def import_check(
    *,
    actor: Actor,
    source: Source,
    filename: str,
    project: Project,
    organisation: Organisation | None = None,
    mapping: dict[str, str] | None = None,
    progress=None,
) -> ImportReport:
    """The dry run: see the module's docstring."""
    from homeward.exchange.imports.engine import run_import

    return run_import(
        actor=actor,
        source=source,
        filename=filename,
        project=project,
        organisation=organisation,
        mapping=mapping,
        dry_run=True,
        progress=progress,
    )


def people_import(
    *,
    actor: Actor,
    source: Source,
    filename: str,
    project: Project,
    organisation: Organisation | None = None,
    mapping: dict[str, str] | None = None,
    progress=None,
) -> ImportReport:
    """The real run, all or nothing: see the module's docstring. ``progress`` is a
    ``core.jobs.Progress`` (or None)."""
    from homeward.exchange.imports.engine import run_import

    return run_import(
        actor=actor,
        source=source,
        filename=filename,
        project=project,
        organisation=organisation,
        mapping=mapping,
        dry_run=False,
        progress=progress,
    )


def people_import_start(
    *,
    actor: Actor,
    source: Source,
    filename: str,
    project: Project,
    organisation: Organisation | None = None,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
):
    """Start a ``people.import`` job (see the module's docstring); returns the ``Job``."""
    from homeward.exchange.imports.jobs import start

    return start(
        actor=actor,
        source=source,
        filename=filename,
        project=project,
        organisation=organisation,
        mapping=mapping,
        dry_run=dry_run,
    )


def headers_of(*, source: Source, filename: str) -> FileHeaders:
    """The headers of a file and their automatic mapping: see the module's docstring."""
    from homeward.exchange.imports.engine import file_headers

    return file_headers(source=source, filename=filename)


def template_file(*, file_format: str) -> bytes:
    """The template to fill in, "csv" (UTF-8 with BOM, so Excel reads it) or "xlsx"."""
    from homeward.exchange.imports.columns import template_bytes

    return template_bytes(file_format)
