"""How fast a partner's list of people is imported, beside PostgreSQL's COPY of the same rows.

    uv run python benchmarks/import_people.py --database postgres --people 100000
    uv run python benchmarks/import_people.py --database sqlite --people 20000

The script makes its own database (as ``registry_search.py`` does: ``homeward_bench`` on the
PostgreSQL server, or SQLite in a temporary folder), migrates it, and writes a CSV file of
``--people`` people in households of 1 to 8 (4 on average: 25,000 households for 100,000
people), as a partner's list looks: names from the demo registry's pools in Cyrillic and Latin,
with and without diacritics; dates of birth as YYYY-MM-DD, DD.MM.YYYY or a year alone; three in
four with a valid JMBG; municipalities written in Serbian Cyrillic, Latin or Albanian.

Then, in the same run:

* **import**: ``people_import`` as the command and the web page call it, by a case worker,
  from the file on disk: reading, the full validation, duplicate search, and the write of
  households, people, name tokens, the partner's ids, enrolments as candidates and history,
  in one transaction; with ``HOMEWARD_POSTGRES_ACCELERATIONS`` (the default on PostgreSQL)
  the rows go in with COPY;
* **COPY**: the same file read with Python's ``csv`` module and loaded with COPY into a plain
  table of text columns, in one transaction: the floor of what loading these rows can cost.

It prints people per second for both and their ratio. The goal (issue #6): at least 20,000
people per second for 100,000 people on PostgreSQL, and at least a quarter of COPY's rate.
``--profile`` runs the import under pyinstrument (``uv run --with pyinstrument ...``) and
prints where the time went; ``--copy-timings`` prints how long each table's COPY took.
``--database-name`` names its database, so that two people can run it on one server.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

COLUMNS = [
    "person_id",
    "household_id",
    "relationship_to_head",
    "first_name",
    "father_name",
    "last_name",
    "sex",
    "date_of_birth",
    "national_id",
    "phone",
    "address",
    "settlement",
    "current_municipality",
    "origin_municipality",
    "displacement_status",
    "accommodation",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/",
        help="the server; the benchmark creates and drops its own database on it",
    )
    parser.add_argument(
        "--database-name",
        default="homeward_bench_import",
        help="the benchmark's own database on the server (dropped at the end unless --keep)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the CSV")
    parser.add_argument("--profile", action="store_true", help="profile the import")
    parser.add_argument(
        "--copy-timings",
        action="store_true",
        help="print how long each table's COPY took (the time PostgreSQL takes to receive, "
        "index and store it, with the formatting of its rows)",
    )
    args = parser.parse_args(argv)
    args.reuse = False
    args.data_dir = None
    return args


def make_file(path: Path, people: int, seed: int, municipalities) -> int:
    """Write the CSV; return the number of households."""
    from homeward.registry.demo import COMMUNITIES, write
    from homeward.registry.jmbg import make_jmbg

    rng = random.Random(seed)
    today = date.today()
    communities = ["serb"] * 5 + ["roma"] * 3 + ["albanian"] * 1 + ["bosniak"] * 1
    statuses = ["idp", "IDP", "returnee", "raseljeno lice", "local_vulnerable", "povratnik"]
    accommodation = ["private", "collective_centre", "privatni smeštaj", "kolektivni centar"]
    made = households = 0
    jmbgs = set()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        while made < people:
            community = rng.choice(communities)
            surnames, men, women, albanian = COMMUNITIES[community]
            style = rng.choice(
                ["cyrillic", "latin", "latin", "ascii", "upper_latin"]
                if not albanian
                else ["latin", "latin", "ascii", "cyrillic"]
            )
            size = min(people - made, rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7, 4, 4, 4]))
            households += 1
            household_id = f"HH-{households:06d}"
            last = rng.choice(surnames)
            head_age = rng.randint(25, 85)
            current = rng.choice(municipalities)
            origin = rng.choice(municipalities)
            status = rng.choice(statuses)
            where = rng.choice(accommodation)
            address = f"Ulica {rng.randint(1, 300)} br. {rng.randint(1, 99)}"
            for index in range(size):
                sex = rng.choice(["male", "female"])
                if index == 0:
                    relationship, age = "head", head_age
                elif index == 1 and head_age > 25:
                    relationship, age = "spouse", max(18, head_age + rng.randint(-8, 4))
                else:
                    relationship = "child"
                    age = rng.randint(0, max(0, head_age - 19))
                first = rng.choice(men if sex == "male" else women)
                father = rng.choice(men) if rng.random() < 0.7 else ""
                born = today - timedelta(days=age * 365 + rng.randrange(1, 360))
                form = rng.random()
                if form < 0.6:
                    written_born = born.isoformat()
                elif form < 0.9:
                    written_born = f"{born:%d.%m.%Y}"
                else:
                    written_born = str(born.year)
                national_id = ""
                if rng.random() < 0.75 and form < 0.9:
                    national_id = make_jmbg(
                        born,
                        region_code=rng.choice([71, 72, 73, 74, 78, 91, 92, 93, 95, 96]),
                        sex=sex,
                        serial=rng.randrange(500),
                    )
                    if national_id in jmbgs:
                        national_id = ""
                    jmbgs.add(national_id)
                phone = ""
                if rng.random() < 0.3:
                    phone = f"06{rng.randint(0, 9)}/{rng.randrange(10**6, 10**7)}"
                made += 1
                writer.writerow(
                    [
                        f"P-{made:07d}",
                        household_id,
                        relationship,
                        write(first, style, albanian=albanian),
                        write(father, style, albanian=albanian) if father else "",
                        write(last, style, albanian=albanian),
                        "F" if sex == "female" else "M",
                        written_born,
                        national_id,
                        phone,
                        address,
                        "",
                        current,
                        origin,
                        status,
                        where,
                    ]
                )
    return households


def municipality_spellings() -> list[str]:
    from homeward.geo.models import Area
    from homeward.geo.selectors import MUNICIPALITY_KINDS

    areas = list(Area.objects.filter(kind__in=MUNICIPALITY_KINDS).order_by("code")[:400])
    rng = random.Random(7)
    spellings = []
    for area in rng.sample(areas, min(60, len(areas))):
        spellings += [area.name_sr, area.name_sr_latn]
        if area.code.startswith("XK"):
            spellings.append(area.name_sq)
    # Only names that mean one place (Palilula is in Belgrade and in Niš).
    from homeward.geo.selectors import area_resolve

    usable = []
    for spelling in spellings:
        try:
            area_resolve(spelling, kinds=MUNICIPALITY_KINDS)
        except Exception:  # noqa: S112 - ambiguous names are simply not used
            continue
        usable.append(spelling)
    return usable


def copy_baseline(path: Path) -> float:
    """Seconds to read the file with ``csv`` and COPY it into a plain table, committed."""
    from django.db import connection, transaction

    columns = ", ".join(f"{name} text" for name in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_baseline")
        cursor.execute(f"CREATE TABLE import_baseline ({columns})")
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        open(path, newline="", encoding="utf-8") as handle,
    ):
        reader = csv.reader(handle)
        next(reader)
        with cursor.cursor.copy(f"COPY import_baseline ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in reader:
                copy.write_row(row)
    return time.perf_counter() - started


def main(argv=None) -> None:
    import registry_search
    from registry_search import drop_database, prepare_environment

    args = parse_args(argv)
    # Its own database, so that it never meets a search benchmark running beside it.
    registry_search.BENCH_DATABASE = args.database_name
    where = prepare_environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    print(f"Database: {where}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    try:
        run(args)
    finally:
        if not args.keep:
            drop_database(args)


def run(args) -> None:
    from django.conf import settings
    from django.db import connection

    from homeward.accounts.models import Organisation
    from homeward.accounts.roles import Role
    from homeward.accounts.services import organisation_create, user_create
    from homeward.core.actors import actor_for_user, system_actor
    from homeward.exchange.imports.services import people_import
    from homeward.programmes.services import project_create
    from homeward.registry.models import Person, PersonNameToken

    system = system_actor(via="cli")
    organisation = Organisation.objects.filter(code="bench-partner").first() or (
        organisation_create(actor=system, code="bench-partner", name="Partner", kind="ngo")
    )
    project = project_create(
        actor=system,
        code=f"bench-import-{int(time.time())}",
        title="Import benchmark",
        lead_organisation=organisation,
        start_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31),
    )
    user = user_create(
        actor=system,
        username=f"bench-importer-{int(time.time())}",
        organisation=organisation,
        role=Role.CASE_WORKER,
    )
    path = Path(args.data_dir_path) / f"people-{args.people}.csv"
    started = time.perf_counter()
    households = make_file(path, args.people, args.seed, municipality_spellings())
    size = path.stat().st_size / 1e6
    print(
        f"wrote {path.name}: {args.people:,} people in {households:,} households, {size:.1f} MB"
        f" in {time.perf_counter() - started:.1f} s"
    )
    accelerated = connection.vendor == "postgresql" and settings.HOMEWARD_POSTGRES_ACCELERATIONS
    print(f"PostgreSQL accelerations (COPY): {'on' if accelerated else 'off'}")

    actor = actor_for_user(user, via="cli")
    copies = []
    if args.copy_timings:
        from homeward.exchange.imports import writer

        insert = writer._insert

        def timed_insert(model, columns, rows):
            began = time.perf_counter()
            insert(model, columns, rows)
            copies.append((model._meta.db_table, len(rows), time.perf_counter() - began))

        writer._insert = timed_insert
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    started, cpu = time.perf_counter(), time.process_time()
    report = people_import(actor=actor, source=path, filename=path.name, project=project)
    import_seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    if report.refused:
        for problem in report.errors[:20]:
            print(problem)
        raise SystemExit(f"The import was refused: {len(report.errors)} errors.")
    assert report.people_new == args.people, report.as_dict()
    assert Person.objects.filter(household__project=project).count() == args.people
    tokens = PersonNameToken.objects.filter(person__household__project=project).count()
    print(
        f"imported: {report.households_new:,} households, {report.people_new:,} people, "
        f"{tokens:,} name tokens; {len(report.warnings):,} warnings, "
        f"{len(report.duplicates):,} likely duplicates"
    )

    print(f"phases (s): {report.timings}")
    timings = report.timings
    if "write_before_commit" in timings:
        commit = timings["write"] - timings["write_before_commit"]
        print(f"commit (the deferred foreign-key checks): {commit:.2f} s")
    for table, count, seconds in copies:
        print(f"  COPY {table:<32}{count:>9,} rows {seconds:>7.2f} s")
    rate = args.people / import_seconds
    print()
    print(f"{'':<8}{'seconds':>10}{'people/s':>12}")
    print(f"{'import':<8}{import_seconds:>10.2f}{rate:>12,.0f}")
    print(f"  of which this process's CPU: {cpu_seconds:.2f} s (the rest is the database's work)")
    if connection.vendor != "postgresql":
        print("COPY baseline: PostgreSQL only.")
        return
    copy_seconds = copy_baseline(path)
    copy_rate = args.people / copy_seconds
    print(f"{'COPY':<8}{copy_seconds:>10.2f}{copy_rate:>12,.0f}")
    ratio = rate / copy_rate
    print()
    print(f"import / COPY: {ratio:.0%} of COPY's rate ({copy_seconds / import_seconds:.2f})")
    verdict = "met" if rate >= 20_000 and ratio >= 0.25 else "NOT met"
    print(f"goal (≥ 20,000 people/s and ≥ 25 % of COPY's rate): {verdict}")


if __name__ == "__main__":
    main()
