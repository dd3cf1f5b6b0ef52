"""Merging two records of one person, and undoing it.

A merge keeps one record and moves to it everything that points at the other: every row of
every model with a foreign key to ``Person`` (found through ``_meta``, so that a model added
later moves too), and, where such a row also names the merged person's household, the kept
person's household instead. A row that would then break a unique constraint (both records
enrolled in the same project, both present at the same session) stays with the merged record
and is deleted with it. When the merged person lived alone, their household goes too, after
its own rows (contacts, grievances, household deliveries) have moved to the kept household.

Nothing is lost: the ``Merge`` row lists every row moved with where it pointed before, and
holds every deleted row in Django's serialisation, so that an undo restores them under their
own ids and moves the others back. Both the merge and the undo happen in one transaction, with
both people locked, so that two reviewers merging the same pair, or a merge racing an edit,
never overwrite each other: the second is refused and told why.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, router, transaction
from django.db.models import F, Q, UniqueConstraint
from django.db.models.deletion import Collector, ProtectedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.roles import Capability
from homeward.core.actors import Actor
from homeward.core.audit import audit_record
from homeward.core.errors import ValidationError
from homeward.core.scope import require, scoped
from homeward.core.services import service
from homeward.dedup.models import CandidatePair, Merge
from homeward.registry.models import Household, Person, PersonNameToken, Relationship
from homeward.registry.services import index_names, refresh_missing_documents

# Rows pointing at a person that a merge does not move: the merged person's name tokens are
# deleted with the record and the kept person's are rebuilt from the kept name (see
# ``_refresh_kept``, which also recomputes what the kept record derives from moved rows).
REBUILT = {(PersonNameToken._meta.label, "person")}

OPEN_PAIRS = (CandidatePair.Status.PENDING, CandidatePair.Status.UNSURE)


class MergeRefused(ValidationError):
    """A merge or an undo that cannot be carried out; the message says why and what to do."""


# --- what points at a person or a household ------------------------------------------------


def links_to(model) -> list:
    """Every foreign key (or one-to-one) of any model pointing at ``model``, hidden ones
    (``related_name="+"``) included."""
    return [
        relation.field
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.is_relation
        and relation.auto_created
        and not relation.concrete
        and not relation.many_to_many
    ]


def person_links() -> list:
    """The foreign keys whose rows a merge moves to the kept person."""
    return [
        field for field in links_to(Person) if (field.model._meta.label, field.name) not in REBUILT
    ]


def _by_model(fields) -> dict:
    grouped = defaultdict(list)
    for field in fields:
        grouped[field.model].append(field)
    return grouped


def _label(model) -> str:
    return str(model._meta.verbose_name_plural).capitalize()


# --- moving rows -------------------------------------------------------------------------


def _conflicts(row, changed: dict) -> bool:
    """Whether ``row`` with ``changed`` applied would break a unique constraint, or would name
    one person twice (an acknowledgement that the two records may be one person)."""
    model = type(row)
    people = [
        getattr(row, field.attname)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Person and getattr(row, field.attname)
    ]
    if len(people) != len(set(people)):
        return True
    try:
        row.validate_unique()
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and set(constraint.fields) & set(changed):
                constraint.validate(model, row, using=router.db_for_write(model))
    except ValidationError:
        return True
    return False


def _move(fields_by_model: dict, replace: dict) -> tuple[dict, list]:
    """Point every row that ``fields_by_model`` finds at a record of ``replace`` (``{model:
    (old_pk, new_pk)}``) to the new one instead. Returns the rows moved, ``{label: [{"id":
    pk, field: old value}]}``, and the rows left behind because moving them would break a
    unique constraint."""
    moved: dict[str, list] = {}
    left: list = []
    for model, fields in fields_by_model.items():
        condition = Q(pk__in=[])
        for field in fields:
            condition |= Q(**{field.attname: replace[field.related_model][0]})
        for row in model._base_manager.filter(condition).order_by("pk"):
            if replace.get(model, (None, None))[1] == row.pk:
                # The household kept was split from the merged person's: it cannot become
                # its own origin.
                raise MergeRefused(
                    _("%(record)s refers to the merged record's household: change that first.")
                    % {"record": str(row)}
                )
            before, changed = {}, {}
            for field in model._meta.concrete_fields:
                old_new = replace.get(field.related_model) if field.is_relation else None
                if old_new and getattr(row, field.attname) == old_new[0]:
                    before[field.name] = old_new[0]
                    changed[field.name] = old_new[1]
                    setattr(row, field.attname, old_new[1])
            if _conflicts(row, changed):
                left.append(row)
                continue
            model._base_manager.filter(pk=row.pk).update(**changed)
            moved.setdefault(model._meta.label, []).append({"id": row.pk, **before})
    return moved, left


def _add_moved(moved: dict, more: dict) -> None:
    for label, rows in more.items():
        moved.setdefault(label, []).extend(rows)


# --- deleting rows, recorded ---------------------------------------------------------------


class _ExactEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times to the microsecond: an undo restores them exactly."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _delete_recorded(rows) -> list[dict]:
    """Delete ``rows`` with whatever their deletion cascades to, and return all of it
    serialised in the order an undo must insert it again (what others point at first)."""
    snapshot: list[dict] = []
    by_model = defaultdict(list)
    for row in rows:
        by_model[type(row)].append(row)
    for model, instances in by_model.items():
        collector = Collector(using=router.db_for_write(model))
        try:
            collector.collect(instances)
        except ProtectedError as protected:
            names = ", ".join(sorted({str(row) for row in protected.protected_objects})[:5])
            raise MergeRefused(
                _(
                    "%(rows)s of the merged record cannot be removed: %(others)s refer to them. "
                    "Change or remove those first."
                )
                % {"rows": _label(model), "others": names}
            ) from protected
        collector.sort()
        deleted = [
            *[row for query in collector.fast_deletes for row in query],
            *[row for instances in collector.data.values() for row in instances],
        ]
        # The collector reads only the columns it needs; the snapshot needs whole rows.
        whole = []
        for row in reversed(deleted):
            whole.append(type(row)._base_manager.get(pk=row.pk))
        snapshot[:0] = json.loads(
            json.dumps(serializers.serialize("python", whole), cls=_ExactEncoder)
        )
        collector.delete()
    return snapshot


def _restore(snapshot: list[dict]) -> None:
    """Insert the rows of ``snapshot`` again, under their own ids."""
    try:
        with transaction.atomic():
            for restored in serializers.deserialize("python", snapshot):
                restored.save()
    except IntegrityError as clash:
        raise MergeRefused(
            _(
                "A record created since the merge takes the place of one the merge removed: "
                "the merge cannot be undone."
            )
        ) from clash


# --- people and pairs ----------------------------------------------------------------------


def person_label(person: Person) -> str:
    return f"{person.full_name} · {person.household.number} · #{person.pk}"


def _check_version(person: Person, expected: int | None) -> None:
    if expected is not None and person.version != expected:
        raise MergeRefused(
            _(
                "%(name)s was changed by somebody else after you opened the pair. Review the "
                "records again before merging."
            )
            % {"name": person.full_name}
        )


def _locked_people(actor: Actor, ids: list[int]) -> dict[int, Person]:
    """Lock both people (in id order, so that two merges never wait on each other), after
    making sure the actor may reach both."""
    existing = Person.objects.filter(pk__in=ids)
    visible = scoped(existing, actor, Capability.RESOLVE_DUPLICATES).count()
    if visible < len(ids):
        if visible and existing.count() < len(ids):
            raise MergeRefused(_("One of the two records has already been merged into another."))
        raise Http404
    people = Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    locked = {person.pk: person for person in people}
    if len(locked) < len(ids):
        # Merged by somebody else while this merge waited for the lock.
        raise MergeRefused(_("One of the two records has already been merged into another."))
    return locked


def _repoint_pairs(pair: CandidatePair, kept: int, merged: int) -> tuple[list[dict], list]:
    """The merged person's other pairs now name the kept person; where the kept person already
    has that pair, the merged person's is dropped (a "not the same" decision carried over)."""
    moved, dropped = [], []
    others = CandidatePair.objects.select_for_update().filter(
        Q(person_a=merged) | Q(person_b=merged)
    )
    for other_pair in others.exclude(pk=pair.pk).order_by("pk"):
        third = other_pair.other(merged)
        low, high = sorted((kept, third))
        existing = CandidatePair.objects.filter(person_a=low, person_b=high).first()
        if existing is None:
            moved.append(
                {
                    "id": other_pair.pk,
                    "person_a": other_pair.person_a,
                    "person_b": other_pair.person_b,
                }
            )
            CandidatePair.objects.filter(pk=other_pair.pk).update(person_a=low, person_b=high)
            continue
        if other_pair.status == CandidatePair.Status.NOT_SAME and existing.status in OPEN_PAIRS:
            moved.append(
                {
                    "id": existing.pk,
                    "status": existing.status,
                    "decided_by": existing.decided_by_id,
                    "decided_at": existing.decided_at.isoformat() if existing.decided_at else None,
                    "note": existing.note,
                }
            )
            CandidatePair.objects.filter(pk=existing.pk).update(
                status=other_pair.status,
                decided_by=other_pair.decided_by_id,
                decided_at=other_pair.decided_at,
                note=other_pair.note,
            )
        # A pair that a merge names must stay, naming the record that may come back.
        if not other_pair.merges.exists():
            dropped.append(other_pair)
    return moved, dropped


def _household_goes(merged: Person, kept: Person) -> bool:
    """Whether the merged person lived alone, so that their household empties and goes.
    Refuses a merge that would leave a household without its head."""
    others = merged.household.members.exclude(pk=merged.pk).exists()
    if others and merged.relationship_to_head == Relationship.HEAD:
        raise MergeRefused(
            _(
                "%(name)s heads household %(household)s, which has other members. Make another "
                "member the head, or merge the members first, then merge this record."
            )
            % {"name": merged.full_name, "household": merged.household.number}
        )
    return not others and merged.household_id != kept.household_id


def _counts(rows: dict[str, list] | list[dict]) -> str:
    if isinstance(rows, dict):
        counted = {label: len(entries) for label, entries in rows.items() if entries}
    else:
        counted = defaultdict(int)
        for entry in rows:
            counted[apps.get_model(entry["model"])._meta.label] += 1
    return "; ".join(
        f"{_label(apps.get_model(label))}: {count}" for label, count in sorted(counted.items())
    )


def _refresh_kept(kept: Person) -> None:
    """The kept record gained (or gave back) rows: its search tokens and the flag of missing
    documents follow, and its version moves on, so that an edit opened before is checked."""
    index_names(kept, replace=True)
    refresh_missing_documents(kept)
    Person.objects.filter(pk=kept.pk).update(version=F("version") + 1)


@service
def people_merge(
    *,
    actor: Actor,
    pair: CandidatePair,
    keep: int,
    note: str = "",
    expected_version_kept: int | None = None,
    expected_version_merged: int | None = None,
) -> Merge:
    """Merge the two records of ``pair`` into the one with id ``keep``: see the module."""
    require(actor, Capability.RESOLVE_DUPLICATES)
    if keep not in (pair.person_a, pair.person_b):
        raise ValidationError({"keep": _("Choose one of the two records of the pair.")})
    merged_id = pair.other(keep)
    people = _locked_people(actor, [pair.person_a, pair.person_b])
    locked_pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    if (locked_pair.person_a, locked_pair.person_b) != (pair.person_a, pair.person_b):
        # Another merge made this pair name its kept record instead.
        raise MergeRefused(_("One of the two records has already been merged into another."))
    pair = locked_pair
    if pair.status == CandidatePair.Status.SAME:
        raise MergeRefused(_("These records have already been merged."))
    if pair.status == CandidatePair.Status.NOT_SAME:
        raise MergeRefused(
            _(
                "This pair was decided not to be the same person. Put it back to review first "
                "if that was a mistake."
            )
        )
    kept, merged = people[keep], people[merged_id]
    _check_version(kept, expected_version_kept)
    _check_version(merged, expected_version_merged)
    # Nobody adds a member to the merged person's household while it may be deleted.
    list(
        Household.objects.select_for_update()
        .filter(pk__in=[kept.household_id, merged.household_id])
        .order_by("pk")
    )
    household_goes = _household_goes(merged, kept)
    merged_household = merged.household
    merge = Merge(
        pair=pair,
        kept=kept.pk,
        merged=merged.pk,
        kept_label=person_label(kept),
        merged_label=person_label(merged),
        organisation_id=kept.household.organisation_id,
        merged_by=actor.user,
    )

    replace = {Person: (merged.pk, kept.pk)}
    if merged.household_id != kept.household_id:
        replace[Household] = (merged.household_id, kept.household_id)
    moved, left = _move(_by_model(person_links()), replace)
    pairs_moved, pairs_dropped = _repoint_pairs(pair, kept.pk, merged.pk)
    if pairs_moved:
        moved[CandidatePair._meta.label] = pairs_moved
    snapshot = _delete_recorded(left)
    snapshot[:0] = _delete_recorded([merged, *pairs_dropped])
    if household_goes:
        household_moved, household_left = _move(
            _by_model(links_to(Household)),
            {Household: (merged_household.pk, kept.household_id)},
        )
        _add_moved(moved, household_moved)
        snapshot[:0] = _delete_recorded(household_left)
        snapshot[:0] = _delete_recorded([merged_household])

    merge.moved = moved
    merge.snapshot = snapshot
    merge.save()
    _refresh_kept(kept)
    pair.status = CandidatePair.Status.SAME
    pair.decided_by = actor.user
    pair.decided_at = timezone.now()
    pair.note = (note or "").strip() or pair.note
    pair.save(update_fields=["status", "decided_by", "decided_at", "note"])

    audit_record(
        actor=actor,
        action="person.merge",
        target=kept,
        changes={
            "merged_record": {"before": None, "after": merge.merged_label},
            "rows_moved": {"before": None, "after": _counts(moved)},
            "rows_removed": {"before": None, "after": _counts(snapshot)},
        },
    )
    audit_record(
        actor=actor,
        action="person.merge",
        target_type=Person._meta.label_lower,
        target_id=merge.merged,
        target_label=merge.merged_label,
        organisation_id=merged_household.organisation_id,
        changes={"kept_record": {"before": None, "after": merge.kept_label}},
    )
    return merge


# --- undo ----------------------------------------------------------------------------------


def _snapshot_ids_taken(snapshot: list[dict]) -> bool:
    ids = defaultdict(list)
    for entry in snapshot:
        ids[entry["model"]].append(entry["pk"])
    return any(
        apps.get_model(label)._base_manager.filter(pk__in=pks).exists()
        for label, pks in ids.items()
    )


@service
def merge_undo(*, actor: Actor, merge: Merge) -> Merge:
    """Bring the merged record back as it was, with every row it had, under the same ids."""
    require(actor, Capability.RESOLVE_DUPLICATES)
    kept = scoped(
        Person.objects.filter(pk=merge.kept), actor, Capability.RESOLVE_DUPLICATES
    ).first()
    if kept is None:
        merges = scoped(Merge.objects.filter(pk=merge.pk), actor, Capability.RESOLVE_DUPLICATES)
        if Person.objects.filter(pk=merge.kept).exists() or not merges.exists():
            raise Http404
        raise MergeRefused(_("The record kept no longer exists: the merge cannot be undone."))
    kept = Person.objects.select_for_update().get(pk=kept.pk)
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise MergeRefused(_("This merge has already been undone."))
    later = (
        Merge.objects.filter(pk__gt=merge.pk, undone_at__isnull=True)
        .filter(Q(kept__in=[merge.kept, merge.merged]) | Q(merged__in=[merge.kept, merge.merged]))
        .order_by("-pk")
        .first()
    )
    if later is not None:
        raise MergeRefused(
            _("A later merge involves these records (%(merge)s): undo that one first.")
            % {"merge": str(later)}
        )
    if Person.objects.filter(pk=merge.merged).exists() or _snapshot_ids_taken(merge.snapshot):
        raise MergeRefused(
            _(
                "The merged record's id has been given to another record since: the merge "
                "cannot be undone."
            )
        )

    _restore(merge.snapshot)
    for label, rows in merge.moved.items():
        model = apps.get_model(label)
        for entry in rows:
            before = {name: value for name, value in entry.items() if name != "id"}
            model._base_manager.filter(pk=entry["id"]).update(**before)
    _refresh_kept(kept)
    if merge.pair_id:
        CandidatePair.objects.filter(pk=merge.pair_id).update(
            status=CandidatePair.Status.PENDING, decided_by=None, decided_at=None
        )
    merge.undone_by = actor.user
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_by", "undone_at"])

    restored = Person.objects.select_related("household").get(pk=merge.merged)
    audit_record(
        actor=actor,
        action="person.merge_undo",
        target=kept,
        changes={"merged_record": {"before": merge.merged_label, "after": None}},
    )
    audit_record(
        actor=actor,
        action="person.merge_undo",
        target=restored,
        changes={"kept_record": {"before": merge.kept_label, "after": None}},
    )
    return merge


# --- preview -------------------------------------------------------------------------------


def merge_preview(*, pair: CandidatePair, keep: int) -> dict[str, int]:
    """How many rows of each kind would move to the record ``keep``, by their names in the
    page's language ({"Deliveries": 2, "Enrolments": 1}); nothing when a record is gone."""
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=[pair.person_a, pair.person_b]).select_related(
            "household"
        )
    }
    if len(people) < 2 or keep not in people:
        return {}
    kept, merged = people[keep], people[pair.other(keep)]
    counts: dict[str, int] = defaultdict(int)
    for model, fields in _by_model(person_links()).items():
        condition = Q(pk__in=[])
        for field in fields:
            condition |= Q(**{field.attname: merged.pk})
        counts[_label(model)] += model._base_manager.filter(condition).count()
    alone = (
        merged.household_id != kept.household_id
        and not merged.household.members.exclude(pk=merged.pk).exists()
    )
    if alone:
        person_fields = _by_model(person_links())
        for model, fields in _by_model(links_to(Household)).items():
            condition = Q(pk__in=[])
            for field in fields:
                condition |= Q(**{field.attname: merged.household_id})
            # Rows of the merged person are counted above already.
            rows = model._base_manager.filter(condition).exclude(pk=merged.pk)
            for field in person_fields.get(model, []):
                rows = rows.exclude(**{field.attname: merged.pk})
            counts[_label(model)] += rows.count()
    return {label: count for label, count in counts.items() if count}
