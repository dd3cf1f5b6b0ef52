"""How rules become numbers: one aggregate per rule, never a loop over people, and all of a
project's aggregates in one statement (``compute_jobs``).

Each rule is turned into one or more *fact sources*: a query (built with the ORM, or SQL over
an ORM query where grouping before joining matters, so it runs on SQLite and PostgreSQL alike)
giving one row per person, household, event or grant counted, with the day it first qualified
(``f_on``) and what the breakdowns need (``f_sex``, ``f_born``, ``f_status``,
``f_disability``, ``f_municipality``; ``f_hit`` for a share). One SELECT over it, grouped by
municipality and by the stretch between two reporting days in which each row first qualified,
sums with ``CASE WHEN`` the rows and every cell of every breakdown; the total, the value on each
month end and period end (running sums) and each municipality are added up from its few rows.
Ages are compared as dates of birth (born after ``as_of`` minus the band's upper age, on or
before ``as_of`` minus its lower age), so no database has to compute an age.
"""

# Every piece of SQL text here is ours (table and column names, fixed conditions); every value
# goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.db import connection, transaction
from django.db.models import (
    F,
    FloatField,
    Func,
    Min,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Least, Lower, Trim, TruncDate

PERSON_DIMS = {
    "f_sex": "sex",
    "f_born": "date_of_birth",
    "f_status": "displacement_status",
    "f_disability": "has_disability",
}


@dataclass
class Source:
    """A query of facts and how to add them up: ``count`` (one per row), ``sum`` (the
    ``f_women`` + ``f_men`` of each row) or ``share`` (rows with ``hit`` among all rows)."""

    queryset: object = None
    mode: str = "count"
    dims: frozenset = frozenset()  # which of figures.DIMENSIONS the rows carry
    hit: str = "f_hit"  # the SQL condition a row counts in the numerator of a share
    measure: str = "f_women + f_men"  # what a row adds, in ``sum`` mode
    # Or the facts as SQL with its parameters, where the ORM would join before it groups.
    sql: str = ""
    params: tuple = ()
    # ``(name, SQL, params)`` of the common table expressions the SQL reads.
    shared: tuple = ()

    def compiled(self) -> tuple[str, tuple]:
        if self.sql:
            return self.sql, tuple(self.params)
        sql, params = self.queryset.query.sql_with_params()
        return sql, tuple(params)


@dataclass
class Computed:
    """The raw numbers of one indicator: ``(numerator, denominator)`` pairs for a share."""

    total: object = 0
    at: dict = field(default_factory=dict)  # date → value (trend points and period ends)
    cells: dict = field(default_factory=dict)  # (dimension, key) → value
    municipalities: dict = field(default_factory=dict)  # area id or None → value


def _person_values(prefix: str, municipality: str) -> dict:
    values = {alias: F(prefix + name) for alias, name in PERSON_DIMS.items()}
    values["f_municipality"] = F(municipality)
    return values


PERSON = frozenset({"sex", "age_band", "displacement_status", "disability", "municipality"})
HOUSEHOLD = frozenset({"municipality"})


def sources(
    rule: dict,
    project,
    as_of: datetime.date,
    hit: tuple | None = None,
    age_on=None,
    deliveries: DeliveryPass | None = None,
) -> list[Source]:
    """The fact sources of ``rule``, people aged on ``age_on`` (``as_of`` unless given); with
    the ``hit`` of a share of displacement statuses, a household counted carries the status of
    its head. ``deliveries``: the pass over the deliveries that rules of assistance delivered
    to households or their members read (``DeliveryPass.of``); one of its own if not given."""
    if rule["kind"] == "assistance_delivered":
        deliveries = deliveries or DeliveryPass.of([rule], project)
        if rule.get("count") == "people":
            found = _named_on_deliveries(rule, project, deliveries)
        else:
            found = _delivered_to_households(rule, deliveries)
    else:
        found = _BUILDERS[rule["kind"]](rule, project, as_of)
    if rule.get("age_from") is not None or rule.get("age_to") is not None:
        found = [
            _aged(source, rule, age_on or as_of) for source in found if "age_band" in source.dims
        ]
    if hit is not None and "f_status" in hit[0]:
        found = [
            _with_head_status(source) if source.dims == HOUSEHOLD else source for source in found
        ]
    return found


def _with_head_status(source: Source) -> Source:
    from homeward.registry.models import Person, Relationship

    inner, params = source.compiled()
    person_table = connection.ops.quote_name(Person._meta.db_table)
    head = (
        f"SELECT p.displacement_status FROM {person_table} p WHERE p.household_id = facts.f_key "
        "AND p.relationship_to_head = %s ORDER BY p.id LIMIT 1"
    )
    return replace(
        source,
        queryset=None,
        sql=f"SELECT facts.*, ({head}) AS f_status FROM ({inner}) facts",
        params=(Relationship.HEAD.value, *params),
    )


def _aged(source: Source, rule: dict, as_of: datetime.date) -> Source:
    """Only the people aged ``age_from`` to ``age_to`` on ``as_of`` (born on or before
    ``as_of`` less ``age_from`` years and after it less ``age_to`` + 1 years)."""
    inner, params = source.compiled()
    conditions, condition_params = ["f_born IS NOT NULL"], []
    if rule.get("age_from") is not None:
        conditions.append("f_born <= %s")
        condition_params.append(_date(years_before(as_of, rule["age_from"])))
    if rule.get("age_to") is not None:
        conditions.append("f_born > %s")
        condition_params.append(_date(years_before(as_of, rule["age_to"] + 1)))
    return replace(
        source,
        queryset=None,
        sql=f"SELECT * FROM ({inner}) aged WHERE {' AND '.join(conditions)}",
        params=(*params, *condition_params),
    )


def _handed_over(rule, project):
    """The deliveries of the assistance a rule names, delivered or verified."""
    from homeward.casework.assistance.models import Delivery

    deliveries = Delivery.objects.filter(
        project=project,
        status__in=list(Delivery.HANDED_OVER),
        handover_on__isnull=False,
    )
    if rule.get("assistance_types"):
        deliveries = deliveries.filter(assistance_type__code__in=rule["assistance_types"])
    if rule.get("categories"):
        deliveries = deliveries.filter(assistance_type__category__in=rule["categories"])
    if rule.get("grants_only"):
        deliveries = deliveries.filter(assistance_type__is_grant=True)
    return deliveries


def _filters(rule: dict) -> tuple:
    return (
        tuple(sorted(rule.get("assistance_types") or [])),
        tuple(sorted(rule.get("categories") or [])),
        bool(rule.get("grants_only")),
    )


@dataclass
class DeliveryPass:
    """One pass over a project's deliveries for every rule of assistance delivered: grouped by
    household, with the first handover of each rule's assistance in a column of its own
    (``MIN … FILTER``) and the household's municipality (``name``); and the members of those
    households (``members``), looked up once for every rule counting people. The rules then
    read their few tens of thousands of rows, not the deliveries, nor the registry again."""

    name: str
    sql: str
    params: tuple
    columns: dict  # _filters(rule) → column of the first handover

    @property
    def members(self) -> tuple[str, str, tuple]:
        from homeward.registry.models import Person

        person_table = connection.ops.quote_name(Person._meta.db_table)
        person_columns = ", ".join(
            f"p.{connection.ops.quote_name(column)} AS {alias}"
            for alias, column in PERSON_DIMS.items()
        )
        sql = (
            f"SELECT d.*, p.id AS m_person, {person_columns} FROM {self.name} d "
            f"JOIN {person_table} p ON p.household_id = d.p_household"
        )
        return (f"{self.name}_members", sql, ())

    @property
    def shared(self) -> tuple:
        return ((self.name, self.sql, self.params),)

    @classmethod
    def of(cls, rules, project) -> DeliveryPass:
        from homeward.casework.assistance.models import Delivery
        from homeward.registry.models import Household

        # Any assistance first: the households of every delivery, whatever the rules ask.
        columns = {_filters({}): "on_0"}
        for rule in rules:
            if rule.get("kind") == "assistance_delivered" and rule.get("count") != "people":
                columns.setdefault(_filters(rule), f"on_{len(columns)}")
        firsts = {}
        for (types, categories, grants), column in columns.items():
            condition = Q()
            if types:
                condition &= Q(assistance_type__code__in=types)
            if categories:
                condition &= Q(assistance_type__category__in=categories)
            if grants:
                condition &= Q(assistance_type__is_grant=True)
            firsts[column] = Min("handover_on", filter=condition or None)
        grouped, params = (
            Delivery.objects.filter(
                project=project,
                status__in=list(Delivery.HANDED_OVER),
                handover_on__isnull=False,
            )
            .values(p_household=F("household_id"))
            .annotate(**firsts)
            .query.sql_with_params()
        )
        household_table = connection.ops.quote_name(Household._meta.db_table)
        sql = (
            "SELECT g.*, h.current_municipality_id AS p_municipality "
            f"FROM ({grouped}) g JOIN {household_table} h ON h.id = g.p_household"
        )
        return cls(name="handed_over", sql=sql, params=tuple(params), columns=columns)


def _status_filter(column: str, statuses: list) -> str:
    if not statuses:
        return ""
    return f" AND {column} IN ({', '.join(['%s'] * len(statuses))})"


def _delivered_to_households(rule, deliveries: DeliveryPass) -> list[Source]:
    from homeward.registry.models import Person

    first = deliveries.columns[_filters(rule)]
    statuses = list(rule.get("displacement_status") or [])
    if (rule.get("count") or "households") == "members":
        members = deliveries.members
        sql = (
            f"SELECT m_person AS f_key, {', '.join(PERSON_DIMS)}, p_municipality AS "
            f"f_municipality, {first} AS f_on FROM {members[0]} "
            f"WHERE {first} IS NOT NULL{_status_filter('f_status', statuses)}"
        )
        shared = (*deliveries.shared, members)
        return [Source(sql=sql, params=tuple(statuses), dims=PERSON, shared=shared)]
    status_filter = ""
    if statuses:
        # Households with a member of the statuses asked.
        person_table = connection.ops.quote_name(Person._meta.db_table)
        status_filter = (
            f" AND d.p_household IN (SELECT p.household_id FROM {person_table} p "
            f"WHERE p.displacement_status IN ({', '.join(['%s'] * len(statuses))}))"
        )
    sql = (
        f"SELECT d.p_household AS f_key, d.p_municipality AS f_municipality, d.{first} AS f_on "
        f"FROM {deliveries.name} d WHERE d.{first} IS NOT NULL{status_filter}"
    )
    return [Source(sql=sql, params=tuple(statuses), dims=HOUSEHOLD, shared=deliveries.shared)]


def _named_on_deliveries(rule, project, deliveries: DeliveryPass) -> list[Source]:
    """The people deliveries name, with their first handover. Nearly all of them live in a
    household given a delivery, whose members the pass has already looked up: those are read
    from there; only the others (moved since to a household given nothing) are looked up in
    the registry."""
    from homeward.registry.models import Household, Person

    statuses = list(rule.get("displacement_status") or [])
    named, params = (
        _handed_over(rule, project)
        .filter(person__isnull=False)
        .values(g_key=F("person_id"))
        .annotate(g_on=Min("handover_on"))
        .query.sql_with_params()
    )
    members = deliveries.members
    shared = (*deliveries.shared, members)
    among_members = (
        f"SELECT m.m_person AS f_key, {', '.join(f'm.{alias}' for alias in PERSON_DIMS)}, "
        f"m.p_municipality AS f_municipality, n.g_on AS f_on FROM ({named}) n "
        f"JOIN {members[0]} m ON m.m_person = n.g_key"
        f"{_status_filter('m.f_status', statuses).replace(' AND ', ' WHERE ', 1)}"
    )
    person_table = connection.ops.quote_name(Person._meta.db_table)
    household_table = connection.ops.quote_name(Household._meta.db_table)
    person_columns = ", ".join(
        f"p.{connection.ops.quote_name(column)} AS {alias}" for alias, column in PERSON_DIMS.items()
    )
    elsewhere = (
        f"SELECT p.id AS f_key, {person_columns}, h.current_municipality_id AS f_municipality, "
        f"n.g_on AS f_on FROM ({named}) n JOIN {person_table} p ON p.id = n.g_key "
        f"JOIN {household_table} h ON h.id = p.household_id "
        f"WHERE NOT EXISTS (SELECT 1 FROM {members[0]} m WHERE m.m_person = n.g_key)"
        f"{_status_filter('p.displacement_status', statuses)}"
    )
    return [
        Source(sql=among_members, params=(*params, *statuses), dims=PERSON, shared=shared),
        Source(sql=elsewhere, params=(*params, *statuses), dims=PERSON, shared=shared),
    ]


def _assistance_delivered(rule, project, as_of):
    return sources(rule, project, as_of)


def _held_sessions_of_kinds(model, prefix: str, rule, project):
    from homeward.casework.activities.models import Session

    rows = model.objects.filter(
        **{f"{prefix}activity__project": project, f"{prefix}status": Session.Status.HELD}
    )
    if rule.get("activity_kinds"):
        rows = rows.filter(**{f"{prefix}activity__kind__in": rule["activity_kinds"]})
    return rows


def _others(rule, project, categories):
    """The people counted at an activity's sessions are mostly the same people each time: an
    activity counts, for each category and organisation, the most women and the most men any
    one held session counted. Summed over activities, not sessions. So that the value on any
    day is the most counted by then, each session gives what it adds to the largest count
    before it (a running maximum, less the previous one), on its date."""
    from homeward.casework.activities.models import OtherParticipants

    rows = _held_sessions_of_kinds(OtherParticipants, "session__", rule, project)
    if categories:
        rows = rows.filter(category__in=categories)
    counted, params = rows.values(
        o_group=F("session__activity_id"),
        o_category=F("category"),
        o_organisation=F("organisation_name"),
        o_on=F("session__date"),
        o_id=F("pk"),
        o_women=F("women"),
        o_men=F("men"),
    ).query.sql_with_params()
    group = "PARTITION BY o_group, o_category, o_organisation ORDER BY o_on, o_id"
    so_far = f"{group} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    running = (
        f"SELECT o_group, o_category, o_organisation, o_on, o_id, "
        f"MAX(o_women) OVER ({so_far}) AS most_women, MAX(o_men) OVER ({so_far}) AS most_men "
        f"FROM ({counted}) counted"
    )
    sql = (
        "SELECT o_on AS f_on, "
        f"most_women - COALESCE(LAG(most_women) OVER ({group}), 0) AS f_women, "
        f"most_men - COALESCE(LAG(most_men) OVER ({group}), 0) AS f_men "
        f"FROM ({running}) running"
    )
    return Source(sql=sql, params=tuple(params), mode="sum", dims=frozenset({"sex"}))


def _activity_completed(rule, project, as_of):
    from homeward.casework.activities.models import Participant

    completed = Participant.objects.filter(activity__project=project, completed_on__isnull=False)
    if rule.get("activity_kinds"):
        completed = completed.filter(activity__kind__in=rule["activity_kinds"])
    if rule.get("displacement_status"):
        completed = completed.filter(person__displacement_status__in=rule["displacement_status"])
    facts = completed.values(
        f_key=F("person_id"),
        **_person_values("person__", "person__household__current_municipality_id"),
    ).annotate(f_on=Min("completed_on"))
    found = [Source(facts, dims=PERSON)]
    if rule.get("other_categories"):
        found.append(_others(rule, project, rule["other_categories"]))
    return found


def _activity_attended(rule, project, as_of):
    from homeward.casework.activities.models import Attendance

    present = _held_sessions_of_kinds(Attendance, "session__", rule, project)
    if rule.get("displacement_status"):
        present = present.filter(person__displacement_status__in=rule["displacement_status"])
    facts = present.values(
        f_key=F("person_id"),
        **_person_values("person__", "person__household__current_municipality_id"),
    ).annotate(f_on=Min("session__date"))
    return [Source(facts, dims=PERSON)]


def _other_participants(rule, project, as_of):
    return [_others(rule, project, rule.get("categories"))]


def _events_held(rule, project, as_of):
    from homeward.casework.activities.models import Session

    held = _held_sessions_of_kinds(Session, "", rule, project)
    if (rule.get("count") or "sessions") == "activities":
        facts = held.values(
            f_key=F("activity_id"), f_municipality=F("activity__municipality_id")
        ).annotate(f_on=Min("date"))
    else:
        facts = held.values(
            f_key=F("pk"), f_municipality=F("activity__municipality_id"), f_on=F("date")
        )
    return [Source(facts, dims=HOUSEHOLD)]


def _enrolled(rule, project, as_of):
    from homeward.casework.enrolment.models import Enrolment
    from homeward.registry.models import Person

    statuses = rule.get("statuses") or sorted(Enrolment.BENEFICIARY)
    if (rule.get("count") or "people") == "households":
        enrolments = Enrolment.objects.filter(project=project, status__in=statuses)
        if rule.get("displacement_status"):
            enrolments = enrolments.filter(
                household__members__displacement_status__in=rule["displacement_status"]
            )
        facts = enrolments.values(
            f_key=F("household_id"), f_municipality=F("household__current_municipality_id")
        ).annotate(f_on=Min("enrolled_on"))
        return [Source(facts, dims=HOUSEHOLD)]
    # One by one, or as a member of a household enrolled as a whole.
    alone = Q(enrolments__project=project, enrolments__status__in=statuses)
    as_member = Q(
        household__enrolments__project=project,
        household__enrolments__status__in=statuses,
        household__enrolments__person__isnull=True,
    )
    people = Person.objects.filter(alone | as_member)
    if rule.get("displacement_status"):
        people = people.filter(displacement_status__in=rule["displacement_status"])
    first_alone = Min("enrolments__enrolled_on", filter=alone)
    first_member = Min("household__enrolments__enrolled_on", filter=as_member)
    facts = people.values(
        f_key=F("pk"), **_person_values("", "household__current_municipality_id")
    ).annotate(f_on=Least(Coalesce(first_alone, first_member), Coalesce(first_member, first_alone)))
    return [Source(facts, dims=PERSON)]


def _referrals_completed(rule, project, as_of):
    from homeward.casework.contacts.models import Referral

    referrals = Referral.objects.filter(project=project, status=Referral.Status.COMPLETED)
    if rule.get("receiver_categories"):
        referrals = referrals.filter(receiver_category__in=rule["receiver_categories"])
    closed = Min(Coalesce("closed_on", "responded_on", "sent_on"))
    if (rule.get("count") or "households") == "people":
        facts = (
            referrals.filter(person__isnull=False)
            .values(
                f_key=F("person_id"),
                **_person_values("person__", "household__current_municipality_id"),
            )
            .annotate(f_on=closed)
        )
        return [Source(facts, dims=PERSON)]
    facts = referrals.values(
        f_key=F("household_id"), f_municipality=F("household__current_municipality_id")
    ).annotate(f_on=closed)
    return [Source(facts, dims=HOUSEHOLD)]


def _contacts(rule, project, as_of):
    from homeward.casework.contacts.models import Contact

    contacts = Contact.objects.filter(project=project)
    if rule.get("channels"):
        contacts = contacts.filter(channel__in=rule["channels"])
    if rule.get("topics"):
        contacts = contacts.filter(topic__in=rule["topics"])
    facts = contacts.values(
        f_key=F("pk"),
        f_sex=F("caller_sex"),
        f_status=F("caller_displacement_status"),
        f_municipality=F("household__current_municipality_id"),
        f_on=TruncDate("received_at"),
    )
    return [Source(facts, dims=frozenset({"sex", "displacement_status", "municipality"}))]


WOMEN = ("f_sex = 'female'", ())


def base_rule(rule: dict) -> tuple[dict, tuple | None]:
    """The rule whose rows an indicator counts and, for a share, the condition ``(SQL,
    params)`` of the rows its numerator counts: a share reads the rows of its ``among``, so
    an indicator counting those people and a share among them are computed by one query."""
    if rule["kind"] not in ("share_women", "share_displacement_status"):
        return rule, None
    among = rule.get("among") or "beneficiaries"
    if among == "beneficiaries":
        among = {"kind": "enrolled", "count": "people"}
    if rule["kind"] == "share_women":
        return among, WOMEN
    statuses = tuple(sorted(rule.get("statuses") or []))
    return among, (f"f_status IN ({', '.join(['%s'] * len(statuses))})", statuses)


def _share(rule, project, as_of):
    among, _hit = base_rule(rule)
    return sources(among, project, as_of)


def _information_reach(rule, project, as_of):
    """The people each material reached, as recorded (an estimate), from the first day of its
    period: readers of two materials are not told apart, so they add up."""
    from homeward.casework.activities.models import InformationMaterial

    materials = InformationMaterial.objects.filter(project=project)
    if rule.get("material_kinds"):
        materials = materials.filter(kind__in=rule["material_kinds"])
    facts = materials.values(
        f_on=F("period_start"), f_value=Coalesce(F("people_reached"), Value(0))
    )
    return [Source(facts, mode="sum", measure="f_value")]


def _organisations_participating(rule, project, as_of):
    """Distinct organisations named on the counts of other participants at held sessions
    (their names compared trimmed and in lower case), from the first session naming each."""
    from homeward.casework.activities.models import OtherParticipants

    rows = _held_sessions_of_kinds(OtherParticipants, "session__", rule, project)
    if rule.get("categories"):
        rows = rows.filter(category__in=rule["categories"])
    facts = (
        rows.annotate(f_key=Lower(Trim("organisation_name")))
        .exclude(f_key="")
        .values("f_key")
        .annotate(f_on=Min("session__date"))
    )
    return [Source(facts)]


def _municipalities_reached(rule, project, as_of):
    """Distinct municipalities where a household given the assistance lives, from the first
    handover there."""
    deliveries = _handed_over(rule, project)
    facts = (
        deliveries.exclude(household__current_municipality__isnull=True)
        .values(f_key=F("household__current_municipality_id"))
        .annotate(f_on=Min("handover_on"))
    )
    return [Source(facts)]


def _grants_operating(rule, project, as_of):
    from homeward.casework.assistance.models import Delivery, MonitoringVisit

    grants = Delivery.objects.filter(
        project=project, status__in=list(Delivery.HANDED_OVER), assistance_type__is_grant=True
    )
    if rule.get("assistance_types"):
        grants = grants.filter(assistance_type__code__in=rule["assistance_types"])
    visits = MonitoringVisit.objects.filter(
        delivery=OuterRef("pk"),
        months_after__gte=rule.get("months") or 12,
        visited_on__lte=as_of,
        business_operating__isnull=False,
    ).order_by("-visited_on", "-pk")
    facts = (
        grants.annotate(
            visit_on=Subquery(visits.values("visited_on")[:1]),
            operating=Subquery(visits.values("business_operating")[:1]),
        )
        .filter(visit_on__isnull=False)
        .values(
            f_key=F("pk"),
            f_hit=F("operating"),
            f_on=F("visit_on"),
            **_person_values("person__", "household__current_municipality_id"),
        )
    )
    return [Source(facts, mode="share", dims=PERSON)]


class CriterionScore(Func):
    """The score of one IASC criterion in ``scores["criteria"]``, as text. Its keys are "1" to
    "8": Django's key lookups would read a number-like key as an index into a list."""

    output_field = TextField()

    def __init__(self, expression, *, number: int):
        super().__init__(expression)
        self.number = number

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({column}, '$.criteria.\"{self.number}\"')", params

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"({column} -> 'criteria' ->> '{self.number}')", params


def _durable_solutions_improved(rule, project, as_of):
    from homeward.casework.assessments.models import Assessment, AssessmentTemplate
    from homeward.registry.models import Household

    durable = Assessment.objects.filter(
        project=project, template__kind=AssessmentTemplate.Kind.DURABLE_SOLUTIONS
    )
    if rule.get("criterion"):
        score = Cast(CriterionScore("scores", number=int(rule["criterion"])), FloatField())
    else:
        score = Cast(KT("scores__total"), FloatField())
    scored = (
        durable.filter(household=OuterRef("pk"), assessed_on__lte=as_of)
        .annotate(score=score)
        .filter(score__isnull=False)
    )
    first = scored.order_by("assessed_on", "pk")
    latest = scored.order_by("-assessed_on", "-pk")
    facts = (
        Household.objects.filter(pk__in=durable.values("household_id"))
        .annotate(
            first_score=Subquery(first.values("score")[:1]),
            latest_score=Subquery(latest.values("score")[:1]),
            latest_on=Subquery(latest.values("assessed_on")[:1]),
        )
        .filter(latest_score__gt=F("first_score"))
        .values(f_key=F("pk"), f_municipality=F("current_municipality_id"), f_on=F("latest_on"))
    )
    return [Source(facts, dims=HOUSEHOLD)]


_BUILDERS = {
    "assistance_delivered": _assistance_delivered,
    "activity_completed": _activity_completed,
    "activity_attended": _activity_attended,
    "other_participants": _other_participants,
    "events_held": _events_held,
    "enrolled": _enrolled,
    "referrals_completed": _referrals_completed,
    "contacts": _contacts,
    "share_women": _share,
    "share_displacement_status": _share,
    "information_reach": _information_reach,
    "organisations_participating": _organisations_participating,
    "municipalities_reached": _municipalities_reached,
    "grants_operating": _grants_operating,
    "durable_solutions_improved": _durable_solutions_improved,
}


# --- the aggregate queries ----------------------------------------------------------------


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cell_conditions(dimensions, age_bands, as_of) -> list[tuple[str, str, str, list]]:
    """``(dimension, key, SQL condition, params)`` of every cell but the municipalities."""
    from homeward.registry.models import DisplacementStatus

    cells = []
    if "sex" in dimensions:
        cells += [("sex", "F", "f_sex = 'female'", []), ("sex", "M", "f_sex = 'male'", [])]
    if "age_band" in dimensions:
        for first, last in age_bands:
            # Aged ``first``..``last`` on as_of: born after as_of - (last + 1) years and on or
            # before as_of - first years.
            key = f"{first}-{last}" if last is not None else f"{first}+"
            condition, params = "f_born <= %s", [_date(years_before(as_of, first))]
            if last is not None:
                condition += " AND f_born > %s"
                params.append(_date(years_before(as_of, last + 1)))
            cells.append(("age_band", key, condition, params))
        cells.append(("age_band", "unknown", "f_born IS NULL", []))
    if "displacement_status" in dimensions:
        for status in DisplacementStatus.values:
            cells.append(("displacement_status", status, "f_status = %s", [status]))
    if "disability" in dimensions:
        cells += [
            ("disability", "yes", "f_disability", []),
            ("disability", "no", "NOT f_disability", []),
        ]
    return cells


def _date(day: datetime.date):
    return connection.ops.adapt_datefield_value(day)


def compute(
    source_list: list[Source],
    *,
    as_of: datetime.date,
    days: list[datetime.date],
    dimensions: list[str],
    age_bands,
    hit: tuple | None = None,
    age_on: datetime.date | None = None,
) -> Computed:
    """Add up the sources: counts and sums add. With ``hit`` (the ``(SQL, params)`` condition
    of a share among the people counted, ``WOMEN`` …), and for a share mode source, every value
    is a pair ``(hits, rows)``."""
    job = Job(source_list, days, dimensions, age_bands, hit, age_on or as_of)
    return compute_jobs([job], as_of=as_of)[0]


@dataclass
class Job:
    """The sources of one group of indicators and what their figures need."""

    sources: list
    days: list
    dimensions: list
    age_bands: object
    hit: tuple | None
    age_on: datetime.date


def compute_jobs(jobs: list[Job], *, as_of: datetime.date) -> list[Computed]:
    """Every job's numbers from ONE statement: each source's aggregate is a branch of a
    ``UNION ALL`` (padded to the widest), after the ``WITH`` of the sources sharing one pass
    over a table (``Source.shared``). One round trip, and the deliveries are grouped once for
    every rule of assistance delivered to households or their members."""
    branches, shared = [], {}
    for number, job in enumerate(jobs):
        for source in job.sources:
            for name, sql, params in source.shared:
                shared.setdefault(name, (sql, params))
            branches.append((number, _statement(source, job, as_of=as_of)))
    width = max((len(statement.columns) for _n, statement in branches), default=0)
    selects, params = [], []
    for part, (_number, statement) in enumerate(branches):
        padding = ["0"] * (width - len(statement.columns))
        selects.append(
            # A typed NULL: PostgreSQL reads a bare one as text beside the other branches' ids.
            f"SELECT {part} AS part, "
            f"{statement.municipality.replace('NULL', 'CAST(NULL AS BIGINT)')} AS municipality, "
            f"{statement.period} AS period, {', '.join([*statement.columns, *padding])} "
            f"FROM ({statement.inner}) facts WHERE f_on <= %s GROUP BY 2, 3"
        )
        params += statement.params
    results = [Computed() for _job in jobs]
    if not selects:
        return results
    sql = " UNION ALL ".join(selects)
    if shared:
        ctes = ", ".join(f"{name} AS ({cte})" for name, (cte, _p) in shared.items())
        sql = f"WITH {ctes} {sql}"
        params = [*(p for _cte, cte_params in shared.values() for p in cte_params), *params]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling the statement would cost more than running it (a third of a second
            # for a project's table): PostgreSQL's JIT is for queries of minutes.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_part: dict[int, list] = {}
    for part, *row in rows:
        by_part.setdefault(part, []).append(row)
    for part, (number, statement) in enumerate(branches):
        part_result = _decode(statement, by_part.get(part, []))
        result = results[number]
        result.total = _add(result.total, part_result.total)
        for key, value in part_result.at.items():
            result.at[key] = _add(result.at.get(key, 0), value)
        for key, value in part_result.cells.items():
            result.cells[key] = _add(result.cells.get(key, 0), value)
        for key, value in part_result.municipalities.items():
            result.municipalities[key] = _add(result.municipalities.get(key, 0), value)
    return results


def _add(left, right):
    if isinstance(left, tuple) or isinstance(right, tuple):
        left = left if isinstance(left, tuple) else (0, 0)
        right = right if isinstance(right, tuple) else (0, 0)
        return (left[0] + right[0], left[1] + right[1])
    return left + right


@dataclass
class Statement:
    inner: str
    municipality: str
    period: str
    columns: list
    params: list
    cells: list
    pairs: bool
    days: list


def _statement(source: Source, job: Job, *, as_of) -> Statement:
    """The aggregate over one source's facts that qualified by ``as_of``, grouped by
    municipality (when it is asked) and by *period*: the stretch between two of the ``days`` in
    which a row first qualified. The value on each day is then the running sum of the periods
    up to it, so the trend costs one ``CASE`` per row rather than one column per month. Every
    cell is one ``SUM(CASE …)`` column (and one more for the women or the hits of a share)."""
    hit = job.hit
    inner, inner_params = source.compiled()
    wanted = [d for d in job.dimensions if d in source.dims]
    pairs = source.mode == "share" or hit is not None
    hit_sql, hit_params = hit if source.mode == "count" and hit else (source.hit, ())
    params: list = []
    if source.mode == "sum":
        # (all, hits) of the total and of each sex: counted women are the hits of a share of
        # women; the people counted have no displacement status, so no share of one.
        women = "f_women" if hit == WOMEN else "0"
        measures = [(source.measure, women)]
        cells = [("sex", "F"), ("sex", "M")] if "sex" in wanted else []
        measures += [("f_women", women), ("f_men", "0")][: len(cells)]
        columns = []
        for measure, hits in measures:
            columns += [f"SUM({measure})"] + ([f"SUM({hits})"] if pairs else [])
    else:
        conditions = cell_conditions(wanted, job.age_bands, job.age_on)
        cells = [(dimension, key) for dimension, key, _c, _p in conditions]
        columns = ["COUNT(*)"]
        if pairs:
            columns.append(f"SUM(CASE WHEN {hit_sql} THEN 1 ELSE 0 END)")
            params.extend(hit_params)
        for _dimension, _key, condition, condition_params in conditions:
            columns.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
            params.extend(condition_params)
            if pairs:
                columns.append(f"SUM(CASE WHEN {condition} AND {hit_sql} THEN 1 ELSE 0 END)")
                params.extend([*condition_params, *hit_params])
    ordered = sorted(job.days)
    if ordered:
        whens = " ".join(f"WHEN f_on <= %s THEN {index}" for index in range(len(ordered)))
        period = f"CASE {whens} ELSE {len(ordered)} END"
        period_params = [_date(day) for day in ordered]
    else:
        period, period_params = "0", []
    return Statement(
        inner=inner,
        municipality="f_municipality" if "municipality" in wanted else "NULL",
        period=period,
        columns=columns,
        params=[*period_params, *params, *inner_params, _date(as_of)],
        cells=cells,
        pairs=pairs,
        days=ordered,
    )


def _decode(statement: Statement, rows) -> Computed:
    pairs, ordered, cells = statement.pairs, statement.days, statement.cells
    zero = (0, 0) if pairs else 0
    result = Computed(total=zero)
    per_period = [zero] * (len(ordered) + 1)
    result.cells = dict.fromkeys(cells, zero)
    for place, index, *numbers in rows:
        numbers = [int(number or 0) for number in numbers[: len(statement.columns)]]
        if pairs:
            values = [(numbers[i + 1], numbers[i]) for i in range(0, len(numbers), 2)]
        else:
            values = numbers
        total, *cell_values = values
        result.total = _add(result.total, total)
        per_period[index] = _add(per_period[index], total)
        if statement.municipality != "NULL":
            result.municipalities[place] = _add(result.municipalities.get(place, 0), total)
        for key, value in zip(cells, cell_values, strict=True):
            result.cells[key] = _add(result.cells[key], value)
    running = zero
    for index, day in enumerate(ordered):
        running = _add(running, per_period[index])
        result.at[day] = running
    return result


def rows_of(computed: Computed) -> Computed:
    """Of numbers computed with the women among them, the numbers of people alone."""

    def rows(value):
        return value[1] if isinstance(value, tuple) else value

    return Computed(
        total=rows(computed.total),
        at={key: rows(value) for key, value in computed.at.items()},
        cells={key: rows(value) for key, value in computed.cells.items()},
        municipalities={key: rows(value) for key, value in computed.municipalities.items()},
    )
