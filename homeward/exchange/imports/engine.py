"""The people import itself: map the columns, check every row as registration would, look up
what is already registered in a few set-based queries, and write everything in one go.

Speed comes from doing per row only what must be done per row, in plain Python: municipalities,
choices, dates and folded names are worked out once per distinct value; the registry is asked
about the whole file at once (in chunks), never once per row; and the rows are written in bulk,
with PostgreSQL's COPY where ``HOMEWARD_POSTGRES_ACCELERATIONS`` allows it (see ``writer``).

The rules are the registry's: names, JMBG, phone and date of birth through
``registry.validation``; the household's members through ``household_member_errors``; each
household through ``registry.services._clean_household``; what the model refuses besides
(lengths, choices) from the model's own fields. ``_Checker.row`` is
``registry.services._clean_person`` without building a model instance per row (which would
cost more than all the rest); a test keeps the two in agreement.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from homeward.accounts.roles import Capability
from homeward.casework.common import acting_organisation, require_project
from homeward.casework.enrolment.models import Enrolment
from homeward.core.errors import ValidationError
from homeward.core.names import fold, within_one_edit
from homeward.core.scope import scoped
from homeward.exchange.imports.columns import (
    FIELDS_BY_NAME,
    HOUSEHOLD_LEVEL,
    REQUIRED_FIELDS,
    field_for_header,
)
from homeward.exchange.imports.readers import Table, UnreadableFile, read_table
from homeward.exchange.imports.services import (
    ERROR,
    WARNING,
    WHOLE_FILE,
    FileHeaders,
    ImportReport,
    LikelyDuplicate,
    Problem,
)
from homeward.exchange.imports.values import (
    cell_text,
    read_choice,
    read_date,
    read_difficulty,
    read_flag,
    read_national_id,
)
from homeward.exchange.models import ExternalHousehold, ExternalPerson
from homeward.geo.models import Area, AreaName
from homeward.geo.selectors import MUNICIPALITY_KINDS, AreaAmbiguous, AreaNotFound, area_resolve
from homeward.registry.jmbg import InvalidJmbg, jmbg_disagreements, parse_jmbg
from homeward.registry.models import (
    WASHINGTON_GROUP_DOMAINS,
    Accommodation,
    Household,
    Person,
    Relationship,
)
from homeward.registry.services import PERSON_FIELDS, _clean_household, _require_may_register
from homeward.registry.validation import (
    EARLIEST_BIRTH,
    clean_text,
    date_of_birth_error,
    household_member_errors,
    name_error,
    normalise_jmbg,
    normalise_phone,
    phone_error,
)

logger = logging.getLogger(__name__)

CHUNK = 2000
WG_FIELDS = [name for name, _label in WASHINGTON_GROUP_DOMAINS]
FLAG_FIELDS = ["chronic_illness", "single_parent", "older_person_alone", "unaccompanied_child"]
CHOICE_FIELDS = ["sex", "relationship_to_head", "displacement_status"]
HOUSEHOLD_TEXT = {
    "address": "address",
    "settlement": "current_settlement",
    "origin_settlement": "origin_settlement",
    "household_phone": "phone",
    "notes": "notes",
}
_IMPORT_FIELD_OF = {field: name for name, field in HOUSEHOLD_TEXT.items()}


# --- permission ---------------------------------------------------------------------------------


def authorise(*, actor, project, organisation=None):
    """The organisation the import registers for; Http404 where the actor may not."""
    require_project(actor, project, Capability.EDIT_REGISTRY)
    organisation = acting_organisation(actor, project, Capability.EDIT_REGISTRY, organisation)
    _require_may_register(actor, organisation, project)
    if not project.involves(organisation):
        raise ValidationError(
            {
                "organisation": _("%(organisation)s does not work on %(project)s.")
                % {"organisation": organisation.name, "project": project.code}
            }
        )
    return organisation


# --- columns ------------------------------------------------------------------------------------


def _is_kobo_meta(header: str) -> bool:
    return header.startswith("_")


def map_columns(
    table: Table, mapping: dict[str, str] | None
) -> tuple[dict[int, str], dict[str, str], list[Problem]]:
    """Which column holds which field: ``{column index: field}``, the mapping as the report
    shows it (``{header: field or ""}``) and the problems of the header row."""
    mapping = dict(mapping or {})
    problems: list[Problem] = []
    shown: dict[str, str] = {}
    columns: dict[int, str] = {}
    for header, name in mapping.items():
        if name and name not in FIELDS_BY_NAME:
            problems.append(
                Problem(
                    WHOLE_FILE,
                    header,
                    name,
                    _("“%(field)s” is not a field of the import.") % {"field": name},
                )
            )
    seen: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        if not header:
            if any(cell_text(row[index]) for row in table.rows[:1000] if index < len(row)):
                problems.append(
                    Problem(
                        WHOLE_FILE,
                        _("column %(number)d") % {"number": index + 1},
                        "",
                        _("This column has no header: it is not imported."),
                        WARNING,
                    )
                )
            continue
        if table.file_format == "kobo" and _is_kobo_meta(header):
            continue
        if header in seen:
            problems.append(
                Problem(
                    WHOLE_FILE,
                    header,
                    header,
                    _(
                        "Two columns (%(first)d and %(second)d) have the header “%(header)s”: "
                        "rename or remove one."
                    )
                    % {"first": seen[header] + 1, "second": index + 1, "header": header},
                )
            )
            continue
        seen[header] = index
        name = mapping[header] if header in mapping else field_for_header(header)
        shown[header] = name
        if name in FIELDS_BY_NAME:
            columns[index] = name
        elif header not in mapping:
            problems.append(
                Problem(
                    WHOLE_FILE,
                    header,
                    "",
                    _("No field is known by this header: the column is not imported."),
                    WARNING,
                )
            )
    # Two columns for one field: in a Kobo export the household's sheet answers for the
    # household and the members' sheet for each member; in any other file it is ambiguous.
    by_field: dict[str, list[int]] = defaultdict(list)
    for index, name in columns.items():
        by_field[name].append(index)
    for name, indexes in by_field.items():
        if len(indexes) < 2:
            continue
        if table.file_format == "kobo":
            household_side = [i for i in indexes if i in table.household_columns]
            member_side = [i for i in indexes if i not in table.household_columns]
            keep = household_side if FIELDS_BY_NAME[name].level == "household" else member_side
            keep = keep or indexes
            if len(keep) == 1:
                for index in indexes:
                    if index != keep[0]:
                        del columns[index]
                        shown[table.headers[index]] = ""
                continue
        headers = ", ".join(f"“{table.headers[i]}”" for i in indexes)
        problems.append(
            Problem(
                WHOLE_FILE,
                table.headers[indexes[1]],
                "",
                _(
                    "The columns %(headers)s all mean “%(field)s”: map all but one to another "
                    "field, or leave them out."
                )
                % {"headers": headers, "field": FIELDS_BY_NAME[name].label},
            )
        )
    present = set(columns.values())
    derived = {"household_id"} if table.file_format == "kobo" else set()
    for name in REQUIRED_FIELDS:
        if name not in present and name not in derived:
            problems.append(
                Problem(
                    WHOLE_FILE,
                    "",
                    "",
                    _("The file has no column for “%(field)s” (%(name)s), which is required.")
                    % {"field": FIELDS_BY_NAME[name].label, "name": name},
                    field=name,
                )
            )
    if "accommodation" not in present:
        problems.append(
            Problem(
                WHOLE_FILE,
                "",
                "",
                _(
                    "The file has no accommodation column: households are recorded as living in "
                    "private accommodation."
                ),
                WARNING,
                field="accommodation",
            )
        )
    return columns, shown, problems


def file_headers(*, source, filename) -> FileHeaders:
    try:
        table = read_table(source, filename=filename)
    except UnreadableFile as unreadable:
        return FileHeaders("", "", [], {}, message=unreadable.message)
    _columns, shown, _problems = map_columns(table, None)
    headers = [h for h in table.headers if h and not (table.file_format == "kobo" and h[0] == "_")]
    return FileHeaders(table.file_format, table.encoding, headers, shown)


# --- rows ---------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it
    household_key: str
    person_key: str
    data: dict  # PERSON_FIELDS, cleaned
    household: dict  # household-level values given on this row: {field: raw text}
    mapped: set  # the person fields the file gives (an update changes only these)
    document: tuple[str, str] | None = None  # (kind, number)
    warnings: list = field(default_factory=list)
    person_id: int | None = None  # the registered person it updates
    first_key: str = ""
    father_key: str = ""
    last_key: str = ""
    household_at: tuple[str, int] | None = None  # Kobo: (household sheet, its row)


_MAX_LENGTH = {
    f.name: f.max_length
    for f in Person._meta.fields
    if getattr(f, "max_length", None) and f.name in PERSON_FIELDS
}
_HOUSEHOLD_MAX = {
    f.name: f.max_length for f in Household._meta.fields if getattr(f, "max_length", None)
}


class _Checker:
    """Checks rows one by one, remembering the answer for each distinct cell value."""

    def __init__(self, table: Table, columns: dict[int, str], problems: list[Problem]):
        self.table = table
        self.columns = columns
        self.problems = problems
        self.headers = {name: table.headers[index] for index, name in columns.items()}
        self.sheet = table.sheet if table.file_format == "kobo" else ""
        self.cache: dict = {}
        self.area_messages: dict[str, str] = {}
        self.today = timezone.localdate()
        self.failed_households: set[str] = set()
        # The rows refused, by household: their household-level values are checked all the same.
        self.failed_rows: dict[str, list[Row]] = defaultdict(list)
        self.kobo_positions: dict[str, int] = {}
        self.fold_cache: dict[str, str] = {}
        self.person_fields = [
            (i, n) for i, n in columns.items() if FIELDS_BY_NAME[n].level == "person"
        ]
        self.household_fields = [
            (i, n) for i, n in columns.items() if FIELDS_BY_NAME[n].level == "household"
        ]
        self.mapped = {n for n in columns.values() if n in PERSON_FIELDS}
        self.choice_readers = {name: functools.partial(read_choice, name) for name in CHOICE_FIELDS}
        self.wg_given = [name for name in WG_FIELDS if name in self.mapped]
        self.flags_given = [name for name in FLAG_FIELDS if name in self.mapped]
        self.unanswered = {name: None for name in WG_FIELDS if name not in self.mapped} | {
            name: False for name in FLAG_FIELDS if name not in self.mapped
        }
        # Choices and dates are checked by their readers; what else has a length limit is text.
        self.length_checks = [
            (name, limit)
            for name, limit in _MAX_LENGTH.items()
            if name in ("first_name", "father_name", "last_name", "phone", "national_id")
        ]
        if "date_of_birth" in self.mapped:
            self.mapped.add("date_of_birth_estimated")

    def household_at(self, index: int) -> tuple[str, int] | None:
        if self.table.household_row_numbers is None:
            return None
        return self.table.household_sheet, self.table.household_row_numbers[index]

    def fold(self, text: str) -> str:
        key = self.fold_cache.get(text)
        if key is None:
            key = self.fold_cache[text] = fold(text)
        return key

    def problem(self, number, name, value, message, severity=ERROR, sheet=None):
        self.problems.append(
            Problem(
                number,
                self.headers.get(name, name),
                cell_text(value)[:255],
                message,
                severity,
                field=name,
                sheet=self.sheet if sheet is None else sheet,
            )
        )

    def household_problem(self, row, name, value, message, severity=ERROR):
        """A problem of a household's answer: in a Kobo export it is written once, on the
        household sheet, and that is where it is pointed to."""
        if row.household_at is not None:
            sheet, number = row.household_at
            self.problem(number, name, value, message, severity, sheet=sheet)
        else:
            self.problem(row.number, name, value, message, severity)

    def _cached(self, kind, raw, reader):
        key = (kind, raw if not isinstance(raw, list) else tuple(raw))
        try:
            return self.cache[key]
        except KeyError:
            result = self.cache[key] = reader(raw)
            return result
        except TypeError:  # an unhashable cell
            return reader(raw)

    def row(self, index: int, cells: list) -> Row | None:
        number = self.table.row_number(index)
        width = len(cells)
        data: dict = {}
        errors: dict[str, str] = {}
        values = {name: (cells[i] if i < width else None) for i, name in self.person_fields}
        for name in ("first_name", "father_name", "last_name"):
            if name in values:
                data[name] = clean_text(cell_text(values[name]))
                if message := name_error(data[name], required=name != "father_name"):
                    errors[name] = message
            elif name == "father_name":
                data[name] = ""
        for name in CHOICE_FIELDS:
            raw = cell_text(values.get(name))
            value, message = self._cached(name, raw, self.choice_readers[name])
            data[name] = value
            if message:
                errors[name] = message
            elif not value and name != "relationship_to_head":
                errors[name] = _("This field is required.")
        born, estimated, message = self._cached("date", values.get("date_of_birth"), read_date)
        if message:
            errors["date_of_birth"] = message
        elif (
            born is not None
            and not (EARLIEST_BIRTH <= born <= self.today)
            and (message := date_of_birth_error(born))
        ):
            # Only a date outside the registry's bounds can fail its rule: it is asked then.
            errors["date_of_birth"] = message
        data["date_of_birth"] = born
        data["date_of_birth_estimated"] = estimated
        phone = clean_text(cell_text(values.get("phone")))
        data["phone"] = phone
        if message := phone_error(phone):
            errors["phone"] = message
        warnings: list[tuple[str, str]] = []
        national_id = normalise_jmbg(read_national_id(values.get("national_id")))
        data["national_id"] = national_id
        if national_id:
            try:
                jmbg = parse_jmbg(national_id, today=self.today)
            except InvalidJmbg as invalid:
                if invalid.code == "check":
                    # Imported as written and flagged: the number is the person's own and the
                    # mistyped digit is found by looking at the document, not by guessing.
                    warnings.append(("national_id", str(invalid.message)))
                else:
                    errors["national_id"] = str(invalid.message)
            else:
                for message in jmbg_disagreements(
                    jmbg,
                    date_of_birth=born,
                    date_of_birth_estimated=estimated,
                    sex=data["sex"] or None,
                ):
                    warnings.append(("national_id", message))
        # Columns the file does not have are empty answers, without asking each row.
        data.update(self.unanswered)
        for name in self.wg_given:
            value, message = self._cached("wg", values[name], read_difficulty)
            data[name] = value
            if message:
                errors[name] = message
        for name in self.flags_given:
            value, message = self._cached("flag", values[name], read_flag)
            data[name] = value
            if message:
                errors[name] = message
        for name, limit in self.length_checks:
            value = data.get(name)
            if isinstance(value, str) and len(value) > limit and name not in errors:
                errors[name] = _("Write at most %(limit)d characters (it has %(length)d).") % {
                    "limit": limit,
                    "length": len(value),
                }
        document = None
        number_text = clean_text(cell_text(values.get("document_number")))
        kind_raw = cell_text(values.get("document_kind"))
        if number_text or kind_raw:
            kind, message = self._cached(
                "document_kind", kind_raw, lambda r: read_choice("document_kind", r)
            )
            if message:
                errors["document_kind"] = message
            elif len(number_text) > 40:
                errors["document_number"] = _(
                    "Write at most %(limit)d characters (it has %(length)d)."
                ) % {
                    "limit": 40,
                    "length": len(number_text),
                }
            else:
                document = (kind or "other", number_text)
        household = {name: (cells[i] if i < width else None) for i, name in self.household_fields}
        if self.table.kobo_households is not None and "household_id" not in household:
            household["household_id"] = self.table.kobo_households[index]
        household_key = cell_text(household.get("household_id"))
        if not household_key:
            errors["household_id"] = _(
                "Every row needs a household id: rows with the same id are one household."
            )
        person_key = cell_text(values.get("person_id"))
        if not person_key and self.table.kobo_households is not None:
            # A Kobo member has no id of its own: its place in its submission stands for one,
            # so that importing the same export again updates the same people.
            position = self.kobo_positions[household_key] = (
                self.kobo_positions.get(household_key, 0) + 1
            )
            person_key = f"{household_key}/{position}"
        for name, message in errors.items():
            self.problem(number, name, values.get(name, household.get(name)), message)
        for name, message in warnings:
            self.problem(number, name, values.get(name), message, WARNING)
        if errors:
            # Its household is not checked as a whole: a head refused for a mistyped JMBG
            # would otherwise make every other member "a household without a head". What the
            # row says of the household (municipalities, accommodation, phone...) still is,
            # so that the dry run shows every problem at once.
            self.failed_households.add(household_key)
            if household_key:
                self.failed_rows[household_key].append(
                    Row(
                        number=number,
                        household_key=household_key,
                        person_key=person_key,
                        data={"relationship_to_head": data.get("relationship_to_head", "")},
                        household=household,
                        mapped=self.mapped,
                        household_at=self.household_at(index),
                    )
                )
            return None
        row = Row(
            number=number,
            household_key=household_key,
            person_key=person_key,
            data=data,
            household=household,
            mapped=self.mapped,
            document=document,
            warnings=[message for _name, message in warnings],
            household_at=self.household_at(index),
        )
        row.first_key = self.fold(data["first_name"])
        row.father_key = self.fold(data["father_name"])
        row.last_key = self.fold(data["last_name"])
        return row


# --- the run ------------------------------------------------------------------------------------


@dataclass
class PlannedHousehold:
    key: str
    rows: list[Row]
    values: dict  # Household field values (areas resolved)
    household_id: int | None = None  # registered household it updates
    changed: dict = field(default_factory=dict)  # for an update: {field: (before, after)}


@dataclass
class Plan:
    """Everything the write needs, worked out before anything is written."""

    organisation: object
    project: object
    households: list[PlannedHousehold] = field(default_factory=list)
    existing_people: dict[int, Person] = field(default_factory=dict)
    enrol_household_ids: set = field(default_factory=set)  # registered ones not yet enrolled


def _progress(progress, done, total, message):
    if progress is not None:
        progress.advance_to(done, message, force=True)


def run_import(
    *,
    actor,
    source,
    filename,
    project,
    organisation=None,
    mapping=None,
    dry_run=True,
    progress=None,
    job=None,
) -> ImportReport:
    from homeward.exchange.imports import writer

    organisation = authorise(actor=actor, project=project, organisation=organisation)
    report = ImportReport(people_import=None, filename=filename, dry_run=dry_run)
    clock = time.perf_counter()

    def lap(phase):
        nonlocal clock
        now = time.perf_counter()
        report.timings[phase] = round(now - clock, 3)
        clock = now

    try:
        table = read_table(source, filename=filename)
    except UnreadableFile as unreadable:
        report.message = unreadable.message
        report.problems.append(Problem(WHOLE_FILE, "", "", unreadable.message))
        report.refused = not dry_run
        return writer.record_report(
            actor=actor, report=report, organisation=organisation, project=project, job=job
        )
    report.file_format = table.file_format
    report.encoding = table.encoding
    report.delimiter = table.delimiter
    report.rows = len(table.rows)
    lap("read")
    total = max(1, len(table.rows))
    if progress is not None:
        progress.total(total * 2)
    columns, report.mapping, header_problems = map_columns(table, mapping)
    report.problems.extend(header_problems)
    if any(problem.severity == ERROR for problem in header_problems):
        report.refused = not dry_run
        return writer.record_report(
            actor=actor, report=report, organisation=organisation, project=project, job=job
        )
    if not table.rows:
        report.message = _("The file has a header but no rows.")
        report.problems.append(Problem(WHOLE_FILE, "", "", report.message))
        report.refused = not dry_run
        return writer.record_report(
            actor=actor, report=report, organisation=organisation, project=project, job=job
        )
    if project.start_date and project.start_date > timezone.localdate():
        report.problems.append(
            Problem(
                WHOLE_FILE,
                "",
                "",
                _("%(project)s starts on %(date)s: nobody can be its candidate before then.")
                % {"project": project.code, "date": project.start_date.isoformat()},
            )
        )

    checker = _Checker(table, columns, report.problems)
    rows: list[Row] = []
    for index, cells in enumerate(table.rows):
        row = checker.row(index, cells)
        if row is not None:
            rows.append(row)
        if index % 10000 == 9999:
            _progress(
                progress,
                index + 1,
                total,
                _("%(done)s of %(total)s rows checked") % {"done": index + 1, "total": total},
            )
    lap("check")
    plan = _plan(actor, organisation, project, table, checker, rows, report)
    lap("look_up")
    _progress(progress, total, total, _("All rows checked"))
    report.problems.sort(key=lambda problem: (problem.row or 0, problem.severity != ERROR))
    if dry_run or report.errors:
        report.refused = not dry_run and bool(report.errors)
        return writer.record_report(
            actor=actor, report=report, organisation=organisation, project=project, job=job
        )
    try:
        writer.people_import_write(
            actor=actor, report=report, plan=plan, job=job, progress=progress, total=total
        )
    except IntegrityError:
        # Somebody imported the same ids (or enrolled the same households) between the check
        # and the write: the transaction is rolled back whole, and the import can simply run
        # again, when it will update what the other one wrote.
        logger.warning("Import of %s collided with another write", filename, exc_info=True)
        report.people_import = None
        report.message = _(
            "The same people or households were written by somebody else while this import "
            "ran. Nothing was written: run the import again."
        )
        report.problems.insert(0, Problem(WHOLE_FILE, "", "", report.message))
        report.refused = True
        return writer.record_report(
            actor=actor, report=report, organisation=organisation, project=project, job=job
        )
    lap("write")
    logger.debug("Import %s: %s", report.people_import.pk, report.timings)
    return report


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _resolve_areas(checker: _Checker, households: list[list[Row]]) -> dict[str, Area | None]:
    """Each distinct municipality written in the file, resolved once."""
    texts = set()
    for group in households:
        for row in group:
            for name in ("current_municipality", "origin_municipality"):
                text = cell_text(row.household.get(name))
                if text:
                    texts.add(text)
    resolved: dict[str, Area | None] = {}
    messages: dict[str, str] = {}
    by_code = {
        area.code: area
        for chunk in _chunks(texts)
        for area in Area.objects.filter(code__in=chunk, kind__in=MUNICIPALITY_KINDS)
    }
    # Most files write plain names: one query finds every name that means exactly one
    # municipality, which is what ``area_resolve`` would answer for it. The others (a name two
    # places share, "Palilula (Niš)", a typo) go through ``area_resolve`` one by one.
    keys = {text: fold(text) for text in texts if text not in by_code}
    by_key: dict[str, set[int]] = defaultdict(set)
    for chunk in _chunks(set(keys.values())):
        for key, area_id in AreaName.objects.filter(
            key__in=chunk, area__kind__in=MUNICIPALITY_KINDS, area__is_active=True
        ).values_list("key", "area_id"):
            by_key[key].add(area_id)
    single = {text: next(iter(by_key[key])) for text, key in keys.items() if len(by_key[key]) == 1}
    areas_by_id = {
        area.pk: area
        for chunk in _chunks(set(single.values()))
        for area in Area.objects.filter(pk__in=chunk).select_related("parent")
    }
    for text in texts:
        if text in by_code:
            resolved[text] = by_code[text]
            continue
        if text in single and "/" not in text:
            resolved[text] = areas_by_id[single[text]]
            continue
        try:
            resolved[text] = area_resolve(text, kinds=MUNICIPALITY_KINDS)
        except AreaNotFound:
            resolved[text] = None
            messages[text] = _("No municipality is called “%(value)s”.") % {"value": text[:60]}
        except AreaAmbiguous as ambiguous:
            resolved[text] = None
            messages[text] = _(
                "“%(value)s” could be several municipalities (%(places)s): write it so that it "
                "names one."
            ) % {
                "value": text[:60],
                "places": ", ".join(area.full_name for area in ambiguous.candidates[:5]),
            }
    checker.area_messages = messages
    return resolved


def _household_meaning(checker, name, areas):
    """What a household-level cell means, for telling whether two rows of a household
    disagree: "Kragujevac" and "Крагујевац" are one municipality, "privatni smeštaj" and
    "private" one accommodation, "060/123-456" and "060 123 456" one phone number."""
    if name in ("current_municipality", "origin_municipality"):
        # A name that is no municipality means only itself, folded.
        return lambda text: area.pk if (area := areas.get(text)) is not None else fold(text)
    if name in ("accommodation", "return_intention"):

        def choice(text):
            value, message = checker._cached(name, text, lambda r: read_choice(name, r))
            return fold(text) if message else value

        return choice
    if name == "household_phone":
        return lambda text: normalise_phone(clean_text(text)) or fold(text)
    return checker.fold


def _household_values(checker, key, group, areas, is_new) -> dict | None:
    """The household's fields from its rows: the head's row answers, and a row that says
    otherwise is warned about (a value is never dropped without a word)."""
    head = next(
        (row for row in group if row.data["relationship_to_head"] == Relationship.HEAD), group[0]
    )
    values: dict = {}
    ok = True
    for name in HOUSEHOLD_LEVEL:
        if name == "household_id" or name not in head.household:
            continue
        raw = head.household.get(name)
        text = cell_text(raw)
        meaning = _household_meaning(checker, name, areas)
        for row in group:
            if row is head:
                continue
            other = cell_text(row.household.get(name))
            if other and other != text and meaning(other) != meaning(text):
                checker.household_problem(
                    row,
                    name,
                    other,
                    _(
                        "Another row of household %(household)s (row %(row)d) says “%(value)s”; "
                        "that is what is recorded."
                    )
                    % {"household": key, "row": head.number, "value": text[:60]},
                    WARNING,
                )
        if name in ("current_municipality", "origin_municipality"):
            if not text:
                if name == "current_municipality":
                    checker.household_problem(head, name, "", _("This field is required."))
                    ok = False
                values[name] = None
                continue
            area = areas.get(text)
            if area is None:
                checker.household_problem(head, name, text, checker.area_messages[text])
                ok = False
            values[name] = area
        elif name in ("accommodation", "return_intention"):
            value, message = checker._cached(name, text, lambda r, n=name: read_choice(n, r))
            if message:
                checker.household_problem(head, name, text, message)
                ok = False
            values[name] = value
        else:
            target = HOUSEHOLD_TEXT[name]
            value = text.strip() if name == "notes" else clean_text(text)
            if target == "phone" and (message := phone_error(value)):
                checker.household_problem(head, name, value, message)
                ok = False
            limit = _HOUSEHOLD_MAX.get(target)
            if limit and len(value) > limit:
                checker.household_problem(
                    head,
                    name,
                    value,
                    _("Write at most %(limit)d characters (it has %(length)d).")
                    % {"limit": limit, "length": len(value)},
                )
                ok = False
            values[target] = value
    if "accommodation" not in checker.headers and is_new:
        values["accommodation"] = Accommodation.PRIVATE
    if not ok:
        return None
    # And then registration's own check of a household, on the values as they will be saved.
    for name, message in _clean_household(values, None, None).items():
        column = _IMPORT_FIELD_OF.get(name, name)
        checker.household_problem(head, column, cell_text(head.household.get(column)), message)
        ok = False
    return values if ok else None


def _plan(actor, organisation, project, table, checker, rows, report) -> Plan:
    plan = Plan(organisation=organisation, project=project)
    # The same person twice in one file: by the partner's id, and by JMBG.
    seen_person: dict[str, int] = {}
    seen_jmbg: dict[str, int] = {}
    seen_name: dict[tuple, int] = {}
    unique_rows = []
    for row in rows:
        if row.person_key:
            if row.person_key in seen_person:
                checker.problem(
                    row.number,
                    "person_id",
                    row.person_key,
                    _("Row %(row)d has the same person id: one person, two rows.")
                    % {"row": seen_person[row.person_key]},
                )
                continue
            seen_person[row.person_key] = row.number
        national_id = row.data["national_id"]
        if national_id:
            if national_id in seen_jmbg:
                checker.problem(
                    row.number,
                    "national_id",
                    national_id,
                    _("Row %(row)d has the same JMBG: one person, two rows.")
                    % {"row": seen_jmbg[national_id]},
                )
                continue
            seen_jmbg[national_id] = row.number
        born = row.data["date_of_birth"]
        if born is not None:
            name_key = (row.first_key, row.last_key, born)
            if name_key in seen_name:
                checker.problem(
                    row.number,
                    "first_name",
                    row.data["first_name"],
                    _(
                        "Row %(row)d has the same name and date of birth: check that these are "
                        "two people."
                    )
                    % {"row": seen_name[name_key]},
                    WARNING,
                )
            else:
                seen_name[name_key] = row.number
        unique_rows.append(row)

    groups: dict[str, list[Row]] = defaultdict(list)
    for row in unique_rows:
        groups[row.household_key].append(row)
    # One-person households need not say who the head is.
    for group in groups.values():
        if len(group) == 1 and not group[0].data["relationship_to_head"]:
            group[0].data["relationship_to_head"] = Relationship.HEAD

    # What the partner's ids already stand for in the registry.
    known_households = dict(
        ExternalHousehold.objects.filter(organisation=organisation).values_list(
            "external_id", "household_id"
        )
    )
    known_people = dict(
        ExternalPerson.objects.filter(organisation=organisation).values_list(
            "external_id", "person_id"
        )
    )
    existing_ids = [
        known_people[row.person_key] for row in unique_rows if row.person_key in known_people
    ]
    for chunk in _chunks(existing_ids):
        for person in Person.objects.filter(pk__in=chunk):
            plan.existing_people[person.pk] = person
    updated_household_ids = {known_households[key] for key in groups if key in known_households}
    other_members: dict[int, list[Person]] = defaultdict(list)
    existing_households: dict[int, Household] = {}
    for chunk in _chunks(updated_household_ids):
        for household in Household.objects.filter(pk__in=chunk):
            existing_households[household.pk] = household
        for person in Person.objects.filter(household_id__in=chunk):
            if person.pk not in plan.existing_people:
                other_members[person.household_id].append(person)

    # A household with a refused row is checked for what its rows say of the household only:
    # its members as a whole (who is the head, ...) would be judged without the refused one.
    failed_groups = {
        key: [*groups.get(key, []), *rows_refused]
        for key, rows_refused in checker.failed_rows.items()
    }
    for group in failed_groups.values():
        group.sort(key=lambda row: row.number)
    areas = _resolve_areas(checker, [*groups.values(), *failed_groups.values()])
    for key, group in failed_groups.items():
        _household_values(checker, key, group, areas, key not in known_households)
    for key, group in groups.items():
        if key in checker.failed_households:
            continue
        household_id = known_households.get(key)
        group_ok = True
        for row in group:
            person_id = known_people.get(row.person_key) if row.person_key else None
            if person_id is None:
                continue
            person = plan.existing_people.get(person_id)
            if person is None:
                continue
            if household_id is None or person.household_id != household_id:
                checker.problem(
                    row.number,
                    "household_id",
                    key,
                    _(
                        "This person was imported before into another household; move people "
                        "between households on the household's page."
                    ),
                )
                group_ok = False
                continue
            row.person_id = person_id
            # An update changes what the file gives and keeps the rest.
            merged = {name: getattr(person, name) for name in PERSON_FIELDS}
            merged.update({name: row.data[name] for name in row.mapped})
            row.data = merged
        values = _household_values(checker, key, group, areas, household_id is None)
        if values is None:
            continue
        if len(group) > 1:
            for row in group:
                if not row.data["relationship_to_head"]:
                    checker.problem(
                        row.number, "relationship_to_head", "", _("This field is required.")
                    )
                    group_ok = False
        members = [row.data for row in group]
        members += [
            {name: getattr(person, name) for name in PERSON_FIELDS}
            for person in other_members.get(household_id, [])
        ]
        for index, member_errors in household_member_errors(members).items():
            if index >= len(group):
                continue
            for name, message in member_errors.items():
                checker.problem(group[index].number, name, "", message)
                group_ok = False
        if not group_ok:
            continue
        planned = PlannedHousehold(key=key, rows=group, values=values, household_id=household_id)
        if household_id is not None:
            household = existing_households[household_id]
            for name, value in values.items():
                before = getattr(household, name)
                if name in ("current_municipality", "origin_municipality"):
                    same = getattr(household, f"{name}_id") == (value.pk if value else None)
                else:
                    same = before == value
                if not same and not (before in ("", None) and value in ("", None)):
                    planned.changed[name] = (before, value)
        plan.households.append(planned)

    _find_duplicates(actor, plan, report)
    enrolled = set()
    existing_household_ids = [p.household_id for p in plan.households if p.household_id]
    for chunk in _chunks(existing_household_ids):
        enrolled.update(
            Enrolment.objects.filter(
                project=project, household_id__in=chunk, person__isnull=True
            ).values_list("household_id", flat=True)
        )
    plan.enrol_household_ids = set(existing_household_ids) - enrolled

    for planned in plan.households:
        if planned.household_id is None:
            report.households_new += 1
        elif planned.changed:
            report.households_updated += 1
        for row in planned.rows:
            if row.person_id is None:
                report.people_new += 1
            elif _person_changes(plan.existing_people[row.person_id], row):
                report.people_updated += 1
    return plan


def _person_changes(person: Person, row: Row) -> dict:
    changes = {}
    for name in PERSON_FIELDS:
        before, after = getattr(person, name), row.data[name]
        if before != after and not (before in ("", None) and after in ("", None)):
            changes[name] = (before, after)
    return changes


def _same_birth(born, estimated, other_born, other_estimated) -> bool:
    if estimated or other_estimated:
        return born.year == other_born.year
    return born == other_born


# PostgreSQL takes a whole list as one array parameter; elsewhere lists go as IN (...) with
# one parameter per value, kept under SQLite's limit.
def _in_size() -> int:
    return 20_000 if connection.vendor == "postgresql" else CHUNK


def _registered(queryset, field: str, values: list, columns: tuple):
    """``columns`` of the rows of ``queryset`` whose ``field`` is one of ``values``."""
    if connection.vendor == "postgresql":
        from django.db.models import BooleanField
        from django.db.models.expressions import RawSQL

        column = Person._meta.get_field(field).column
        # The column is the model's own; the values go as one parameter.
        condition = RawSQL(  # noqa: S611
            f'"registry_person"."{column}" = ANY(%s)',
            (list(values),),
            output_field=BooleanField(),
        )
        return queryset.filter(condition).values_list(*columns)
    return queryset.filter(**{f"{field}__in": values}).values_list(*columns)


def _find_duplicates(actor, plan: Plan, report: ImportReport) -> None:
    """Rows that look like people already registered, by the rules of
    ``registry.duplicates``, found with a few queries for the whole file."""
    # People new to the registry, and those whose JMBG changes: the others were compared when
    # they came in.
    rows = [
        row
        for planned in plan.households
        for row in planned.rows
        if row.person_id is None
        or plan.existing_people[row.person_id].national_id != row.data["national_id"]
    ]
    by_jmbg = {row.data["national_id"]: row for row in rows if row.data["national_id"]}
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)  # row number -> matches
    row_of = {row.number: row for row in rows}
    for chunk in _chunks(by_jmbg, _in_size()):
        for pk, national_id in _registered(
            Person.objects.all(), "national_id", chunk, ("pk", "national_id")
        ):
            row = by_jmbg[national_id]
            if row.person_id != pk:
                found[row.number].append((pk, "national_id"))
    dated = [row for row in rows if row.data["date_of_birth"] is not None]
    by_last: dict[tuple[str, int], list[Row]] = defaultdict(list)
    for row in dated:
        by_last[(row.last_key, row.data["date_of_birth"].year)].append(row)
    last_keys = {row.last_key for row in dated}
    for chunk in _chunks(last_keys, _in_size()):
        registered = _registered(
            Person.objects.filter(date_of_birth__isnull=False),
            "last_key",
            chunk,
            ("pk", "first_key", "last_key", "date_of_birth", "date_of_birth_estimated"),
        )
        for pk, first_key, last_key, born, estimated in registered:
            for year in (born.year - 1, born.year, born.year + 1):
                for row in by_last.get((last_key, year), ()):
                    if row.person_id == pk or any(p == pk for p, _r in found[row.number]):
                        continue
                    row_born = row.data["date_of_birth"]
                    row_estimated = row.data["date_of_birth_estimated"]
                    if first_key == row.first_key and _same_birth(
                        row_born, row_estimated, born, estimated
                    ):
                        found[row.number].append((pk, "name_and_birth"))
                    elif within_one_edit(first_key, row.first_key) and (
                        abs((row_born - born).days) <= 366
                    ):
                        found[row.number].append((pk, "similar_name_and_birth"))
    found = {number: matches for number, matches in found.items() if matches}
    if not found:
        return
    ids = {pk for matches in found.values() for pk, _rule in matches}
    visible = set()
    for chunk in _chunks(ids):
        visible.update(
            scoped(
                Person.objects.filter(pk__in=chunk), actor, Capability.VIEW_PERSONAL_DATA
            ).values_list("pk", flat=True)
        )
    order = ["national_id", "name_and_birth", "similar_name_and_birth"]
    for number in sorted(found):
        row = row_of[number]
        for pk, rule in sorted(found[number], key=lambda match: order.index(match[1])):
            report.duplicates.append(
                LikelyDuplicate(
                    row=number,
                    first_name=row.data["first_name"],
                    last_name=row.data["last_name"],
                    other_person_id=pk,
                    matched_on=rule,
                    visible=pk in visible,
                )
            )


def accelerated() -> bool:
    return connection.vendor == "postgresql" and settings.HOMEWARD_POSTGRES_ACCELERATIONS


def refused_message(report: ImportReport) -> str:
    count = len(report.errors)
    return ngettext(
        "The import was refused: %(count)d error. Nothing was written.",
        "The import was refused: %(count)d errors. Nothing was written.",
        count,
    ) % {"count": count}
