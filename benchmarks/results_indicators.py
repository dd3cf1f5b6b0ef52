"""How fast a project's full indicator table is computed, beside hand-written SQL.

    uv run python benchmarks/results_indicators.py --database postgres --people 1000000 --reuse
    uv run python benchmarks/results_indicators.py --database sqlite --people 100000

The registry is the synthetic one of ``registry_search.py`` (its loader is reused: households
of 1 to 8 people over Serbia's municipalities, every displacement status, ages 0 to 85, 5 %
with a disability). On it, one project gets ``--deliveries`` deliveries (100,000 by default)
to about 30,000 of its households, written with COPY on PostgreSQL: every kind of the
catalogue, four in ten for one named member, handed over between January 2025 and June 2026,
with the life cycle's mix (most delivered or verified, some approved, planned or cancelled).

The project's framework has six indicators computed by rules, each with its disaggregations
(sex, age band, displacement status, municipality, disability as required), three yearly
targets, and a trend of 18 month ends. Then, in the same run, each way is timed
``--iterations`` times after a warm-up:

* ``results.selectors.project_figures`` as the dashboard calls it (a new actor each time);
* hand-written SQL computing the same numbers: per indicator, one query that groups the
  deliveries, joins the people and households and counts with ``COUNT(*) FILTER`` (on SQLite
  ``SUM(CASE …)``) the total, every period end and month end and every cell, grouped by
  municipality when it is asked (the groups added up in Python); ages by ``age()``, once per person.

It prints both medians, the ratio, and asserts that both give the same numbers (totals,
breakdown cells, periods, trend). Goal: under 1 s at 100,000 deliveries among 1,000,000
people on PostgreSQL, within 1.5× of the SQL.
"""

# The SQL here is built from constants and placeholders only; every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import registry_search  # noqa: E402 - the registry loader and database handling

# Deliveries are handed over until June 2026; the synthetic registry's people are born up to
# the day it was loaded, so the figures are taken today, when everybody counted is born.
AS_OF = max(date(2026, 6, 30), date.today())
PROJECT = "bench-project-0"
ALL = ["sex", "age_band", "displacement_status", "municipality", "disability"]
BANDS = [[0, 4], [5, 11], [12, 17], [18, 59], [60, None]]
# code → (rule, unit, disaggregations)
INDICATORS = {
    "H1": ({"kind": "assistance_delivered", "count": "households"}, "households", ["municipality"]),
    "H2": (
        {"kind": "assistance_delivered", "count": "households", "grants_only": True},
        "households",
        ["municipality"],
    ),
    "P1": ({"kind": "assistance_delivered", "count": "people"}, "people", ALL),
    "P2": ({"kind": "assistance_delivered", "count": "members"}, "people", ALL),
    "P3": (
        {
            "kind": "assistance_delivered",
            "count": "members",
            "categories": ["housing"],
            "displacement_status": ["idp", "returnee"],
        },
        "people",
        ["sex", "age_band", "municipality"],
    ),
    "W1": (
        {"kind": "share_women", "among": {"kind": "assistance_delivered", "count": "members"}},
        "percentage",
        ["age_band", "displacement_status", "municipality"],
    ),
}
TARGETS = [
    ("Year 1", date(2025, 1, 1), date(2025, 12, 31)),
    ("Year 2", date(2026, 1, 1), date(2026, 12, 31)),
    ("Year 3", date(2027, 1, 1), date(2027, 12, 31)),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use (and keep) a database of an earlier --reuse run of the same size",
    )
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--data-dir", default=None)
    return parser.parse_args(argv)


# --- the casework -------------------------------------------------------------------------


def load_deliveries(args, project) -> None:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from homeward.casework.assistance.models import AssistanceType, Delivery
    from homeward.core.database import refresh_statistics
    from homeward.registry.models import Household, Person

    rng = random.Random(args.seed + 7)
    types = list(AssistanceType.objects.values_list("pk", flat=True))
    top = Household.objects.order_by("-pk").values_list("pk", flat=True).first()
    chosen = sorted(rng.sample(range(1, top + 1), min(top, max(1, args.deliveries // 3))))
    members: dict[int, list[int]] = {}
    for person_id, household_id in Person.objects.filter(household_id__in=chosen).values_list(
        "pk", "household_id"
    ):
        members.setdefault(household_id, []).append(person_id)
    households = [pk for pk in chosen if pk in members]
    columns = [field.column for field in Delivery._meta.concrete_fields]
    now = datetime.now(UTC)
    statuses = ["delivered"] * 55 + ["verified"] * 25 + ["approved"] * 10
    statuses += ["planned"] * 5 + ["cancelled"] * 5
    rows = []
    first_day, span = date(2025, 1, 15), (date(2026, 6, 30) - date(2025, 1, 15)).days
    for index in range(args.deliveries):
        household = (
            households[index % len(households)]
            if index < len(households)
            else (rng.choice(households))
        )
        person = rng.choice(members[household]) if rng.random() < 0.4 else None
        type_id = rng.choice(types)
        status = rng.choice(statuses)
        planned = Decimal(rng.choice([50, 100, 250, 800, 1500, 3000]))
        handed_over = status in ("delivered", "verified")
        handover = first_day + timedelta(days=rng.randrange(span)) if handed_over else None
        values = {
            "id": index + 1,
            "version": 1,
            "updated_at": now,
            "project_id": project.pk,
            "assistance_type_id": type_id,
            "household_id": household,
            "person_id": person,
            "organisation_id": project.lead_organisation_id,
            "status": status,
            "quantity": Decimal(1),
            "planned_value": planned,
            "actual_value": planned - Decimal(rng.randrange(20)) if handed_over else None,
            "currency": project.currency,
            "planned_on": None,
            "note": "",
            "handover_on": handover,
            "handover_document": "",
            "handover_note": "",
            "cancellation_reason": "",
            "planned_by_id": None,
            "approved_by_id": None,
            "approved_at": None,
            "delivered_by_id": None,
            "verified_by_id": None,
            "verified_at": None,
            "created_at": now,
        }
        rows.append(tuple(values[column] for column in columns))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY assistance_delivery ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            adapted = [
                tuple(str(value) if isinstance(value, Decimal | date) else value for value in row)
                for row in rows
            ]
            cursor.executemany(
                f"INSERT INTO assistance_delivery ({', '.join(columns)}) VALUES ({marks})",
                adapted,
            )
        for sql in connection.ops.sequence_reset_sql(no_style(), [Delivery]):
            cursor.execute(sql)
    refresh_statistics()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM assistance_delivery")


def make_framework(project) -> None:
    from homeward.core.actors import system_actor
    from homeward.results.models import Indicator, Result
    from homeward.results.services import indicator_create, result_create, target_set

    if Result.objects.filter(project=project).exists():
        Indicator.objects.filter(project=project).delete()
        Result.objects.filter(project=project, level="output").delete()
        Result.objects.filter(project=project, level="outcome").delete()
        Result.objects.filter(project=project).delete()
    system = system_actor(via="cli")
    objective = result_create(
        actor=system, project=project, level="objective", code="SO", statement="Reintegration"
    )
    outcome = result_create(
        actor=system,
        project=project,
        level="outcome",
        code="R1",
        statement="Assistance reaches the families",
        parent=objective,
    )
    for position, (code, (rule, unit, dimensions)) in enumerate(INDICATORS.items()):
        indicator = indicator_create(
            actor=system,
            project=project,
            result=outcome,
            code=code,
            name=f"Indicator {code}",
            unit=unit,
            rule=rule,
            disaggregations=dimensions,
            position=position,
        )
        for year, (label, start, end) in enumerate(TARGETS, start=1):
            value = 40 * year if unit == "percentage" else 10_000 * year
            target_set(
                actor=system, indicator=indicator, label=label, start=start, end=end, value=value
            )


# --- the hand-written SQL -----------------------------------------------------------------


def days_of(project) -> tuple[list[date], list[date]]:
    from homeward.results.selectors import month_ends

    trend = month_ends(project.start_date, min(AS_OF, project.end_date))
    periods = [min(end, AS_OF) for _label, start, end in TARGETS if start <= AS_OF]
    return trend, periods


def facts_sql(rule: dict, vendor: str) -> str:
    """The facts of a rule: one row per household or person, with the day it first got
    assistance and what the breakdowns need. The deliveries are grouped before the join, as
    anyone writing it by hand for 100,000 deliveries would."""
    where = ["d.project_id = %(project)s", "d.status IN ('delivered', 'verified')"]
    where.append("d.handover_on IS NOT NULL")
    joins = ""
    if rule.get("grants_only") or rule.get("categories"):
        joins += " JOIN assistance_assistancetype t ON t.id = d.assistance_type_id"
    if rule.get("grants_only"):
        where.append("t.is_grant")
    if rule.get("categories"):
        where.append("t.category IN ('" + "', '".join(rule["categories"]) + "')")
    count = rule.get("count") or "households"
    key = "d.person_id" if count == "people" else "d.household_id"
    if count == "people":
        where.append("d.person_id IS NOT NULL")
    grouped = (
        f"SELECT {key} AS key, MIN(d.handover_on) AS first_on FROM assistance_delivery d{joins} "
        f"WHERE {' AND '.join(where)} GROUP BY {key}"
    )
    if count == "households":
        return (
            "SELECT g.key, h.current_municipality_id AS municipality, g.first_on "
            f"FROM ({grouped}) g JOIN registry_household h ON h.id = g.key"
        )
    person_join = "p.id = g.key" if count == "people" else "p.household_id = g.key"
    status = ""
    if rule.get("displacement_status"):
        status = (
            " WHERE p.displacement_status IN ('" + "', '".join(rule["displacement_status"]) + "')"
        )
    # The age once per person, not once per band.
    return (
        "SELECT p.id AS key, p.sex, p.date_of_birth AS born, p.displacement_status AS status, "
        f"p.has_disability AS disability, {age_sql(vendor, 'p.date_of_birth')} AS age, "
        "h.current_municipality_id AS municipality, g.first_on "
        f"FROM ({grouped}) g JOIN registry_person p ON {person_join} "
        f"JOIN registry_household h ON h.id = p.household_id{status}"
    )


def age_sql(vendor: str, born: str) -> str:
    if vendor == "postgresql":
        return f"EXTRACT(YEAR FROM age(%(as_of)s::date, {born}))"
    # Whole years between the birthday and the day, as SQLite's date arithmetic gives them.
    return (
        f"(CAST(strftime('%%Y', %(as_of)s) AS INTEGER) - CAST(strftime('%%Y', {born}) AS INTEGER)"
        f" - (strftime('%%m-%%d', %(as_of)s) < strftime('%%m-%%d', {born})))"
    )


def count_if(condition: str, vendor: str, measure: str = "") -> str:
    if vendor == "postgresql" and not measure:
        return f"COUNT(*) FILTER (WHERE {condition})"
    return f"SUM(CASE WHEN {condition} THEN {measure or 1} ELSE 0 END)"


def add(left, right):
    if left is None:
        return right
    if isinstance(right, tuple):
        return (left[0] + right[0], left[1] + right[1])
    return left + right


def sql_numbers(project, indicators) -> dict:
    """code → {"total", "days", "cells", "municipalities"}, as (women, all) for the share."""
    from django.db import connection, transaction

    vendor = connection.vendor
    trend, periods = days_of(project)
    days = sorted(set(trend + periods))
    found = {}
    adapt = connection.ops.adapt_datefield_value
    params = {"project": project.pk, "as_of": adapt(AS_OF)}
    for index, day in enumerate(days):
        params[f"d{index}"] = adapt(day)
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            # As project_figures does: JIT compiling costs more than these queries take.
            cursor.execute("SET LOCAL jit = off")
        for code, (rule, _unit, dimensions) in indicators.items():
            share = rule["kind"] == "share_women"
            base = rule["among"] if share else rule
            facts = facts_sql(base, vendor)
            conditions = [("total", "first_on <= %(as_of)s")]
            conditions += [
                (("day", day), f"first_on <= %(d{index})s") for index, day in enumerate(days)
            ]
            if "sex" in dimensions:
                conditions += [(("sex", "F"), "sex = 'female'"), (("sex", "M"), "sex = 'male'")]
            if "age_band" in dimensions:
                for first, last in BANDS:
                    key = f"{first}-{last}" if last is not None else f"{first}+"
                    upper = f" AND age <= {last}" if last is not None else ""
                    conditions.append((("age_band", key), f"age >= {first}{upper}"))
                conditions.append((("age_band", "unknown"), "born IS NULL"))
            if "displacement_status" in dimensions:
                from homeward.registry.models import DisplacementStatus

                for status in DisplacementStatus.values:
                    conditions.append((("displacement_status", status), f"status = '{status}'"))
            if "disability" in dimensions:
                truth = "disability" if vendor == "postgresql" else "disability = 1"
                conditions += [
                    (("disability", "yes"), truth),
                    (("disability", "no"), f"NOT {truth}"),
                ]
            columns = []
            for key, condition in conditions:
                if key == "total" or key[0] == "day":
                    full = condition
                else:
                    full = f"first_on <= %(as_of)s AND {condition}"
                columns.append(count_if(full, vendor))
                if share:
                    columns.append(count_if(f"{full} AND sex = 'female'", vendor))
            # One pass: grouped by municipality when it is asked, the groups added up here.
            by_place = "municipality" in dimensions
            place = "municipality" if by_place else "NULL"
            group = " GROUP BY municipality" if by_place else ""
            cursor.execute(
                f"WITH facts AS ({facts}) SELECT {place}, {', '.join(columns)} FROM facts{group}",
                params,
            )
            numbers = {"total": 0, "days": {}, "cells": {}, "municipalities": {}}
            if share:
                numbers["total"] = (0, 0)
            for municipality, *row in cursor.fetchall():
                row = [int(value or 0) for value in row]
                if share:
                    row = [(row[i + 1], row[i]) for i in range(0, len(row), 2)]
                for (key, _condition), value in zip(conditions, row, strict=True):
                    if key == "total":
                        numbers["total"] = add(numbers["total"], value)
                        if by_place and value not in (0, (0, 0)):
                            numbers["municipalities"][municipality] = value
                    elif key[0] == "day":
                        numbers["days"][key[1]] = add(numbers["days"].get(key[1]), value)
                    else:
                        numbers["cells"][key] = add(numbers["cells"].get(key), value)
            found[code] = numbers
    return found


# --- comparing ----------------------------------------------------------------------------


def shown(value):
    """A raw number as the figures show it (a share as a percentage with one decimal)."""
    if isinstance(value, tuple):
        hits, rows = value
        if rows == 0:
            return None
        return (Decimal(hits) * 100 / Decimal(rows)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    return Decimal(value)


def compare(figures, numbers, project) -> list[str]:
    from homeward.geo.models import Area

    codes = dict(Area.objects.values_list("pk", "code"))
    problems = []
    for indicator in figures.indicators:
        expected = numbers[indicator.code]
        if indicator.actual != shown(expected["total"]):
            problems.append(f"{indicator.code} total {indicator.actual} ≠ {expected['total']}")
        for point in indicator.trend:
            if point.value != shown(expected["days"][point.day]):
                problems.append(f"{indicator.code} trend {point.day}")
        for period in indicator.periods:
            if period.actual is not None and period.actual != shown(
                expected["days"][min(period.end, AS_OF)]
            ):
                problems.append(f"{indicator.code} period {period.label}")
        for breakdown in indicator.breakdowns:
            for cell in breakdown.cells:
                if breakdown.dimension == "municipality":
                    raw = next(
                        (
                            v
                            for k, v in expected["municipalities"].items()
                            if codes.get(k) == cell.key
                        ),
                        None,
                    )
                else:
                    raw = expected["cells"].get((breakdown.dimension, cell.key))
                if raw is None or cell.value != shown(raw):
                    problems.append(
                        f"{indicator.code} {breakdown.dimension} {cell.key}: {cell.value} ≠ {raw}"
                    )
        municipality = next(
            (b for b in indicator.breakdowns if b.dimension == "municipality"), None
        )
        if municipality and len(municipality.cells) != len(expected["municipalities"]):
            problems.append(f"{indicator.code}: municipalities differ in number")
    return problems


def timed(function, iterations: int, warmup: int) -> tuple[list[float], object]:
    result = None
    for _index in range(warmup):
        result = function()
    times = []
    for _index in range(iterations):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def main(argv=None) -> None:
    args = parse_args(argv)
    registry_search.BENCH_DATABASE = "homeward_bench_results"
    where = registry_search.prepare_environment(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from homeward.casework.assistance.models import Delivery
    from homeward.core.actors import Actor
    from homeward.programmes.models import Project
    from homeward.registry.models import Person
    from homeward.results.selectors import project_figures

    print(
        f"Homeward results indicators benchmark · {where} · {args.people:,} people, "
        f"{args.deliveries:,} deliveries"
    )
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    organisations, projects, superuser, _caseworker = registry_search.make_organisations()
    project = Project.objects.get(code=PROJECT)
    present = Person.objects.count()
    if present != args.people:
        if present:
            raise SystemExit(
                f"The database holds {present:,} people, not {args.people:,}: run once without "
                "--reuse to start afresh."
            )
        print("Loading the synthetic registry…")
        registry_search.load(args, organisations, projects)
    else:
        print(f"Reusing the {present:,} people already loaded.")
    delivered = Delivery.objects.filter(project=project).count()
    if delivered != args.deliveries:
        if delivered:
            Delivery.objects.filter(project=project).delete()
        print(f"Loading {args.deliveries:,} deliveries…")
        load_deliveries(args, project)
    else:
        print(f"Reusing the {delivered:,} deliveries already loaded.")
    make_framework(project)
    print(f"Ready in {time.perf_counter() - started:.0f} s.\n")

    def service():
        return project_figures(actor=Actor(user=superuser), project=project, as_of=AS_OF)

    def sql():
        return sql_numbers(project, INDICATORS)

    with CaptureQueriesContext(connection) as captured:
        figures = service()
    service_times, figures = timed(service, args.iterations, args.warmup)
    sql_times, numbers = timed(sql, args.iterations, args.warmup)
    problems = compare(figures, numbers, project)

    cells = sum(len(b.cells) for i in figures.indicators for b in i.breakdowns)
    print(
        f"{len(figures.indicators)} indicators, {cells} breakdown cells, "
        f"{len(figures.indicators[0].trend)} trend points each; "
        f"{len(captured.captured_queries)} queries for the whole table."
    )
    for indicator in figures.indicators:
        print(f"  {indicator.code:<3} {indicator.actual!s:>9}  {indicator.source_note}")
    service_median = statistics.median(service_times)
    sql_median = statistics.median(sql_times)
    ratio = service_median / sql_median
    print(
        f"\nproject_figures: median {service_median * 1000:.0f} ms "
        f"(min {min(service_times) * 1000:.0f}, max {max(service_times) * 1000:.0f}) · "
        f"hand-written SQL: median {sql_median * 1000:.0f} ms "
        f"(min {min(sql_times) * 1000:.0f}, max {max(sql_times) * 1000:.0f}) · "
        f"ratio {ratio:.2f}×"
    )
    verdict = "met" if service_median < 1.0 and ratio <= 1.5 else "not met"
    print(
        "Goal (PostgreSQL, 100,000 deliveries among 1,000,000 people): under 1 s and within "
        f"1.5× of the SQL. Here ({args.database}, {args.people:,} people): {verdict}."
    )
    if problems:
        print(f"\nThe numbers differ ({len(problems)}):")
        for problem in problems[:20]:
            print("  ", problem)
    else:
        print("Both give the same numbers (totals, cells, periods, trend).")
    if not args.reuse:
        registry_search.drop_database(args)
    elif args.database == "postgres":
        shutil.rmtree(args.data_dir_path, ignore_errors=True)
    assert not problems, "project_figures and the hand-written SQL disagree"


if __name__ == "__main__":
    main()
