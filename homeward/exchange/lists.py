"""Exports of filtered lists (people, households, deliveries, attendance) to CSV and XLSX.

Who may export what (DESIGN.md, data protection: every export is audited, personal data only
to whom needs it):

* **people** and **households** (the registry, filtered as on its search page): whoever may both
  see personal data and run exports (project managers, M&E officers, the data protection
  officer); rows within both scopes.
* **deliveries** of a project and the **attendance** of an activity: the lists a field team
  takes to a distribution or a training, so besides those who run exports, whoever records
  casework in that project (case workers) may export them.

Everybody else finds no export there (404). Each export is one audit event ``export.<list>``
with the filters, the format and the row count. A list longer than ``DIRECT_ROWS`` is written
by a background job whose page offers the file once written.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Capability
from homeward.casework.common import project_in_scope
from homeward.core.audit import audit_record
from homeward.core.exports import neutralise_formula
from homeward.core.jobs import job_handler, job_start
from homeward.core.scope import scope_filter
from homeward.core.services import service

# Longer lists are written by a background job (a minute of a request is too long to wait).
DIRECT_ROWS = 5000
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
JOB_KIND = "exchange.list_export"


@dataclass
class ListRows:
    """What an export writes: its header, its rows (lazily) and what the audit records."""

    name: str
    header: list[str]
    rows: Iterable
    count: int
    filters: dict
    target: models.Model | None = None
    extra: dict = field(default_factory=dict)


def _text(value) -> str:
    return "" if value is None else str(value)


def _cell(value):
    """Numbers and dates stay numbers and dates; everything else is text, made inert."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    return neutralise_formula(value)


def _csv_value(value) -> str:
    value = _cell(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _place(area) -> str:
    return area.full_name if area is not None else ""


# --- who may export ------------------------------------------------------------------------


def may_export_registry(actor) -> bool:
    return actor.can(Capability.VIEW_PERSONAL_DATA) and actor.can(Capability.RUN_EXPORTS)


def may_export_project_list(actor, project) -> bool:
    """Deliveries and attendance of ``project``: its field team prepares them, too."""
    if not project_in_scope(actor, project, Capability.VIEW_PERSONAL_DATA):
        return False
    return project_in_scope(actor, project, Capability.RUN_EXPORTS) or project_in_scope(
        actor, project, Capability.RECORD_CASEWORK
    )


def may_export_anything(actor) -> bool:
    return may_export_registry(actor) or (
        actor.can(Capability.VIEW_PERSONAL_DATA)
        and (actor.can(Capability.RUN_EXPORTS) or actor.can(Capability.RECORD_CASEWORK))
    )


def _clean_filters(params) -> dict:
    """The filters as the person gave them (empty ones left out): what the audit records and
    what a background job reads again."""
    return {
        key: str(value)
        for key, value in params.items()
        if key not in {"format", "page", "sort_dir"} and str(value).strip() != ""
    }


def _invalid(form) -> ValidationError:
    return ValidationError(
        {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    )


# --- the lists -----------------------------------------------------------------------------

PEOPLE_HEADER = [
    "household_id",
    "relationship_to_head",
    "first_name",
    "father_name",
    "last_name",
    "sex",
    "date_of_birth",
    "year_of_birth_only",
    "national_id",
    "phone",
    "displacement_status",
    "current_municipality",
    "settlement",
    "address",
    "origin_municipality",
    "organisation",
    "project",
]


def _registry_form(actor, params):
    from homeward.programmes.selectors import project_list
    from homeward.registry.forms import RegistrySearchForm

    form = RegistrySearchForm(params, projects=project_list(actor=actor))
    if not form.is_valid():
        raise _invalid(form)
    return form


def _people(actor, params) -> ListRows:
    from homeward.registry.models import Person
    from homeward.registry.selectors import person_search

    if not may_export_registry(actor):
        raise Http404
    form = _registry_form(actor, params)
    people = person_search(
        actor=actor, ordering=form.cleaned_data.get("sort") or "name", **form.filters()
    )
    # Within what the actor may see and what they may export.
    exportable = scope_filter(Person, actor.scope(Capability.RUN_EXPORTS))
    if exportable is not None:
        people = people.filter(exportable)
    people = people.select_related(
        "household",
        "household__current_municipality",
        "household__current_municipality__parent",
        "household__origin_municipality",
        "household__origin_municipality__parent",
        "household__organisation",
        "household__project",
    )

    def rows():
        for person in people.iterator(chunk_size=2000):
            household = person.household
            yield [
                household.number,
                person.relationship_to_head,
                person.first_name,
                person.father_name,
                person.last_name,
                {"female": "F", "male": "M"}.get(person.sex, person.sex),
                person.date_of_birth,
                person.date_of_birth_estimated,
                person.national_id,
                person.phone,
                person.displacement_status,
                _place(household.current_municipality),
                household.current_settlement,
                household.address,
                _place(household.origin_municipality),
                household.organisation.code,
                household.project.code if household.project else "",
            ]

    return ListRows(
        name="people",
        header=PEOPLE_HEADER,
        rows=rows(),
        count=people.count(),
        filters=_clean_filters(params),
    )


HOUSEHOLDS_HEADER = [
    "household_id",
    "head_first_name",
    "head_last_name",
    "members",
    "phone",
    "current_municipality",
    "settlement",
    "address",
    "accommodation",
    "origin_municipality",
    "origin_settlement",
    "return_intention",
    "registered_on",
    "organisation",
    "project",
]


def _households(actor, params) -> ListRows:
    from homeward.registry.models import Household
    from homeward.registry.selectors import household_search

    if not may_export_registry(actor):
        raise Http404
    form = _registry_form(actor, params)
    households = household_search(
        actor=actor, ordering=form.cleaned_data.get("sort") or "number", **form.filters()
    )
    exportable = scope_filter(Household, actor.scope(Capability.RUN_EXPORTS))
    if exportable is not None:
        households = households.filter(exportable)
    households = households.select_related(
        "current_municipality__parent", "origin_municipality", "origin_municipality__parent"
    )

    def rows():
        for household in households.iterator(chunk_size=2000):
            head = household.heads[0] if household.heads else None
            yield [
                household.number,
                head.first_name if head else "",
                head.last_name if head else "",
                household.size or 0,
                household.phone,
                _place(household.current_municipality),
                household.current_settlement,
                household.address,
                household.accommodation,
                _place(household.origin_municipality),
                household.origin_settlement,
                household.return_intention,
                household.registered_on,
                household.organisation.code,
                household.project.code if household.project else "",
            ]

    return ListRows(
        name="households",
        header=HOUSEHOLDS_HEADER,
        rows=rows(),
        count=households.count(),
        filters=_clean_filters(params),
    )


DELIVERIES_HEADER = [
    "delivery_id",
    "project",
    "assistance_type",
    "assistance_type_name",
    "household_id",
    "recipient",
    "head_of_household",
    "phone",
    "current_municipality",
    "settlement",
    "status",
    "quantity",
    "planned_value",
    "actual_value",
    "currency",
    "planned_on",
    "handover_on",
    "organisation",
]


def _deliveries(actor, params) -> ListRows:
    from django.db.models import Prefetch

    from homeward.casework.assistance import selectors
    from homeward.casework.assistance.forms import DeliveryFilterForm
    from homeward.registry.models import Person

    code = str(params.get("project") or "").strip()
    if not code:
        raise ValidationError({"project": [_("Name the project whose deliveries to export.")]})
    project = selectors.project_for_deliveries(actor=actor, code=code)
    if not may_export_project_list(actor, project):
        raise Http404
    form = DeliveryFilterForm(params)
    if not form.is_valid():
        raise _invalid(form)
    criteria = form.cleaned_data
    deliveries = selectors.delivery_list(
        actor=actor,
        project=project,
        status=criteria.get("status"),
        assistance_type=criteria.get("assistance_type"),
    )
    number = (criteria.get("household") or "").strip().upper()
    if number:
        deliveries = deliveries.filter(household__number=number)
    deliveries = (
        deliveries.select_related(
            "household__current_municipality", "household__current_municipality__parent"
        )
        .prefetch_related(
            Prefetch(
                "household__members",
                queryset=Person.objects.filter(relationship_to_head="head"),
                to_attr="heads",
            )
        )
        .order_by("household__number", "created_at", "pk")
    )

    def rows():
        for delivery in deliveries.iterator(chunk_size=2000):
            household = delivery.household
            head = household.heads[0] if household.heads else None
            yield [
                delivery.pk,
                project.code,
                delivery.assistance_type.code,
                delivery.assistance_type.localised_name,
                household.number,
                delivery.person.full_name if delivery.person else "",
                head.full_name if head else "",
                household.phone or (head.phone if head else ""),
                _place(household.current_municipality),
                household.current_settlement,
                delivery.status,
                delivery.quantity,
                delivery.planned_value,
                delivery.actual_value,
                delivery.currency,
                delivery.planned_on,
                delivery.handover_on,
                delivery.organisation.code,
            ]

    return ListRows(
        name="deliveries",
        header=DELIVERIES_HEADER,
        rows=rows(),
        count=deliveries.count(),
        filters=_clean_filters(params),
        target=project,
    )


def _attendance(actor, params) -> ListRows:
    from homeward.casework.activities import selectors

    activity_id = str(params.get("activity") or "").strip()
    if not activity_id:
        raise ValidationError({"activity": [_("Name the activity whose attendance to export.")]})
    activity = selectors.activity_get(actor=actor, pk=activity_id)
    if not may_export_project_list(actor, activity.project):
        raise Http404
    sessions, participants = selectors.attendance_grid(activity)
    header = [
        "household_id",
        "first_name",
        "father_name",
        "last_name",
        "sex",
        "year_of_birth",
        "enrolled_on",
        *(f"session_{session.date.isoformat()}" for session in sessions),
        "sessions_attended",
        "sessions_counted",
        "completed_on",
        "certificate_number",
    ]

    def mark(value):
        return "" if value is None else ("1" if value else "0")

    def rows():
        for line in participants:
            person = line.participant.person
            yield [
                person.household.number,
                person.first_name,
                person.father_name,
                person.last_name,
                {"female": "F", "male": "M"}.get(person.sex, person.sex),
                person.date_of_birth.year if person.date_of_birth else None,
                line.participant.enrolled_on,
                *(mark(value) for value in line.marks),
                line.attended,
                line.counted,
                line.participant.completed_on,
                line.participant.certificate_number,
            ]

    return ListRows(
        name="attendance",
        header=header,
        rows=rows(),
        count=len(participants),
        filters=_clean_filters(params),
        target=activity,
    )


@dataclass(frozen=True)
class ListKind:
    name: str
    label: str
    build: Callable


LISTS = {
    "people": ListKind("people", gettext_lazy("People"), _people),
    "households": ListKind("households", gettext_lazy("Households"), _households),
    "deliveries": ListKind("deliveries", gettext_lazy("Deliveries"), _deliveries),
    "attendance": ListKind("attendance", gettext_lazy("Attendance"), _attendance),
}


def list_rows(*, actor, name: str, params) -> ListRows:
    """The rows of list ``name`` that ``actor`` may export, filtered by ``params`` (the query
    of the page the export starts from). 404: no such list for this actor; ValidationError:
    filters that do not make sense, naming the field."""
    kind = LISTS.get(name)
    if kind is None:
        raise Http404
    return kind.build(actor, params)


# --- writing -------------------------------------------------------------------------------


def write_table_csv(header, rows: Iterable, out, *, on_row=None) -> int:
    """``header`` and ``rows`` as CSV on ``out``, every cell made inert; the rows written."""
    writer = csv.writer(out)
    writer.writerow(header)
    written = 0
    for written, row in enumerate(rows, start=1):
        writer.writerow(_csv_value(value) for value in row)
        if on_row:
            on_row(written)
    return written


def write_table_xlsx(header, rows: Iterable, path_or_file, *, title: str, on_row=None) -> int:
    """``header`` and ``rows`` as one XLSX sheet named ``title``: numbers and dates as such,
    every text cell typed as text; the rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append(header)
    written = 0
    for written, row in enumerate(rows, start=1):
        cells = []
        for value in row:
            value = _cell(value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl itself reads a string starting with "=" as a formula: say it is text.
                cell.data_type = "s"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
        if on_row:
            on_row(written)
    workbook.save(path_or_file)
    return written


def write_csv(listed: ListRows, out, *, on_row: Callable[[int], None] | None = None) -> int:
    # Excel opens a UTF-8 file as such (Cyrillic intact) only with the byte order mark,
    # which ``utf-8-sig`` writes.
    return write_table_csv(listed.header, listed.rows, out, on_row=on_row)


def write_xlsx(listed: ListRows, path_or_file, *, on_row=None) -> int:
    title = LISTS[listed.name].label
    return write_table_xlsx(listed.header, listed.rows, path_or_file, title=title, on_row=on_row)


def render(listed: ListRows, file_format: str) -> bytes:
    if file_format == "csv":
        text = io.StringIO()
        write_csv(listed, text)
        return text.getvalue().encode("utf-8-sig")
    buffer = io.BytesIO()
    write_xlsx(listed, buffer)
    return buffer.getvalue()


def filename(listed: ListRows, file_format: str, suffix: str = "") -> str:
    target = ""
    if listed.target is not None:
        target = "-" + str(getattr(listed.target, "code", None) or listed.target.pk)
    today = datetime.date.today().isoformat()
    return f"{listed.name}{target}-{today}{suffix}.{file_format}"


# --- the audit and the service the pages, the API and the job call ------------------------


def exporting_organisation_id(actor) -> int | None:
    """The organisation on whose behalf the actor exports, so its DPO sees the event."""
    for membership in actor.memberships:
        return membership.organisation_id
    return None


@service
def list_export_record(*, actor, listed: ListRows, file_format: str, rows: int) -> None:
    audit_record(
        actor=actor,
        action=f"export.{listed.name}",
        target=listed.target,
        target_type=None if listed.target is not None else "exchange.list",
        target_id=None if listed.target is not None else listed.name,
        target_label=None if listed.target is not None else listed.name,
        changes={
            "filters": {"before": None, "after": listed.filters},
            "format": {"before": None, "after": file_format},
            "rows": {"before": None, "after": rows},
        },
        organisation_id=exporting_organisation_id(actor),
    )


@dataclass
class ExportOutcome:
    """Either the file itself (``content``) or the background job writing it."""

    content: bytes | None = None
    filename: str = ""
    content_type: str = ""
    rows: int = 0
    job: object = None


def list_export(*, actor, name: str, params, file_format: str) -> ExportOutcome:
    """Export list ``name`` as ``file_format``: at once when short, through a job when long."""
    if file_format not in FORMATS:
        raise ValidationError({"format": [_("Choose CSV or XLSX.")]})
    listed = list_rows(actor=actor, name=name, params=params)
    if listed.count > DIRECT_ROWS:
        job = job_start(
            actor=actor,
            kind=JOB_KIND,
            params={
                "list": name,
                "format": file_format,
                "filters": listed.filters,
                "language": translation.get_language() or settings.LANGUAGE_CODE,
            },
            organisation_id=exporting_organisation_id(actor),
        )
        return ExportOutcome(job=job, rows=listed.count)
    content = render(listed, file_format)
    list_export_record(actor=actor, listed=listed, file_format=file_format, rows=listed.count)
    return ExportOutcome(
        content=content,
        filename=filename(listed, file_format),
        content_type=CONTENT_TYPES[file_format],
        rows=listed.count,
    )


@job_handler(JOB_KIND, label=gettext_lazy("Export of a list"))
def export_list_job(*, job, actor, progress):
    params = job.params
    with translation.override(params.get("language") or settings.LANGUAGE_CODE):
        listed = list_rows(actor=actor, name=params["list"], params=params.get("filters", {}))
        file_format = params.get("format", "csv")
        progress.total(listed.count)
        progress.every = max(1, listed.count // 100)

        def on_row(done):
            progress.advance_to(
                done,
                _("%(done)s of %(total)s rows written") % {"done": done, "total": listed.count},
            )

        directory = Path(settings.MEDIA_ROOT) / "exports"
        directory.mkdir(parents=True, exist_ok=True)
        relative = f"exports/{filename(listed, file_format, suffix='-' + str(job.pk)[:8])}"
        path = Path(settings.MEDIA_ROOT) / relative
        if file_format == "csv":
            with open(path, "w", newline="", encoding="utf-8-sig") as out:
                rows = write_csv(listed, out, on_row=on_row)
        else:
            rows = write_xlsx(listed, path, on_row=on_row)
    list_export_record(actor=actor, listed=listed, file_format=file_format, rows=rows)
    return {"rows": rows, "list": listed.name, "format": file_format}, relative


def export_rows(listed: ListRows) -> Iterator[list]:
    """The rows as written to a file (for tests and previews)."""
    for row in listed.rows:
        yield [_cell(value) for value in row]
