"""Assistance overlap: people or households that received the same kind of assistance in two
projects or from two organisations, so that partners can coordinate (issue #7, item 4).

What counts:

* a **delivery handed over** (``Delivery.HANDED_OVER``: delivered or verified). Planned and
  approved deliveries have not reached anybody yet, cancelled ones never will;
* dated by its **handover date** (``since`` and ``until`` include both ends);
* of the **same kind**: the same assistance type, or the same category of assistance;
* for a **person**: deliveries naming that member; for a **household**: everything given to
  the household or to any of its members;
* **overlap**: deliveries of one kind to one person (household) by at least two organisations
  (``across="organisation"``) or in at least two projects (``across="project"``).

A person registered twice is one person receiving twice: the records of a likely duplicate not
yet decided (``CandidatePair`` pending or unsure, chained if need be) count as one person, and
their households as one household. A row that joins such records names the pairs, so that the
reviewer decides them (the pair page) before anybody acts on the overlap.

Who reads what: the report is for those who coordinate (``RESOLVE_DUPLICATES`` or
``RUN_EXPORTS``, with personal data); anybody else finds no report (404). A row is listed only
for a record the reader may see (``VIEW_PERSONAL_DATA``, and resolve duplicates or export
there). A delivery is shown in full only when the reader may see both it and its record;
deliveries beyond that are counted per organisation ("2 deliveries of the same kind by another
organisation"), the organisation named only when the reader sees the project it was given in
(``VIEW_PROJECTS``) or is a member of it — never a date, a value or a name of theirs.

The whole report takes a fixed handful of queries, however many rows: the pairs, the projects
the reader sees, the deliveries of every person (household) in overlap, and the records shown.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, Subquery, Value
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.casework.assistance.models import AssistanceType, Category, Delivery
from homeward.casework.common import project_in_scope
from homeward.core.scope import scope_filter, scoped
from homeward.dedup.models import CandidatePair
from homeward.programmes.models import Project
from homeward.registry.models import Household, Person

UNITS = {"person": gettext_lazy("Person"), "household": gettext_lazy("Household")}
ACROSS = {
    "organisation": gettext_lazy("from two organisations or more"),
    "project": gettext_lazy("in two projects or more"),
}
KINDS = {"type": gettext_lazy("Type of assistance"), "category": gettext_lazy("Category")}
COUNTED = Delivery.HANDED_OVER
# Pairs whose two records count as one person: a model's guess nobody has ruled out yet.
OPEN_PAIRS = (CandidatePair.Status.PENDING, CandidatePair.Status.UNSURE)
# Ids sent to the database at once: SQLite takes at most 32,766 parameters in one query.
_CHUNK = 5000


def may_read(actor) -> bool:
    """Those who coordinate with partners: who resolves duplicates or exports lists, and sees
    the people they are about."""
    return actor.can(Capability.VIEW_PERSONAL_DATA) and (
        actor.can(Capability.RESOLVE_DUPLICATES) or actor.can(Capability.RUN_EXPORTS)
    )


def in_navigation(actor) -> bool:
    """The menu's own link to the report, for readers without the deduplication pages (M&E
    officers); those with them reach it from there."""
    return may_read(actor) and not actor.can(Capability.RESOLVE_DUPLICATES)


def require_reader(actor) -> None:
    if not may_read(actor):
        raise Http404


@dataclass(frozen=True)
class PairLink:
    """A likely duplicate through which a row joins two records."""

    id: int
    status: str
    probability: float
    # Whether the reader may open the pair's page (both records in their RESOLVE_DUPLICATES
    # scope): otherwise the row says so without a link that would answer 404.
    reviewable: bool

    @property
    def explanation(self) -> str:
        if self.status == CandidatePair.Status.UNSURE:
            return _("through a likely duplicate, marked unsure")
        return _("through a likely duplicate, not yet reviewed")


@dataclass(frozen=True)
class OtherDeliveries:
    """Deliveries of the row's kind beyond what the reader may see: how many, and by whom
    when the reader knows that organisation anyway (``None``: another organisation)."""

    count: int
    organisation: str | None
    project: str | None

    @property
    def description(self) -> str:
        if self.organisation is None:
            return ngettext(
                "%(count)s delivery of the same kind by another organisation",
                "%(count)s deliveries of the same kind by another organisation",
                self.count,
            ) % {"count": self.count}
        return ngettext(
            "%(count)s delivery of the same kind by %(organisation)s",
            "%(count)s deliveries of the same kind by %(organisation)s",
            self.count,
        ) % {"count": self.count, "organisation": self.organisation}


@dataclass
class DeliveryLine:
    """A delivery shown on a row: the reader may see it and the record it was for."""

    pk: int
    handover_on: datetime.date | None
    status: str
    project: Project
    organisation: Organisation
    actual_value: Decimal | None
    currency: str
    person_id: int | None
    # On a household's row, the member it was for (None: the whole household).
    person: Person | None = None


@dataclass(frozen=True)
class OtherRecord:
    """Another record of the row's person (household) that the reader may see."""

    household_number: str
    name: str


@dataclass
class OverlapRow:
    """One person (or household) and one kind of assistance received more than once."""

    unit: str
    # The record shown: a Person (unit "person") or a Household; ``others`` are the other
    # records of the same person the reader may see, joined through likely duplicates.
    record: Person | Household
    others: list[OtherRecord]
    household: Household
    head_name: str
    assistance_type: AssistanceType | None
    category: str
    deliveries: list[DeliveryLine]
    by_others: list[OtherDeliveries]
    pairs: list[PairLink]
    organisations: int
    projects: int
    values: dict[str, Decimal] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        if self.assistance_type is not None:
            return self.assistance_type.localised_name
        return str(Category(self.category).label)

    @property
    def through_duplicate(self) -> bool:
        return bool(self.pairs)

    @property
    def total_deliveries(self) -> int:
        return len(self.deliveries) + sum(other.count for other in self.by_others)

    @property
    def name(self) -> str:
        return self.record.full_name if isinstance(self.record, Person) else self.head_name


@dataclass(frozen=True)
class Totals:
    rows: int
    deliveries: int
    shown: int
    values: dict[str, Decimal]


def totals(rows: Iterable[OverlapRow]) -> Totals:
    """What the report adds up to: its rows, the deliveries in them, and the value of those
    shown, per currency (the projects' currencies do not add up together)."""
    count = deliveries = shown = 0
    values: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        count += 1
        deliveries += row.total_deliveries
        shown += len(row.deliveries)
        for currency, value in row.values.items():
            values[currency] += value
    return Totals(
        rows=count, deliveries=deliveries, shown=shown, values=dict(sorted(values.items()))
    )


# --- the criteria ----------------------------------------------------------------------------


def _check(*, unit, across, kind, category, since, until) -> None:
    errors = {}
    for name, value, allowed in (
        ("unit", unit, UNITS),
        ("across", across, ACROSS),
        ("kind", kind, KINDS),
    ):
        if value not in allowed:
            errors[name] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}
    if category is not None and category not in Category.values:
        errors["category"] = _("There is no category %(category)s; choose one of: %(choices)s.") % {
            "category": category,
            "choices": ", ".join(Category.values),
        }
    if since is not None and until is not None and until < since:
        errors["until"] = _("The end of the period is before its start.")
    if errors:
        raise ValidationError(errors)


def _counted(*, unit, assistance_type, category, since, until):
    deliveries = Delivery.objects.filter(status__in=COUNTED)
    if unit == "person":
        deliveries = deliveries.filter(person__isnull=False)
    if assistance_type is not None:
        deliveries = deliveries.filter(assistance_type=assistance_type)
    if category is not None:
        deliveries = deliveries.filter(assistance_type__category=category)
    if since is not None:
        deliveries = deliveries.filter(handover_on__gte=since)
    if until is not None:
        deliveries = deliveries.filter(handover_on__lte=until)
    return deliveries


# --- likely duplicates: records that count as one ---------------------------------------------


class _Components:
    """Records joined by open pairs, chained (A ~ B ~ C is one person), by union-find."""

    def __init__(self):
        self.parent: dict[int, int] = {}
        self.edges: dict[int, list[tuple[int, int, CandidatePair]]] = defaultdict(list)

    def root(self, node: int) -> int:
        top = node
        while self.parent.get(top, top) != top:
            top = self.parent[top]
        while node != top:
            self.parent[node], node = top, self.parent[node]
        return top

    def join(self, a: int, b: int, pair) -> None:
        self.parent.setdefault(a, a)
        self.parent.setdefault(b, b)
        self.edges[a].append((a, b, pair))
        root_a, root_b = self.root(a), self.root(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def members(self) -> dict[int, set[int]]:
        grouped: dict[int, set[int]] = defaultdict(set)
        for node in list(self.parent):
            grouped[self.root(node)].add(node)
        return grouped

    def pairs_within(self, nodes: set[int]) -> list:
        return [pair for node in nodes for _a, b, pair in self.edges.get(node, ()) if b in nodes]


_PAIR_FIELDS = ("pk", "person_a", "person_b", "status", "match_probability")


def _open_pairs(unit):
    """The open pairs (a queryset, for subqueries) and the records each joins: two people, or
    for households the households of the two people."""
    pairs = CandidatePair.objects.filter(status__in=OPEN_PAIRS).order_by()
    if unit == "person":
        return pairs, [(pair, pair.person_a, pair.person_b) for pair in pairs.only(*_PAIR_FIELDS)]
    household_of = Person.objects.order_by().values("household_id")
    annotated = pairs.only(*_PAIR_FIELDS).annotate(
        household_a=Subquery(household_of.filter(pk=OuterRef("person_a"))[:1]),
        household_b=Subquery(household_of.filter(pk=OuterRef("person_b"))[:1]),
    )
    return pairs, [
        (pair, pair.household_a, pair.household_b)
        for pair in annotated
        # A record merged away since: its pair is no bridge any more.
        if pair.household_a is not None and pair.household_b is not None
    ]


def _paired_records(unit, pairs):
    """The records of open pairs, as a subquery (the queue may hold many thousands)."""
    people = Q(pk__in=pairs.values("person_a")) | Q(pk__in=pairs.values("person_b"))
    if unit == "person":
        return Person.objects.filter(people).values("pk")
    return Person.objects.filter(people).values("household_id")


# --- what the reader may see -----------------------------------------------------------------


def _record_condition(actor, model) -> Q | None:
    """A record is listed when the reader sees its personal data and may resolve duplicates or
    export there (None: every record)."""
    personal = scope_filter(model, actor.scope(Capability.VIEW_PERSONAL_DATA))
    resolve = scope_filter(model, actor.scope(Capability.RESOLVE_DUPLICATES))
    export = scope_filter(model, actor.scope(Capability.RUN_EXPORTS))
    coordinating = None if resolve is None or export is None else resolve | export
    if personal is None:
        return coordinating
    return personal if coordinating is None else personal & coordinating


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(ids)
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _visible_records(actor, unit, ids: set[int]) -> dict[int, Person | Household]:
    """The records among ``ids`` the reader may see, with what a row shows of them only."""
    model = Person if unit == "person" else Household
    condition = _record_condition(actor, model)
    records = model.objects.order_by()
    if condition is not None:
        records = records.filter(condition)
    if unit == "person":
        records = records.select_related("household").only(
            "first_name", "father_name", "last_name", "household__number"
        )
    else:
        records = records.only("number")
    found = {}
    for chunk in _chunks(ids):
        found.update((record.pk, record) for record in records.filter(pk__in=chunk))
    return found


def _heads(households: Iterable[Household]) -> dict[int, str]:
    ids = {household.pk for household in households}
    names = {}
    for chunk in _chunks(ids):
        heads = Person.objects.filter(household_id__in=chunk, relationship_to_head="head").only(
            "household_id", "first_name", "father_name", "last_name"
        )
        names.update((head.household_id, head.full_name) for head in heads)
    return names


def _reviewable(actor, pairs: Iterable) -> set[int]:
    """The pairs whose two records are both in the reader's RESOLVE_DUPLICATES scope, as the
    pair page requires."""
    if not actor.can(Capability.RESOLVE_DUPLICATES):
        return set()
    pairs = list(pairs)
    people = {pair.person_a for pair in pairs} | {pair.person_b for pair in pairs}
    within = set()
    for chunk in _chunks(people):
        within.update(
            scoped(
                Person.objects.filter(pk__in=chunk), actor, Capability.RESOLVE_DUPLICATES
            ).values_list("pk", flat=True)
        )
    return {pair.pk for pair in pairs if pair.person_a in within and pair.person_b in within}


# --- the report ------------------------------------------------------------------------------

# What is read of each delivery: plain values, not model instances (a report over the whole
# registry reads tens of thousands of them); ``in_scope``: the reader may see it.
_COLUMNS = (
    "pk",
    "person_id",
    "household_id",
    "assistance_type_id",
    "organisation_id",
    "project_id",
    "handover_on",
    "status",
    "actual_value",
    "currency",
    "in_scope",
)


@dataclass(frozen=True)
class _Read:
    pk: int
    person_id: int | None
    household_id: int
    assistance_type_id: int
    organisation_id: int
    project_id: int
    handover_on: datetime.date | None
    status: str
    actual_value: Decimal | None
    currency: str
    in_scope: bool


def _read(counted, *, actor, unit, unit_field, kind_field, across_field, open_pairs):
    """The deliveries of everybody with an overlap of their own and of everybody with a
    likely duplicate: nobody else can be in the report, so their deliveries are not read."""
    on_their_own = (
        counted.values(unit_field, kind_field)
        .annotate(reach=Count(across_field, distinct=True))
        .filter(reach__gte=2)
        .values(unit_field)
    )
    personal = scope_filter(Delivery, actor.scope(Capability.VIEW_PERSONAL_DATA))
    deliveries = (
        counted.filter(
            Q(**{f"{unit_field}__in": on_their_own})
            | Q(**{f"{unit_field}__in": _paired_records(unit, open_pairs)})
        )
        .annotate(
            in_scope=Value(True)
            if personal is None
            else ExpressionWrapper(personal, output_field=BooleanField())
        )
        .order_by("handover_on", "pk")
        .values_list(*_COLUMNS)
    )
    return [_Read(*values) for values in deliveries]


def _in_bulk(model, ids) -> dict:
    found = {}
    for chunk in _chunks(set(ids)):
        found.update(model.objects.in_bulk(chunk))
    return found


def assistance_overlap(
    *,
    actor,
    unit: str = "person",
    across: str = "organisation",
    kind: str = "type",
    assistance_type: AssistanceType | None = None,
    category: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    project: Project | None = None,
) -> list[OverlapRow]:
    """The overlaps ``actor`` may read, by household number, name and kind of assistance.

    ``project``: only overlaps with a delivery in that project (its people who also received
    the same elsewhere). 404: no report for this reader, or a project out of their scope;
    ValidationError: criteria that do not make sense, naming the field.
    """
    require_reader(actor)
    _check(unit=unit, across=across, kind=kind, category=category, since=since, until=until)
    if project is not None and not project_in_scope(actor, project, Capability.VIEW_PERSONAL_DATA):
        raise Http404
    unit_field = "person_id" if unit == "person" else "household_id"
    across_field = "organisation_id" if across == "organisation" else "project_id"

    open_pairs, edges = _open_pairs(unit)
    components = _Components()
    for pair, a, b in edges:
        if a != b:
            components.join(a, b, pair)
    members = components.members()

    counted = _counted(
        unit=unit, assistance_type=assistance_type, category=category, since=since, until=until
    )
    read = _read(
        counted,
        actor=actor,
        unit=unit,
        unit_field=unit_field,
        kind_field="assistance_type_id" if kind == "type" else "assistance_type__category",
        across_field=across_field,
        open_pairs=open_pairs,
    )
    types = AssistanceType.objects.in_bulk()
    groups: dict[tuple, list[_Read]] = defaultdict(list)
    for delivery in read:
        node = getattr(delivery, unit_field)
        key = delivery.assistance_type_id
        if kind == "category":
            key = types[key].category
        groups[(components.root(node), key)].append(delivery)
    groups = {
        key: group
        for key, group in groups.items()
        if len({getattr(delivery, across_field) for delivery in group}) >= 2
        and (project is None or any(delivery.project_id == project.pk for delivery in group))
    }
    if not groups:
        return []

    nodes_of = {root: members.get(root, {root}) for root, _key in groups}
    visible = _visible_records(actor, unit, set().union(*nodes_of.values()))
    households = {
        pk: (record if unit == "household" else record.household) for pk, record in visible.items()
    }
    context = _Context(
        unit=unit,
        unit_field=unit_field,
        kind=kind,
        across=across,
        across_field=across_field,
        types=types,
        visible=visible,
        households=households,
        heads=_heads(households.values()) if unit == "household" else {},
        projects=_in_bulk(Project, (d.project_id for group in groups.values() for d in group)),
        organisations=_in_bulk(
            Organisation, (d.organisation_id for group in groups.values() for d in group)
        ),
        seen_projects=set(
            scoped(Project.objects.all(), actor, Capability.VIEW_PROJECTS).values_list(
                "pk", flat=True
            )
        ),
        own_organisations={membership.organisation_id for membership in actor.memberships},
    )

    joined = {}
    for (root, key), group in groups.items():
        if len({getattr(delivery, unit_field) for delivery in group}) > 1:
            joined[(root, key)] = components.pairs_within(nodes_of[root])
    reviewable = _reviewable(actor, (pair for pairs in joined.values() for pair in pairs))

    rows = []
    for (root, key), group in groups.items():
        pairs = [
            PairLink(
                id=pair.pk,
                status=pair.status,
                probability=pair.match_probability,
                reviewable=pair.pk in reviewable,
            )
            for pair in joined.get((root, key), [])
        ]
        row = _row(context, nodes_of[root], group, pairs)
        if row is not None:
            rows.append(row)
    if unit == "household":
        _name_members(rows)
    rows.sort(key=lambda row: (row.household.number, row.name, row.kind_label))
    return rows


@dataclass
class _Context:
    """What every row of one report is made with."""

    unit: str
    unit_field: str
    kind: str
    across: str
    across_field: str
    types: dict
    visible: dict
    households: dict
    heads: dict
    projects: dict
    organisations: dict
    seen_projects: set
    own_organisations: set


def _row(context: _Context, nodes: set[int], group: list[_Read], pairs) -> OverlapRow | None:
    """The row of one person (household) and one kind, or None when the reader may see none
    of its records."""
    unit_field, visible = context.unit_field, context.visible
    received = {getattr(delivery, unit_field) for delivery in group}
    # The record shown first is one the reader sees that received it.
    records = sorted(
        (visible[node] for node in nodes if node in visible),
        key=lambda record: (record.pk not in received, record.pk),
    )
    if not records:
        return None
    shown, beyond = [], defaultdict(list)
    for delivery in group:
        if delivery.in_scope and getattr(delivery, unit_field) in visible:
            shown.append(_line(context, delivery))
        else:
            beyond[getattr(delivery, context.across_field)].append(delivery)
    values: dict[str, Decimal] = defaultdict(Decimal)
    for delivery in shown:
        if delivery.actual_value is not None:
            values[delivery.currency] += delivery.actual_value
    record = records[0]
    household = context.households[record.pk]
    assistance_type = context.types[group[0].assistance_type_id]
    return OverlapRow(
        unit=context.unit,
        record=record,
        others=[
            OtherRecord(context.households[other.pk].number, _record_name(other, context.heads))
            for other in records[1:]
        ],
        household=household,
        head_name=context.heads.get(household.pk, ""),
        assistance_type=assistance_type if context.kind == "type" else None,
        category=assistance_type.category,
        deliveries=shown,
        by_others=sorted(
            (_other_deliveries(context, hidden) for hidden in beyond.values()),
            key=lambda other: (other.organisation is None, other.organisation or ""),
        ),
        pairs=pairs,
        organisations=len({delivery.organisation_id for delivery in group}),
        projects=len({delivery.project_id for delivery in group}),
        values=dict(sorted(values.items())),
    )


def _record_name(record, heads) -> str:
    return record.full_name if isinstance(record, Person) else heads.get(record.pk, "")


def _line(context: _Context, delivery: _Read) -> DeliveryLine:
    return DeliveryLine(
        pk=delivery.pk,
        handover_on=delivery.handover_on,
        status=delivery.status,
        project=context.projects[delivery.project_id],
        organisation=context.organisations[delivery.organisation_id],
        actual_value=delivery.actual_value,
        currency=delivery.currency,
        person_id=delivery.person_id,
    )


def _name_members(rows: list[OverlapRow]) -> None:
    """On a household's row, the member a delivery was for (a member of a household the
    reader sees)."""
    lines = [line for row in rows for line in row.deliveries if line.person_id is not None]
    people = _in_bulk(Person, (line.person_id for line in lines))
    for line in lines:
        line.person = people.get(line.person_id)


def _other_deliveries(context: _Context, hidden: list[_Read]) -> OtherDeliveries:
    known = [
        delivery
        for delivery in hidden
        if delivery.project_id in context.seen_projects
        or delivery.organisation_id in context.own_organisations
    ]
    if not known:
        return OtherDeliveries(count=len(hidden), organisation=None, project=None)
    project = None
    if context.across == "project" and hidden[0].project_id in context.seen_projects:
        project = context.projects[hidden[0].project_id].code
    organisation = context.organisations[known[0].organisation_id]
    return OtherDeliveries(count=len(hidden), organisation=organisation.name, project=project)
