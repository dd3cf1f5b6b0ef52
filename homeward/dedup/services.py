"""Runs of deduplication, the pairs they store for review, and the decisions on those pairs.

A run reads the registry, lets the engine (``dedup.matching``) score the pairs of records that
may be one person, and stores those at or above its threshold as ``CandidatePair`` rows for
review. A run of one project or one import compares the people of that project or import with
the whole registry, not only with each other: a family registered twice is registered by two
partners.

Storing is an upsert on the two ids. A pair found again keeps what people decided: one still
to review (or marked unsure) takes the new probability and evidence; one decided "not the same"
or merged is left alone, so that a decision is never asked for twice.

The engine runs outside any transaction (it may take minutes): the run is created by
``dedup_run_start``, then ``dedup_run_execute`` reads, links and stores the pairs in one
transaction at the end. A background job (``dedup/jobs.py``) or the ``homeward dedup`` command
calls it.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.roles import capabilities_of
from homeward.core.audit import audit_record
from homeward.core.errors import ValidationError
from homeward.core.jobs import job_start
from homeward.core.scope import get_or_404, require, scoped
from homeward.core.services import NothingChanged, service
from homeward.dedup import jobs
from homeward.dedup.evidence import DEFAULT_THRESHOLD
from homeward.dedup.models import CandidatePair, DedupRun
from homeward.dedup.selectors import (
    CAPABILITY,
    import_people_ids,
    pair_get,
    project_people,
)
from homeward.exchange.models import ExternalPerson, PeopleImport
from homeward.programmes.models import Project
from homeward.registry.models import Person

if TYPE_CHECKING:
    from homeward.dedup import matching

CSV_COLUMNS = ["person_id_a", "person_id_b", "match_probability"]
# Decisions a reviewer takes here; "same" is taken by merging the two records.
DECISIONS = (
    CandidatePair.Status.NOT_SAME,
    CandidatePair.Status.UNSURE,
    CandidatePair.Status.PENDING,
)
_CHUNK = 500


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- runs ---------------------------------------------------------------------------------------


def _run_organisation(actor, project, people_import) -> int | None:
    """The organisation a run is filed under (who may read it): the actor's own one holding
    the capability, preferring the import's or the project's; for the system, theirs."""
    concerned = []
    if people_import is not None:
        concerned.append(people_import.organisation_id)
    if project is not None:
        concerned.append(project.lead_organisation_id)
    own = [
        membership.organisation_id
        for membership in actor.memberships
        if CAPABILITY in capabilities_of(membership.role)
    ]
    for organisation_id in concerned:
        if not own or organisation_id in own:
            return organisation_id
    return own[0] if own else None


def _check_threshold(threshold) -> float:
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        value = float("nan")
    if not 0 < value <= 1:
        raise ValidationError(
            {
                "threshold": _(
                    "The threshold is a probability above 0 and at most 1 (e.g. 0.9), not "
                    "%(value)s."
                )
                % {"value": threshold}
            }
        )
    return value


@service
def dedup_run_start(
    *,
    actor,
    coverage=DedupRun.Coverage.REGISTRY,
    project=None,
    people_import=None,
    threshold=DEFAULT_THRESHOLD,
    background=True,
) -> DedupRun:
    """Record a run and, with ``background``, start its job (kind ``dedup.run``); the command
    runs it here and now instead (``dedup_run_execute``).

    ``coverage`` "project" needs ``project``, "import" needs ``people_import`` (an import that
    wrote people); either out of the actor's scope is a 404.
    """
    require(actor, CAPABILITY)
    threshold = _check_threshold(threshold)
    if coverage not in DedupRun.Coverage.values:
        raise ValidationError({"coverage": _("Choose what to compare.")})
    if coverage == DedupRun.Coverage.PROJECT:
        if project is None:
            raise ValidationError({"project": _("Choose the project whose people to compare.")})
        project = get_or_404(scoped(Project.objects.all(), actor, CAPABILITY), pk=project.pk)
        people_import = None
    elif coverage == DedupRun.Coverage.IMPORT:
        if people_import is None:
            raise ValidationError(
                {"people_import": _("Choose the import whose people to compare.")}
            )
        people_import = get_or_404(
            scoped(PeopleImport.objects.all(), actor, CAPABILITY), pk=people_import.pk
        )
        if people_import.status != PeopleImport.Status.IMPORTED:
            raise ValidationError(
                {
                    "people_import": _(
                        "Import %(id)s (%(file)s) was %(status)s: it added no one to compare."
                    )
                    % {
                        "id": people_import.pk,
                        "file": people_import.filename,
                        "status": people_import.get_status_display().lower(),
                    }
                }
            )
        project = None
    else:
        project = people_import = None
    run = DedupRun.objects.create(
        coverage=coverage,
        project=project,
        people_import=people_import,
        threshold=threshold,
        organisation_id=_run_organisation(actor, project, people_import),
        started_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="dedup.run_start",
        target=run,
        changes={
            "coverage": {"before": None, "after": coverage},
            "project": {"before": None, "after": project},
            "people_import": {"before": None, "after": getattr(people_import, "pk", None)},
            "threshold": {"before": None, "after": threshold},
        },
    )
    if background:
        run.job = job_start(
            actor=actor,
            kind=jobs.KIND,
            params={"run": run.pk},
            organisation_id=run.organisation_id,
        )
        run.save(update_fields=["job"])
    return run


def _focus(run: DedupRun) -> set[int] | None:
    if run.coverage == DedupRun.Coverage.PROJECT:
        return set(project_people(run.project).values_list("pk", flat=True))
    if run.coverage == DedupRun.Coverage.IMPORT:
        return import_people_ids(run.people_import)
    return None


def dedup_run_execute(
    *, run: DedupRun, actor, progress: Callable[[int, int, str], None] | None = None, queue=True
) -> DedupRun:
    """Read the registry, link it and store the pairs found (``queue=False``: only report
    them). The linkage stays on the run as ``run.linkage`` for whoever writes its pairs out.

    ``progress(done, total, stage)`` is handed to the engine. A failure marks the run failed
    and is raised again.
    """
    # Splink and DuckDB load here, for a run, not with every page and command.
    from homeward.dedup import matching

    DedupRun.objects.filter(pk=run.pk).update(status=DedupRun.Status.RUNNING)
    run.status = DedupRun.Status.RUNNING
    try:
        started = time.perf_counter()
        focus = _focus(run)
        records = matching.registry_records()
        read = time.perf_counter() - started
        linkage = matching.link(records, threshold=run.threshold, focus=focus, progress=progress)
        run = dedup_run_record(
            actor=actor, run=run, linkage=linkage, queue=queue, timings={"read": read}
        )
    except Exception as error:
        dedup_run_fail(actor=actor, run=run, message=str(error) or type(error).__name__)
        raise
    run.linkage = linkage
    return run


def _refresh(run: DedupRun, rows: list[tuple[int, matching.Pair]]) -> None:
    """Give the stored pairs ``rows`` (id, pair found) their new probability, weight, evidence
    and run: one ``UPDATE ... FROM (VALUES ...)`` per batch, which PostgreSQL and SQLite both
    take, where ``bulk_update`` writes a CASE per row and column (minutes for 50,000 pairs)."""
    fields = CandidatePair._meta
    quote = connection.ops.quote_name
    casts = [
        f"CAST(%s AS {fields.get_field(name).cast_db_type(connection)})"
        for name in ("id", "match_probability", "match_weight", "evidence")
    ]
    table = quote(fields.db_table)
    for chunk in _chunks(rows):
        values = ", ".join([f"({', '.join(casts)})"] * len(chunk))
        parameters = [
            value
            for pk, pair in chunk
            for value in (pk, pair.probability, pair.weight, json.dumps(pair.evidence))
        ]
        with connection.cursor() as cursor:
            # Names and types are the model's own; every value is a parameter.
            cursor.execute(
                f"WITH found (id, probability, weight, evidence) AS (VALUES {values}) "  # noqa: S608
                f"UPDATE {table} SET {quote('match_probability')} = found.probability, "
                f"{quote('match_weight')} = found.weight, {quote('evidence')} = found.evidence, "
                f"{quote('run_id')} = %s FROM found WHERE {table}.{quote('id')} = found.id",
                [*parameters, run.pk],
            )


def _store(run: DedupRun, pairs: list[matching.Pair]) -> int:
    """Upsert ``pairs``; returns how many are new to the queue."""
    found = {(pair.id_a, pair.id_b): pair for pair in pairs}
    existing: dict[tuple[int, int], tuple[int, str]] = {}
    for chunk in _chunks(sorted({pair.id_a for pair in pairs})):
        stored = CandidatePair.objects.filter(person_a__in=chunk).values_list(
            "person_a", "person_b", "pk", "status"
        )
        for person_a, person_b, pk, status in stored:
            if (person_a, person_b) in found:
                existing[person_a, person_b] = (pk, status)
    refreshable = {CandidatePair.Status.PENDING, CandidatePair.Status.UNSURE}
    _refresh(
        run,
        [(pk, found[key]) for key, (pk, status) in existing.items() if status in refreshable],
    )
    now = timezone.now()
    new = [
        CandidatePair(
            person_a=pair.id_a,
            person_b=pair.id_b,
            run=run,
            match_probability=pair.probability,
            match_weight=pair.weight,
            evidence=pair.evidence,
            found_at=now,
        )
        for key, pair in found.items()
        if key not in existing
    ]
    # Another run may have stored one of these meanwhile: it stays as that run left it.
    CandidatePair.objects.bulk_create(new, batch_size=_CHUNK, ignore_conflicts=True)
    return len(new)


def _existing_people(ids: set[int]) -> set[int]:
    present = set()
    for chunk in _chunks(sorted(ids)):
        present.update(Person.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return present


@service
def dedup_run_record(
    *, actor, run: DedupRun, linkage: matching.Linkage, queue=True, timings=None
) -> DedupRun:
    """Store what a run found and its counts (``queue=False``: the counts only)."""
    started = time.perf_counter()
    pairs = linkage.pairs
    if queue:
        # A record merged or deleted while the engine ran is no longer there to review.
        present = _existing_people({pair.id_a for pair in pairs} | {pair.id_b for pair in pairs})
        pairs = [pair for pair in pairs if pair.id_a in present and pair.id_b in present]
    run.pairs_new = _store(run, pairs) if queue else 0
    run.people = linkage.people
    run.comparisons = linkage.comparisons
    run.pairs_found = len(linkage.pairs)
    run.model = linkage.model
    run.timings = {
        **(timings or {}),
        **linkage.timings,
        "store": time.perf_counter() - started,
    }
    run.timings = {stage: round(seconds, 3) for stage, seconds in run.timings.items()}
    run.status = DedupRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        actor=actor,
        action="dedup.run",
        target=run,
        changes={
            "people": {"before": None, "after": run.people},
            "comparisons": {"before": None, "after": run.comparisons},
            "pairs_found": {"before": None, "after": run.pairs_found},
            "pairs_new": {"before": None, "after": run.pairs_new},
        },
    )
    return run


@service
def dedup_run_fail(*, actor, run: DedupRun, message: str) -> DedupRun:
    run.status = DedupRun.Status.FAILED
    run.message = message[:500]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "finished_at"])
    audit_record(
        actor=actor,
        action="dedup.run_fail",
        target=run,
        changes={"message": {"before": None, "after": run.message}},
    )
    return run


# --- decisions ----------------------------------------------------------------------------------


def _pair_organisation(pair: CandidatePair) -> int | None:
    """The organisation holding the pair's first person still there: its data protection
    officer reads the decision in the audit trail."""
    for person_id in (pair.person_a, pair.person_b):
        owner = (
            Person.objects.filter(pk=person_id)
            .values_list("household__organisation_id", flat=True)
            .first()
        )
        if owner is not None:
            return owner
    return None


@service
def pair_decide(
    *, actor, pair: CandidatePair, decision: str, note: str = "", expected_status=None
) -> CandidatePair:
    """Decide a pair: "not_same" (never proposed again), "unsure", or "pending" (back to the
    queue). ``expected_status`` is the status the reviewer saw: if somebody decided the pair
    since, the decision is refused rather than written over theirs."""
    pair = pair_get(actor=actor, pk=pair.pk)
    # Locked until this decision commits: a second reviewer waits, then sees this one.
    pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    if decision == CandidatePair.Status.SAME:
        raise ValidationError(
            {"decision": _("To record that they are the same person, merge the two records.")}
        )
    if decision not in DECISIONS:
        raise ValidationError(
            {"decision": _("Choose not the same person, unsure, or back to review.")}
        )
    if pair.status == CandidatePair.Status.SAME:
        raise ValidationError(
            _("These two records have been merged; undo the merge to decide otherwise."),
            code="merged",
        )
    if expected_status is not None and pair.status != expected_status:
        who = pair.decided_by.get_username() if pair.decided_by else _("somebody")
        raise ValidationError(
            _(
                "%(who)s has decided this pair (%(status)s) since you opened it. Read their "
                "decision and decide again if you still disagree."
            )
            % {"who": who, "status": pair.get_status_display()},
            code="conflict",
        )
    note = (note or "").strip()
    before = {"status": pair.status, "note": pair.note}
    if decision == pair.status and note == pair.note:
        raise NothingChanged(pair)
    pair.status = decision
    pair.note = note
    if decision == CandidatePair.Status.PENDING:
        pair.decided_by = pair.decided_at = None
    else:
        pair.decided_by = actor.user
        pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "note", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="dedup.pair_decide",
        target=pair,
        changes={
            name: {"before": before[name], "after": after}
            for name, after in (("status", pair.status), ("note", pair.note))
            if before[name] != after
        },
        organisation_id=_pair_organisation(pair),
    )
    return pair


# --- pairs as CSV -------------------------------------------------------------------------------


def person_export_ids(person_ids: Iterable[int]) -> dict[int, str]:
    """The id each person is known by outside: the ``person_id`` a partner gave at import (the
    one of the organisation holding the household when several partners gave one, else the
    lowest), or Homeward's own id where none was given."""
    ids = sorted(set(person_ids))
    holder = {}
    given: dict[int, list[tuple[int, str]]] = {}
    for chunk in _chunks(ids):
        holder.update(
            Person.objects.filter(pk__in=chunk).values_list("pk", "household__organisation_id")
        )
        rows = ExternalPerson.objects.filter(person_id__in=chunk).values_list(
            "person_id", "organisation_id", "external_id"
        )
        for person_id, organisation_id, external_id in rows:
            given.setdefault(person_id, []).append((organisation_id, external_id))
    chosen = {}
    for pk in ids:
        partner_ids = given.get(pk)
        if not partner_ids:
            chosen[pk] = str(pk)
            continue
        own = [external for organisation, external in partner_ids if organisation == holder.get(pk)]
        chosen[pk] = own[0] if own else min(external for _organisation, external in partner_ids)
    return chosen


def _pair_values(pair) -> tuple[int, int, float]:
    if isinstance(pair, CandidatePair):
        return pair.person_a, pair.person_b, pair.match_probability
    return pair.id_a, pair.id_b, pair.probability


def write_pairs_csv(pairs: Iterable, out) -> int:
    """Write ``pairs`` (the engine's ``Pair`` or stored ``CandidatePair``) to the text stream
    ``out`` as ``person_id_a,person_id_b,match_probability``; returns the rows written."""
    values = [_pair_values(pair) for pair in pairs]
    names = person_export_ids([a for a, _b, _p in values] + [b for _a, b, _p in values])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for id_a, id_b, probability in values:
        writer.writerow([names[id_a], names[id_b], f"{probability:.6f}"])
    return len(values)
