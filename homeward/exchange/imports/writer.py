"""Writing an import: the report of a dry run or a refusal, and the real run, all in bulk.

Ids are reserved before anything is written (from the table's sequence on PostgreSQL, above
the highest id ever given on SQLite), so households, people, enrolments and their links are
written knowing each other's ids, without reading anything back. With
``HOMEWARD_POSTGRES_ACCELERATIONS`` on PostgreSQL the rows go in with COPY; otherwise with
batched ``INSERT``s that any database takes.

History: each imported household and person gets its own audit row (written in bulk), saying
from which file and row it came, so that the household's history and a person's audit trail
say "imported" like they say "registered". A new record's row does not repeat the values
imported, which the record itself holds; an updated record's row has the changes, before and
after, as any other edit. One more row records the import as a whole with its counts.
"""

from __future__ import annotations

import json
import operator
import time

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.core.audit import _jsonable, audit_record
from homeward.core.models import AuditEvent
from homeward.core.names import name_tokens
from homeward.core.services import service
from homeward.exchange.imports.engine import (
    Plan,
    _chunks,
    _person_changes,
    accelerated,
)
from homeward.exchange.imports.services import WARNING, ImportReport
from homeward.exchange.models import (
    ExternalHousehold,
    ExternalPerson,
    ImportDuplicate,
    ImportProblem,
    PeopleImport,
)
from homeward.registry.models import (
    WASHINGTON_GROUP_DOMAINS,
    Difficulty,
    DuplicateAcknowledgement,
    Household,
    IdentityDocument,
    Person,
    PersonNameToken,
)
from homeward.registry.services import PERSON_FIELDS, index_words
from homeward.registry.validation import normalise_phone

_WG = [name for name, _label in WASHINGTON_GROUP_DOMAINS]


# --- bulk plumbing ------------------------------------------------------------------------------


def reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys of ``model``'s table, taken before the rows are written."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array rather than a row per id: 100,000 rows cost more to send than to make.
            cursor.execute(
                "SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) "
                "FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), count],
            )
            return sorted(cursor.fetchone()[0])
        # The table name is the model's own, quoted: no user input reaches this statement.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        highest = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never gives an id twice, even of a deleted row: nor do we.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
    return list(range(highest + 1, highest + 1 + count))


def _adapter(model_field):
    if isinstance(model_field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(model_field, models.DateField):
        return lambda value: value.isoformat() if value is not None else None
    return None


def insert_rows(model, columns: list[str], rows) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``, attribute names) into ``model``'s
    table; JSON columns take their text already serialised."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return
    _insert(model, columns, rows)


def _insert(model, columns, rows):
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = ", ".join(quote(fields[column].column) for column in columns)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if accelerated():
            from psycopg.copy import QueuedLibpqWriter

            # The raw cursor's errors are psycopg's own: Django's wrapper makes an
            # IntegrityError of a unique violation, as for any other statement.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                # A thread sends while this one formats: PostgreSQL works on one batch of rows
                # while Python prepares the next.
                copy.writer = QueuedLibpqWriter(cursor.cursor)
                for row in rows:
                    copy.write_row(row)
            return
        adapters = [_adapter(fields[column]) for column in columns]
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        adapted = [i for i, adapter in enumerate(adapters) if adapter]
        for chunk in _chunks(rows, 5000):
            if adapted:
                chunk = [
                    tuple(
                        adapters[i](value) if adapters[i] and value is not None else value
                        for i, value in enumerate(row)
                    )
                    for row in chunk
                ]
            cursor.executemany(sql, chunk)


def _json(value) -> str:
    return json.dumps(_jsonable(value), cls=DjangoJSONEncoder, ensure_ascii=False)


# --- the report -----------------------------------------------------------------------------


def _save_record(actor, report: ImportReport, organisation, project, job, status) -> PeopleImport:
    record = PeopleImport.objects.create(
        organisation=organisation,
        project=project,
        created_by=actor.user,
        filename=report.filename[:255],
        file_format=report.file_format,
        encoding=report.encoding,
        delimiter=report.delimiter,
        mapping=report.mapping,
        status=status,
        rows=report.rows,
        errors=len(report.errors),
        warnings=len(report.warnings),
        duplicates=len(report.duplicates),
        households_new=report.households_new,
        households_updated=report.households_updated,
        people_new=report.people_new,
        people_updated=report.people_updated,
        message=report.message[:500],
        job_id=getattr(job, "pk", None),
    )
    report.people_import = record
    return record


def _save_problems(record, problems, person_of_row=None) -> None:
    person_of_row = person_of_row or {}
    insert_rows(
        ImportProblem,
        [
            "people_import_id",
            "row",
            "sheet",
            "column",
            "field",
            "value",
            "message",
            "severity",
            "person_id",
        ],
        [
            (
                record.pk,
                problem.row,
                problem.sheet[:64],
                problem.column[:255],
                problem.field[:64],
                problem.value[:255],
                problem.message,
                problem.severity,
                person_of_row.get(problem.row) if problem.severity == WARNING else None,
            )
            for problem in problems
        ],
    )


def _save_duplicates(record, duplicates, person_of_row=None) -> None:
    person_of_row = person_of_row or {}
    insert_rows(
        ImportDuplicate,
        [
            "people_import_id",
            "row",
            "person_id",
            "other_person_id",
            "matched_on",
            "first_name",
            "last_name",
        ],
        [
            (
                record.pk,
                duplicate.row,
                person_of_row.get(duplicate.row),
                duplicate.other_person_id,
                duplicate.matched_on,
                duplicate.first_name[:80],
                duplicate.last_name[:80],
            )
            for duplicate in duplicates
        ],
    )


def _summary_changes(report: ImportReport) -> dict:
    summary = report.as_dict()
    return {
        name: {"before": None, "after": summary[name]}
        for name in (
            "filename",
            "rows",
            "errors",
            "warnings",
            "duplicates",
            "households_new",
            "households_updated",
            "people_new",
            "people_updated",
        )
    }


@service
def record_report(*, actor, report: ImportReport, organisation, project, job=None) -> ImportReport:
    """Keep a dry run's report, or a refused import's: nothing of the registry is touched."""
    status = PeopleImport.Status.REFUSED if report.refused else PeopleImport.Status.CHECKED
    record = _save_record(actor, report, organisation, project, job, status)
    _save_problems(record, report.problems)
    _save_duplicates(record, report.duplicates)
    audit_record(
        actor=actor,
        action="people_import.refuse" if report.refused else "people_import.check",
        target=record,
        changes=_summary_changes(report),
    )
    return report


# --- the real run -------------------------------------------------------------------------------


_answers = operator.itemgetter(*_WG)
_person_values = operator.itemgetter(*PERSON_FIELDS)
_A_LOT = int(Difficulty.A_LOT)


def _derived(data: dict, keys: tuple[str, str, str]) -> tuple:
    """The columns the services derive: name keys, phone key, the disability identifier (as
    ``registry.services._set_derived``). Written for 100,000 rows: no generator per row."""
    has_disability = max(filter(None, _answers(data)), default=0) >= _A_LOT
    phone = data["phone"]
    return (*keys, normalise_phone(phone) if phone else "", has_disability)


@service
def people_import_write(
    *, actor, report: ImportReport, plan: Plan, job=None, progress=None, total=1
) -> ImportReport:
    """Write a checked import: households, people, their names for search, the partner's ids,
    documents, the enrolments as candidates, the warnings and duplicates, and the history."""
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    organisation, project = plan.organisation, plan.project
    record = _save_record(actor, report, organisation, project, job, PeopleImport.Status.IMPORTED)
    source = f"{report.filename} ({_('import')} {record.pk})"
    user_id = getattr(actor.user, "pk", None)

    def advance(fraction, message):
        if progress is not None:
            progress.advance_to(total + int(total * fraction), message, force=True)

    new_households = [p for p in plan.households if p.household_id is None]
    household_ids = reserve_ids(Household, len(new_households))
    household_rows = []
    for planned, pk in zip(new_households, household_ids, strict=True):
        planned.household_id = pk
        values = planned.values
        current = values.get("current_municipality")
        origin = values.get("origin_municipality")
        phone = values.get("phone", "")
        household_rows.append(
            (
                pk,
                1,
                now,
                f"H-{pk:06d}",
                organisation.pk,
                project.pk,
                origin.pk if origin else None,
                values.get("origin_settlement", ""),
                current.pk,
                values.get("current_settlement", ""),
                values.get("address", ""),
                values["accommodation"],
                phone,
                normalise_phone(phone),
                values.get("return_intention", ""),
                values.get("notes", ""),
                today,
                user_id,
            )
        )
    insert_rows(
        Household,
        [
            "id",
            "version",
            "updated_at",
            "number",
            "organisation_id",
            "project_id",
            "origin_municipality_id",
            "origin_settlement",
            "current_municipality_id",
            "current_settlement",
            "address",
            "accommodation",
            "phone",
            "phone_key",
            "return_intention",
            "notes",
            "registered_on",
            "registered_by_id",
        ],
        household_rows,
    )
    advance(0.15, _("Households written"))

    # People: new ones in bulk; updated ones through bulk_update with their changes.
    new_rows = [row for planned in plan.households for row in planned.rows if row.person_id is None]
    person_ids = reserve_ids(Person, len(new_rows))
    household_of = {}
    for planned in plan.households:
        for row in planned.rows:
            household_of[row.number] = planned.household_id
    person_columns = [
        "id",
        "version",
        "updated_at",
        "household_id",
        *PERSON_FIELDS,
        "first_key",
        "father_key",
        "last_key",
        "phone_key",
        "has_disability",
        "missing_documents",
    ]
    person_rows = []
    token_rows = []
    words = set()
    for row, pk in zip(new_rows, person_ids, strict=True):
        row.person_id = pk
        data = row.data
        person_rows.append(
            (
                pk,
                1,
                now,
                household_of[row.number],
                *_person_values(data),
                *_derived(data, (row.first_key, row.father_key, row.last_key)),
                False,
            )
        )
        tokens = dict.fromkeys(
            (*row.first_key.split(), *row.father_key.split(), *row.last_key.split())
        )
        words.update(tokens)
        token_rows.extend((pk, token) for token in tokens)
    insert_rows(Person, person_columns, person_rows)
    advance(0.4, _("People written"))

    updated_events = []
    changed_people = []
    renamed = []
    for planned in plan.households:
        for row in planned.rows:
            if row.person_id in plan.existing_people:
                person = plan.existing_people[row.person_id]
                changes = _person_changes(person, row)
                if not changes:
                    continue
                for name in PERSON_FIELDS:
                    setattr(person, name, row.data[name])
                (
                    person.first_key,
                    person.father_key,
                    person.last_key,
                    person.phone_key,
                    person.has_disability,
                ) = _derived(row.data, (row.first_key, row.father_key, row.last_key))
                person.version += 1
                changed_people.append(person)
                if {"first_name", "father_name", "last_name"} & set(changes):
                    renamed.append(person)
                updated_events.append((person, changes, row.number))
    if changed_people:
        Person.objects.bulk_update(
            changed_people,
            [
                *PERSON_FIELDS,
                "first_key",
                "father_key",
                "last_key",
                "phone_key",
                "has_disability",
                "version",
                "updated_at",
            ],
            batch_size=500,
        )
    if renamed:
        ids = [person.pk for person in renamed]
        for chunk in _chunks(ids):
            PersonNameToken.objects.filter(person_id__in=chunk).delete()
        for person in renamed:
            tokens = name_tokens(f"{person.first_name} {person.father_name} {person.last_name}")
            words.update(tokens)
            token_rows.extend((person.pk, token) for token in tokens)
    created = set(household_ids)
    for planned in plan.households:
        if planned.household_id in created or not planned.changed:
            continue
        updates = {name: value for name, (_before, value) in planned.changed.items()}
        if "phone" in updates:
            updates["phone_key"] = normalise_phone(updates["phone"])
        Household.objects.filter(pk=planned.household_id).update(
            **updates, version=F("version") + 1, updated_at=now
        )

    insert_rows(PersonNameToken, ["person_id", "token"], token_rows)
    for chunk in _chunks(words, 1000):
        index_words(chunk)
    advance(0.6, _("Names indexed for search"))

    # The partner's ids, so that the next import of the same list updates these records.
    insert_rows(
        ExternalHousehold,
        ["organisation_id", "external_id", "household_id"],
        [(organisation.pk, p.key[:100], p.household_id) for p in new_households],
    )
    insert_rows(
        ExternalPerson,
        ["organisation_id", "external_id", "person_id"],
        [
            (organisation.pk, row.person_key[:100], row.person_id)
            for row in new_rows
            if row.person_key
        ],
    )

    # Documents: a number given is a document held.
    document_rows = [
        (row.person_id, kind, IdentityDocument.Status.HELD, number, None, "")
        for row in new_rows
        if row.document
        for kind, number in [row.document]
    ]
    insert_rows(
        IdentityDocument,
        ["person_id", "kind", "status", "number", "expires_on", "notes"],
        document_rows,
    )
    for planned in plan.households:
        for row in planned.rows:
            if row.document and row.person_id in plan.existing_people:
                kind, number = row.document
                IdentityDocument.objects.update_or_create(
                    person_id=row.person_id,
                    kind=kind,
                    defaults={"status": IdentityDocument.Status.HELD, "number": number},
                )

    # Enrolment in the project as candidates, with the first step of each.
    to_enrol = [p.household_id for p in new_households] + sorted(plan.enrol_household_ids)
    enrolment_ids = reserve_ids(Enrolment, len(to_enrol))
    insert_rows(
        Enrolment,
        [
            "id",
            "version",
            "updated_at",
            "project_id",
            "household_id",
            "person_id",
            "organisation_id",
            "status",
            "status_on",
            "enrolled_on",
            "enrolled_by_id",
        ],
        [
            (
                pk,
                1,
                now,
                project.pk,
                household_id,
                None,
                organisation.pk,
                Enrolment.Status.CANDIDATE,
                today,
                today,
                user_id,
            )
            for pk, household_id in zip(enrolment_ids, to_enrol, strict=True)
        ],
    )
    step_context = _json({"people_import": record.pk})
    step_reason = _("Imported from %(file)s") % {"file": report.filename[:200]}
    insert_rows(
        EnrolmentStep,
        [
            "enrolment_id",
            "from_status",
            "to_status",
            "on",
            "at",
            "actor_id",
            "actor_label",
            "reason",
            "context",
        ],
        [
            (
                pk,
                "",
                Enrolment.Status.CANDIDATE,
                today,
                now,
                user_id,
                actor.label,
                step_reason,
                step_context,
            )
            for pk in enrolment_ids
        ],
    )
    advance(0.75, _("Enrolled as candidates"))

    # Warnings stay with the people they concern; likely duplicates go to review.
    person_of_row = {
        row.number: row.person_id for planned in plan.households for row in planned.rows
    }
    _save_problems(record, report.problems, person_of_row)
    _save_duplicates(record, report.duplicates, person_of_row)
    reason = _("Imported from %(file)s: listed for review as a likely duplicate.") % {
        "file": source
    }
    insert_rows(
        DuplicateAcknowledgement,
        [
            "person_id",
            "other_person_id",
            "matched_on",
            "reason",
            "acknowledged_by_id",
            "acknowledged_at",
        ],
        [
            (person_of_row[d.row], d.other_person_id, d.matched_on, reason, user_id, now)
            for d in report.duplicates
            if person_of_row.get(d.row)
        ],
    )

    # History: one row per household imported (naming its new members) and one per person
    # changed, then the import as a whole.
    row_word = _("row")
    audit_columns = [
        "at",
        "actor_id",
        "actor_label",
        "organisation_id",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "changes",
        "ip_address",
        "via",
    ]
    common = (user_id, actor.label, organisation.pk)
    tail = (actor.ip_address, actor.via)
    events = []
    household_label = Household._meta.label_lower
    person_label = Person._meta.label_lower
    members_of: dict[int, list[str]] = {}
    for planned in plan.households:
        members_of[planned.household_id] = [
            f"{row.data['first_name']} {row.data['last_name']}"
            for row in planned.rows
            if row.person_id not in plan.existing_people
        ]
    project_code = json.dumps(project.code, ensure_ascii=False)
    for planned in new_households:
        where = json.dumps(f"{source}, {planned.key}", ensure_ascii=False)
        members = json.dumps(", ".join(members_of[planned.household_id]), ensure_ascii=False)
        # Written as text: one JSON document per household, without a serialiser per row.
        changes = (
            f'{{"imported_from": {{"before": null, "after": {where}}}, '
            f'"project": {{"before": null, "after": {project_code}}}, '
            f'"member": {{"before": null, "after": {members}}}}}'
        )
        events.append(
            (
                now,
                *common,
                "household.import",
                household_label,
                str(planned.household_id),
                f"H-{planned.household_id:06d}",
                changes,
                *tail,
            )
        )
    for planned in plan.households:
        if planned.household_id in created:
            continue
        joined = members_of[planned.household_id]
        if not (planned.changed or joined):
            continue
        changes = {
            name: {"before": before, "after": after}
            for name, (before, after) in planned.changed.items()
        }
        if joined:
            changes["member"] = {"before": None, "after": ", ".join(joined)}
        changes["imported_from"] = {"before": None, "after": f"{source}, {planned.key}"}
        events.append(
            (
                now,
                *common,
                "household.import",
                household_label,
                str(planned.household_id),
                f"H-{planned.household_id:06d}",
                _json(changes),
                *tail,
            )
        )
    for person, changes, number in updated_events:
        readable = {
            name: {"before": before, "after": after} for name, (before, after) in changes.items()
        }
        readable["imported_from"] = {"before": None, "after": f"{source}, {row_word} {number}"}
        events.append(
            (
                now,
                *common,
                "person.import",
                person_label,
                str(person.pk),
                person.full_name[:255],
                _json(readable),
                *tail,
            )
        )
    insert_rows(AuditEvent, audit_columns, events)
    audit_record(
        actor=actor,
        action="people_import.run",
        target=record,
        changes=_summary_changes(report),
    )
    advance(1.0, _("Import finished"))
    report.timings["write_before_commit"] = round(time.perf_counter() - started, 3)
    return report
