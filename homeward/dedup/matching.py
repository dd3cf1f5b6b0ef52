"""Probabilistic record linkage of the registry: which two records are probably one person.

The same family reaches the registry through a municipality, an NGO and an information centre,
in Cyrillic, in Latin, without diacritics, in Albanian spelling, with a typo, without a JMBG or
with 1 January written for a birthday nobody knew. Exact rules miss most of those and catch
twins; so the records are compared the Fellegi–Sunter way, with Splink on an in-memory DuckDB:

1. ``prepare`` turns the registry's columns (``INPUT_COLUMNS``) into comparable ones: names
   folded to one key whatever the script (``homeward.core.names.fold``), the parts of the date
   of birth, whether a JMBG has a valid check digit, and the first names of each person's
   household mates.
2. Blocking (``BLOCKING_RULES``) proposes only pairs that share something strong (the JMBG, both
   names, a name and the date of birth, ...), so a million people give millions of pairs to
   score, not half a trillion.
3. Every pair is scored field by field (``_comparisons``): each field falls into one level
   ("same after folding", "one typo", "day and month swapped", ...), and each level carries a
   Bayes factor, how much likelier that level is among true duplicates (m) than among
   different people (u). The factors multiply with the prior odds into a match probability.
4. The m and u values are estimated from the data itself: u by comparing random pairs (a
   fixed seed), m by expectation maximisation over pairs blocked on the names, on the JMBG and
   on the date of birth, the prior from pairs that deterministic rules call certain. Training
   runs on one DuckDB thread, so that sums add up in the same order and a rerun on the same
   records gives exactly the same model. A registry too small to learn from (under
   ``MIN_PEOPLE_TO_TRAIN`` people, e.g. a test or a fresh installation) keeps the starting
   values written into ``_comparisons``, close to what the estimation gives on realistic
   data, with a prior of one person in ``1 / DUPLICATE_SHARE`` registered twice; a training
   step with too few pairs (no two records share a JMBG, say) is skipped the same way.

Some levels are set by hand and never estimated, because the model treats fields as
independent and families are not: random pairs almost never share a household, so estimated
values would make living together evidence *for* a match, while among look-alikes it is what
twins and siblings do. So the same household, and living with someone of the other record's
first name, count strongly against; two valid JMBGs that differ are decisive; and a date of
birth years apart keeps a small fixed m, lest namesakes a generation apart teach the estimation
that such a date is a typo.

``model_json`` gives the trained model as Splink settings for DuckDB or for Spark (see
docs/dedup-model.md for running it on a cluster).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from django.utils import timezone
from django.utils.translation import gettext
from splink import Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.blocking_rule_library import And, CustomRule
from splink.internals.duckdb.database_api import DuckDBAPI

from homeward.core.names import fold
from homeward.dedup.evidence import (
    DEFAULT_THRESHOLD,
    FIELD_LABELS,
    LEVEL_LABELS,
    describe_evidence,
)
from homeward.registry.jmbg import InvalidJmbg, parse_jmbg
from homeward.registry.models import Person

__all__ = [
    "DEFAULT_THRESHOLD",
    "FIELD_LABELS",
    "INPUT_COLUMNS",
    "LEVEL_LABELS",
    "Linkage",
    "Pair",
    "describe_evidence",
    "link",
    "model_json",
    "prepare",
    "registry_records",
]

INPUT_COLUMNS = [
    "unique_id",
    "first_name",
    "father_name",
    "last_name",
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
    "national_id",
    "origin_municipality",
    "household",
]
INPUT_SCHEMA = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("first_name", pa.string()),
        ("father_name", pa.string()),
        ("last_name", pa.string()),
        ("sex", pa.string()),
        ("date_of_birth", pa.date32()),
        ("date_of_birth_estimated", pa.bool_()),
        ("national_id", pa.string()),
        ("origin_municipality", pa.string()),
        ("household", pa.int64()),
    ]
)

# Below this many people the estimation has too few pairs to learn from: the starting values
# are used as they are. The demo registry (about 3,000 people) is trained.
MIN_PEOPLE_TO_TRAIN = 1000
# Expectation maximisation on fewer pairs than this learns nothing reliable.
MIN_PAIRS_TO_TRAIN = 100
# The share of people registered twice assumed when the prior cannot be estimated.
DUPLICATE_SHARE = 0.05
SEED = 7
# Pairs sampled to estimate u, and pairs per blocking rule used by expectation maximisation.
U_PAIRS = 1_500_000
EM_PAIRS = 1_000_000
# How much of all true duplicates the deterministic rules are believed to find (prior).
DETERMINISTIC_RECALL = 0.6


@dataclass
class Pair:
    id_a: int
    id_b: int
    probability: float
    weight: float
    evidence: list[dict]


@dataclass
class Linkage:
    pairs: list[Pair]
    people: int
    comparisons: int
    model: dict
    timings: dict[str, float]


def registry_records(person_ids: Collection[int] | None = None) -> pa.Table:
    """The registry's people as ``INPUT_COLUMNS`` (all of them, or only ``person_ids``).

    Rows are streamed from the database as tuples, never as model instances, so that a
    million people fit in memory as columns.
    """
    rows = Person.objects.order_by("pk")
    if person_ids is not None:
        rows = rows.filter(pk__in=list(person_ids))
    columns: list[list] = [[] for _column in INPUT_COLUMNS]
    fields = (
        "pk",
        "first_name",
        "father_name",
        "last_name",
        "sex",
        "date_of_birth",
        "date_of_birth_estimated",
        "national_id",
        "household__origin_municipality__code",
        "household_id",
    )
    for row in rows.values_list(*fields).iterator(chunk_size=10_000):
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    columns[8] = [code or "" for code in columns[8]]
    return pa.table(columns, schema=INPUT_SCHEMA)


# ---------------------------------------------------------------------------------------------
# Preparing the records


def _fold_column(column: pa.ChunkedArray) -> pa.Array:
    """The folded key of every name, NULL where there is none; each distinct name folded once."""
    encoded = pc.fill_null(column, "").combine_chunks().dictionary_encode()
    keys = pa.array([fold(name) or None for name in encoded.dictionary.to_pylist()], pa.string())
    return keys.take(encoded.indices)


def _blank_to_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
    stripped = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(stripped, ""), pa.scalar(None, pa.string()), stripped)


def _valid_jmbg(column: pa.ChunkedArray) -> pa.Array:
    today = timezone.localdate()

    def valid(value):
        if value is None:
            return None
        try:
            parse_jmbg(value, today=today)
        except InvalidJmbg:
            return False
        return True

    return pa.array([valid(value) for value in column.to_pylist()], pa.bool_())


def prepare(records: pa.Table, focus: Collection[int] | None = None) -> pa.Table:
    """The columns the model compares, computed from ``INPUT_COLUMNS``.

    Everything here is per record except ``household_names`` (the folded first names of the
    other members of the record's household), which needs the whole household.
    """
    records = records.select(INPUT_COLUMNS).cast(INPUT_SCHEMA)
    born = records["date_of_birth"]
    estimated = pc.fill_null(records["date_of_birth_estimated"], False)
    first_january = pc.and_(pc.equal(pc.month(born), 1), pc.equal(pc.day(born), 1))
    jmbg = _blank_to_null(records["national_id"])
    prepared = pa.table(
        {
            "unique_id": records["unique_id"],
            "first_key": _fold_column(records["first_name"]),
            "father_key": _fold_column(records["father_name"]),
            "last_key": _fold_column(records["last_name"]),
            "sex": _blank_to_null(records["sex"]),
            "dob_text": pc.strftime(born, format="%Y-%m-%d"),
            "dob_year": pc.year(born),
            "dob_month": pc.month(born),
            "dob_day": pc.day(born),
            "dob_days": pc.cast(born, pa.int32()),
            "dob_placeholder": pc.or_(estimated, first_january),
            "jmbg": jmbg,
            "jmbg_valid": _valid_jmbg(jmbg),
            "origin": _blank_to_null(records["origin_municipality"]),
            "household": records["household"],
        }
    )
    if focus is not None:
        focus_ids = pa.array(sorted(focus), pa.int64())
        prepared = prepared.append_column("in_focus", pc.is_in(prepared["unique_id"], focus_ids))
    return _with_household_names(prepared)


def _with_household_names(prepared: pa.Table) -> pa.Table:
    connection = duckdb.connect()
    try:
        connection.register("prepared", prepared)
        return connection.sql(
            """
            SELECT p.*, m.household_names
            FROM prepared p LEFT JOIN (
                SELECT a.unique_id, list(b.first_key ORDER BY b.first_key) AS household_names
                FROM prepared a JOIN prepared b
                  ON a.household = b.household AND a.unique_id <> b.unique_id
                WHERE b.first_key IS NOT NULL
                GROUP BY a.unique_id
            ) m USING (unique_id)
            ORDER BY p.unique_id
            """
        ).to_arrow_table()
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------
# The model


def _level(creator, code: str, m: float, u: float, **options):
    return creator.configure(label_for_charts=code, m_probability=m, u_probability=u, **options)


def _custom(sql: str, code: str, m: float, u: float, **options):
    # Written in DuckDB's SQL and translated by sqlglot for another backend (Spark).
    return _level(cll.CustomLevel(sql, base_dialect_str="duckdb"), code, m, u, **options)


def _null(column: str):
    return cll.NullLevel(column).configure(label_for_charts="missing")


def _name(field: str, column: str):
    """A folded name: the same key, one typo apart, similar (Jaro-Winkler), different."""
    return cl.CustomComparison(
        output_column_name=field,
        comparison_levels=[
            _null(column),
            _level(cll.ExactMatchLevel(column), "same", 0.95, 0.006),
            _level(cll.DamerauLevenshteinLevel(column, 1), "one_typo", 0.04, 0.0014),
            _level(cll.JaroWinklerLevel(column, 0.9), "similar", 0.003, 0.0015),
            _level(cll.ElseLevel(), "different", 0.007, 0.99),
        ],
    )


def _comparisons() -> list:
    """The fields compared, each with its levels and the starting m and u of every level."""
    return [
        _name("first_name", "first_key"),
        _name("last_name", "last_key"),
        cl.CustomComparison(
            output_column_name="father_name",
            comparison_levels=[
                _null("father_key"),
                _level(cll.ExactMatchLevel("father_key"), "same", 0.96, 0.01),
                _level(
                    cll.Or(
                        cll.DamerauLevenshteinLevel("father_key", 1),
                        cll.JaroWinklerLevel("father_key", 0.9),
                    ),
                    "similar",
                    0.035,
                    0.002,
                ),
                # A father and his son of the same name: the son's father's name is the
                # father's first name.
                _custom(
                    "father_key_l = first_key_r OR father_key_r = first_key_l",
                    "parent_child",
                    2e-4,
                    0.01,
                ),
                _level(cll.ElseLevel(), "different", 0.002, 0.977),
            ],
        ),
        cl.CustomComparison(
            output_column_name="sex",
            comparison_levels=[
                _null("sex"),
                _level(cll.ExactMatchLevel("sex"), "exact", 0.995, 0.5),
                _level(cll.ElseLevel(), "different", 0.005, 0.5),
            ],
        ),
        cl.CustomComparison(
            output_column_name="date_of_birth",
            comparison_levels=[
                _null("dob_text"),
                _custom(
                    "dob_text_l = dob_text_r AND NOT dob_placeholder_l AND NOT dob_placeholder_r",
                    "exact",
                    0.84,
                    4e-5,
                ),
                _custom(
                    "dob_year_l = dob_year_r AND dob_day_l = dob_month_r "
                    "AND dob_month_l = dob_day_r AND dob_day_l <> dob_month_l",
                    "swapped",
                    0.015,
                    1e-5,
                ),
                _custom(
                    "dob_month_l = dob_month_r AND dob_day_l = dob_day_r "
                    "AND abs(dob_year_l - dob_year_r) = 1",
                    "year_off_by_one",
                    0.03,
                    2e-4,
                ),
                _custom(
                    "dob_year_l = dob_year_r AND (dob_placeholder_l OR dob_placeholder_r)",
                    "placeholder",
                    0.06,
                    0.0015,
                ),
                _level(cll.DamerauLevenshteinLevel("dob_text", 1), "one_digit", 0.002, 0.0014),
                _custom("abs(dob_days_l - dob_days_r) <= 366", "within_year", 0.012, 0.025),
                # Fixed m: namesakes a generation apart (a boy named after his grandfather)
                # would otherwise teach the estimation that a date decades off is a typo.
                _custom(
                    "abs(dob_year_l - dob_year_r) <= 5",
                    "within_5_years",
                    0.002,
                    0.12,
                    fix_m_probability=True,
                ),
                _level(cll.ElseLevel(), "different", 0.001, 0.85, fix_m_probability=True),
            ],
        ),
        cl.CustomComparison(
            output_column_name="national_id",
            comparison_levels=[
                _null("jmbg"),
                _custom("jmbg_l = jmbg_r AND jmbg_valid_l", "same_valid", 0.96, 1e-6),
                _custom("jmbg_l = jmbg_r", "same_invalid", 0.02, 1e-7),
                _level(cll.DamerauLevenshteinLevel("jmbg", 1), "one_typo", 0.035, 1e-6),
                # Fixed: a valid number on both sides that differs is two different people,
                # however much else agrees.
                _custom(
                    "jmbg_valid_l AND jmbg_valid_r",
                    "different_valid",
                    1e-10,
                    0.999,
                    fix_m_probability=True,
                    fix_u_probability=True,
                ),
                _level(cll.ElseLevel(), "different", 0.001, 0.015),
            ],
        ),
        cl.CustomComparison(
            output_column_name="origin_municipality",
            comparison_levels=[
                _null("origin"),
                _level(cll.ExactMatchLevel("origin"), "same", 0.92, 0.03),
                _level(cll.ElseLevel(), "different", 0.08, 0.97),
            ],
        ),
        cl.CustomComparison(
            output_column_name="household",
            comparison_levels=[
                # Fixed: among random pairs sharing a household is rare, which would make it
                # evidence for; among look-alikes it is what twins and siblings do.
                _custom(
                    "household_l = household_r",
                    "same_household",
                    3e-8,
                    0.3,
                    fix_m_probability=True,
                    fix_u_probability=True,
                ),
                # Fixed, for the same reason: one lives with someone of the other's first name,
                # as a twin does with the twin whose duplicate is the other record.
                _custom(
                    "first_key_l <> first_key_r AND ("
                    "array_contains(household_names_r, first_key_l) "
                    "OR array_contains(household_names_l, first_key_r))",
                    "sibling",
                    1e-4,
                    0.3,
                    fix_m_probability=True,
                    fix_u_probability=True,
                ),
                _null("household_names"),
                _level(cll.ArrayIntersectLevel("household_names", 2), "members_2", 0.8, 0.003),
                _level(cll.ArrayIntersectLevel("household_names", 1), "members_1", 0.19, 0.05),
                _level(cll.ElseLevel(), "no_members_in_common", 0.01, 0.94),
            ],
        ),
    ]


FIELDS = [
    "first_name",
    "last_name",
    "father_name",
    "sex",
    "date_of_birth",
    "national_id",
    "origin_municipality",
    "household",
]

# Pairs are scored only when they share one of these; each keeps its blocks small (a JMBG,
# a full name, a name and a date) so that the number of pairs grows with the registry, not
# with its square.
BLOCKING_RULES = [
    ("jmbg",),
    # Not both names alone: a common name (Jelena Jovanović) would make a block of thousands.
    ("first_key", "last_key", "father_key"),
    ("first_key", "last_key", "dob_year"),
    ("first_key", "last_key", "dob_month", "dob_day"),
    ("last_key", "dob_text"),
    ("first_key", "dob_text"),
    ("first_key", "father_key", "dob_year"),
    ("last_key", "father_key", "dob_year"),
    ("father_key", "dob_text"),
    # Both names alone, only where a date of birth is missing: the block is joined on the
    # names, but only such pairs are scored.
    "l.first_key = r.first_key AND l.last_key = r.last_key "
    "AND (l.dob_text IS NULL OR r.dob_text IS NULL)",
]
# Expectation maximisation learns the m values of the fields outside each rule.
TRAINING_RULES = [("first_key", "last_key", "father_key"), ("jmbg",), ("dob_text", "origin")]
# Pairs these rules find are taken as certain when estimating the prior.
DETERMINISTIC_RULES = [
    "l.jmbg = r.jmbg AND l.jmbg_valid",
    "l.first_key = r.first_key AND l.last_key = r.last_key AND l.dob_text = r.dob_text "
    "AND l.father_key = r.father_key",
]


def _blocking_rules(focused: bool) -> list:
    rules = [
        CustomRule(rule, sql_dialect="duckdb") if isinstance(rule, str) else block_on(*rule)
        for rule in BLOCKING_RULES
    ]
    if focused:
        only_focus = CustomRule("l.in_focus OR r.in_focus", sql_dialect="duckdb")
        rules = [And(rule, only_focus) for rule in rules]
    return rules


def _settings(focused: bool, prior: float) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=_comparisons(),
        blocking_rules_to_generate_predictions=_blocking_rules(focused),
        # The gamma (level) columns come only with the matching columns; pairs are few.
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[],
    )


def _untrained_prior(people: int) -> float:
    # Each person has a DUPLICATE_SHARE chance of one duplicate among the others.
    return min(0.5, DUPLICATE_SHARE / max(people - 1, 1))


def _pairs_blocked(table, rule) -> int:
    counts = count_comparisons_from_blocking_rules(
        table, blocking_rules=rule, link_type="dedupe_only", record_sample_proportion=1.0
    )
    return int(counts[-1]["cumulative_comparison_count"])


def _train(linker: Linker, table, people: int) -> tuple[Linker, list[str]]:
    """Estimate the prior, u and m from the records; answer the trained linker and the steps
    skipped. A step with too little to learn from (no two records share a JMBG, say) is
    skipped and its starting values kept. So is an expectation maximisation that drives a
    level's m to zero, as it can when few of the blocked pairs are duplicates: Splink then
    refuses the model half-updated, so the linker is rebuilt from the model before that step."""
    skipped = []
    try:
        linker.training.estimate_probability_two_random_records_match(
            DETERMINISTIC_RULES, recall=DETERMINISTIC_RECALL
        )
    except ValueError:
        skipped.append("prior")
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED)
    for columns in TRAINING_RULES:
        rule = block_on(*columns)
        # Splink refuses a rule without pairs, and a failed session leaves the model damaged.
        if _pairs_blocked(table, rule) < MIN_PAIRS_TO_TRAIN:
            skipped.append("+".join(columns))
            continue
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule,
                estimate_without_term_frequencies=True,
                max_pairs=EM_PAIRS if people > 50_000 else None,
            )
        except ValueError:
            linker = Linker(table, before, log_level=None)
            skipped.append("+".join(columns))
    return linker, skipped


def link(
    records: pa.Table,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    focus: Collection[int] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Linkage:
    """Every pair of ``records`` (``INPUT_COLUMNS``) whose match probability reaches
    ``threshold``, best first, with the evidence per field.

    ``focus`` keeps only pairs with at least one record among those ids (one project or one
    import against the whole registry); the model is still trained on all records.
    ``progress(done, total, stage)`` is called before each stage and at the end.
    """
    stages = [
        gettext("Preparing the records"),
        gettext("Estimating the model"),
        gettext("Comparing pairs"),
        gettext("Collecting the pairs found"),
    ]
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def stage(index: int, name: str | None = None) -> None:
        nonlocal clock
        now = time.perf_counter()
        if name is not None:
            timings[name] = round(now - clock, 3)
        clock = now
        if progress is not None:
            progress(index, len(stages), stages[index] if index < len(stages) else "")

    stage(0)
    people = records.num_rows
    prepared = prepare(records, focus)
    stage(1, "prepare")

    connection = duckdb.connect()
    try:
        db_api = DuckDBAPI(connection)
        table = db_api.register(prepared, table_name="people")
        trained = people >= MIN_PEOPLE_TO_TRAIN
        linker = Linker(
            table, _settings(focus is not None, _untrained_prior(people)), log_level=None
        )
        skipped = []
        if trained:
            # One thread: parallel sums of floating-point numbers add up in whatever order
            # the threads finish, and the same registry must give exactly the same model.
            connection.execute("SET threads = 1")
            linker, skipped = _train(linker, table, people)
            connection.execute("RESET threads")
        stage(2, "train")

        comparisons = 0
        if people > 1 and (focus is None or focus):
            # Blocked once: predict scores the pairs cached here.
            blocked = linker.inference.compute_blocked_pairs_for_predict()
            [(comparisons,)] = connection.execute(
                f"SELECT count(*) FROM {blocked.physical_name}"  # noqa: S608
            ).fetchall()
        scored = (
            linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
            if comparisons
            else None
        )
        stage(3, "predict")
        pairs = _pairs(connection, scored, linker) if scored is not None else []
        model = linker.misc.save_model_to_json()
    finally:
        connection.close()
    # A random name Splink gives each linker: two runs of one model must compare equal.
    model.pop("linker_uid", None)
    model["homeward"] = {"trained": trained, "people": people, "skipped": skipped}
    stage(4, "collect")
    return Linkage(
        pairs=pairs, people=people, comparisons=comparisons, model=model, timings=timings
    )


def _level_codes(linker: Linker) -> dict[str, dict[int, str]]:
    """For each field, the level code of every comparison vector value."""
    return {
        comparison.output_column_name: {
            level.comparison_vector_value: level.label_for_charts
            for level in comparison.comparison_levels
        }
        for comparison in linker._settings_obj.comparisons
    }


def _pairs(connection, scored, linker: Linker) -> list[Pair]:
    codes = _level_codes(linker)
    # mw_ is the level's match weight, log2 of its Bayes factor.
    columns = ", ".join(f"gamma_{field}, pow(2, mw_{field})" for field in FIELDS)
    rows = connection.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability, match_weight, {columns} "  # noqa: S608
        f"FROM {scored.physical_name} "
        "ORDER BY match_probability DESC, unique_id_l, unique_id_r"
    ).fetchall()
    pairs = []
    for row in rows:
        id_l, id_r, probability, weight, *values = row
        evidence = [
            {
                "field": field,
                "level": codes[field][values[2 * index]],
                "bayes_factor": _rounded(values[2 * index + 1]),
            }
            for index, field in enumerate(FIELDS)
        ]
        pairs.append(
            Pair(
                id_a=min(id_l, id_r),
                id_b=max(id_l, id_r),
                probability=float(probability),
                weight=float(weight),
                evidence=evidence,
            )
        )
    return pairs


def _rounded(value: float) -> float:
    """Four significant digits: enough to read, small to store."""
    if not value or not math.isfinite(value):
        return float(value or 0.0)
    return round(value, 3 - math.floor(math.log10(abs(value))))


def model_json(linkage_or_settings: Linkage | dict, *, dialect: str = "duckdb") -> dict:
    """The trained model as Splink settings for ``dialect`` ("duckdb" or "spark").

    The comparisons are rebuilt from their definitions for that backend (function names and
    SQL differ: ``jaro_winkler_similarity`` in DuckDB is ``jaro_winkler`` in Spark) and the
    trained m and u of every level and the prior are copied over from the model given (a
    ``Linkage`` or its ``model``). Blocking rules are the plain ones, without a focus.
    """
    trained = (
        linkage_or_settings.model
        if isinstance(linkage_or_settings, Linkage)
        else linkage_or_settings
    )
    creator = _settings(False, trained["probability_two_random_records_match"])
    settings = creator.get_settings(dialect).as_dict()
    settings.pop("linker_uid", None)
    by_field = {
        comparison["output_column_name"]: comparison for comparison in trained["comparisons"]
    }
    for comparison in settings["comparisons"]:
        levels = by_field[comparison["output_column_name"]]["comparison_levels"]
        for level, trained_level in zip(comparison["comparison_levels"], levels, strict=True):
            for key in ("m_probability", "u_probability"):
                if key in trained_level:
                    level[key] = trained_level[key]
    return settings
