"""The labelled test-set generator: its records look like real lists, and its truth is right."""

import datetime
import random
from collections import defaultdict

import pyarrow as pa
import pytest

from homeward.core.names import fold, within_one_edit
from homeward.dedup.generator import (
    CONFOUNDERS,
    SCHEMA,
    VARIATIONS,
    Labelled,
    Scores,
    _typo,
    diagnose,
    generate,
    score,
)
from homeward.dedup.matching import INPUT_COLUMNS
from homeward.geo.loading import read_areas
from homeward.registry.jmbg import InvalidJmbg, jmbg_disagreements, parse_jmbg

AS_OF = datetime.date(2026, 6, 30)
DOB_VARIATIONS = ("dob_day_month_swapped", "dob_year_off_by_one", "dob_placeholder", "dob_missing")


@pytest.fixture(scope="module")
def labelled():
    return generate(6000, seed=11)


@pytest.fixture(scope="module")
def rows(labelled):
    return labelled.records.to_pylist()


@pytest.fixture(scope="module")
def by_cluster(rows):
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["cluster"]].append(row)
    return grouped


def _carrying(labelled, *kinds) -> set[int]:
    return {unique_id for kind in kinds for unique_id in labelled.variations[kind]}


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def test_the_same_seed_gives_the_same_records_and_another_seed_others():
    first, again, other = generate(800, seed=3), generate(800, seed=3), generate(800, seed=4)
    assert first.records.equals(again.records)
    assert first.variations == again.variations
    assert first.confounders == again.confounders
    assert not first.records.equals(other.records)


def test_columns_and_types_are_the_matching_input_and_the_cluster(labelled, rows):
    assert labelled.records.column_names == [*INPUT_COLUMNS, "cluster"]
    assert labelled.records.schema.equals(SCHEMA)
    assert [row["unique_id"] for row in rows] == list(range(1, len(rows) + 1))
    assert {row["sex"] for row in rows} == {"male", "female"}
    assert all(row["national_id"] == "" or len(row["national_id"]) == 13 for row in rows)
    assert all(row["first_name"] and row["last_name"] for row in rows)
    assert None not in labelled.records["origin_municipality"].to_pylist()
    assert labelled.clusters == labelled.records["cluster"].to_pylist()


def test_sizes_households_and_share_registered_again(labelled, rows, by_cluster):
    assert 6000 <= labelled.people < 6010
    assert len(by_cluster) == labelled.people
    households = defaultdict(list)
    for row in rows:
        households[row["household"]].append(row)
    assert {len(members) for members in households.values()} == set(range(1, 9))
    for members in households.values():
        # One household record, one municipality of origin as written on it.
        assert len({row["origin_municipality"] for row in members}) == 1
    again = sum(1 for records in by_cluster.values() if len(records) > 1)
    assert 0.15 <= again / labelled.people <= 0.25
    assert any(len(records) == 3 for records in by_cluster.values())
    # No person is registered twice in one household record.
    assert all(
        len({row["household"] for row in records}) == len(records)
        for records in by_cluster.values()
    )


def test_municipalities_of_origin_are_kosovo_area_codes(rows):
    kosovo = {area.code for area in read_areas() if area.kind == "kosovo_municipality"}
    codes = {row["origin_municipality"] for row in rows} - {""}
    assert len(codes) > 20
    assert codes <= kosovo


def test_names_have_the_skew_of_real_names(rows):
    surnames = defaultdict(int)
    for row in rows:
        surnames[fold(row["last_name"])] += 1
    counts = sorted(surnames.values(), reverse=True)
    # A few surnames are common, most are rare.
    assert counts[0] > 20 * counts[len(counts) // 2]
    assert len(counts) > 300


def test_every_jmbg_is_valid_and_agrees_with_its_person(labelled, rows):
    mistyped = _carrying(labelled, "national_id_typo")
    changed = _carrying(labelled, *DOB_VARIATIONS, "sex_wrong")
    checked = kosovo = 0
    for row in rows:
        if not row["national_id"] or row["unique_id"] in mistyped:
            continue
        jmbg = parse_jmbg(row["national_id"], today=AS_OF)
        if jmbg.is_from_kosovo:
            kosovo += 1
            # Kosovo's registry offices stopped issuing JMBGs when the people were displaced.
            assert jmbg.date_of_birth < datetime.date(1999, 6, 1)
        if row["unique_id"] not in changed:
            assert not jmbg_disagreements(
                jmbg,
                date_of_birth=row["date_of_birth"],
                date_of_birth_estimated=row["date_of_birth_estimated"],
                sex=row["sex"],
            ), row
            checked += 1
    assert checked > 3000
    assert kosovo > 1000


def test_most_adults_have_a_jmbg_some_none(by_cluster):
    adults = [
        records
        for records in by_cluster.values()
        if (born := next((r["date_of_birth"] for r in records if r["date_of_birth"]), None))
        and born < datetime.date(2008, 1, 1)
    ]
    with_jmbg = sum(1 for records in adults if any(r["national_id"] for r in records))
    assert 0.6 < with_jmbg / len(adults) < 0.95


def test_one_person_never_holds_two_jmbgs_nor_two_people_one(labelled, by_cluster):
    mistyped = _carrying(labelled, "national_id_typo")
    owner = {}
    for cluster, records in by_cluster.items():
        numbers = {r["national_id"] for r in records if r["national_id"]} - {
            r["national_id"] for r in records if r["unique_id"] in mistyped
        }
        assert len(numbers) <= 1
        for number in numbers:
            assert owner.setdefault(number, cluster) == cluster


def test_each_variation_occurs(labelled):
    for kind in VARIATIONS:
        assert labelled.variations[kind], kind


def _pairs_with(labelled, by_cluster, kind, rows):
    """(record carrying ``kind``, another record of the same person carrying none of the
    variations of that field)."""
    carriers = set(labelled.variations[kind])
    for unique_id in sorted(carriers)[:200]:
        row = rows[unique_id - 1]
        others = [r for r in by_cluster[row["cluster"]] if r["unique_id"] != unique_id]
        yield row, others


def test_variations_change_what_they_say(labelled, rows, by_cluster):
    dob_changed = _carrying(labelled, *DOB_VARIATIONS)
    steady = [
        (row, [o for o in others if o["unique_id"] not in dob_changed])
        for kind in DOB_VARIATIONS
        for row, others in _pairs_with(labelled, by_cluster, kind, rows)
    ]
    seen = set()
    for row, others in steady:
        for other in others:
            if other["date_of_birth_estimated"]:
                continue
            born, written = other["date_of_birth"], row["date_of_birth"]
            if row["unique_id"] in labelled.variations["dob_missing"]:
                assert written is None
                seen.add("missing")
            elif row["unique_id"] in labelled.variations["dob_placeholder"]:
                assert (written.month, written.day) == (1, 1)
                assert row["date_of_birth_estimated"]
                assert abs(written.year - born.year) <= 1
                seen.add("placeholder")
            elif row["unique_id"] in labelled.variations["dob_day_month_swapped"]:
                assert (written.year, written.month, written.day) == (
                    born.year,
                    born.day,
                    born.month,
                )
                seen.add("swapped")
            elif row["unique_id"] in labelled.variations["dob_year_off_by_one"]:
                assert abs(written.year - born.year) == 1
                assert written.month == born.month
                seen.add("year")
    assert seen == {"missing", "placeholder", "swapped", "year"}

    for row, others in _pairs_with(labelled, by_cluster, "script", rows):
        assert any(_is_cyrillic(row["last_name"]) != _is_cyrillic(o["last_name"]) for o in others)
    for row, _others in _pairs_with(labelled, by_cluster, "father_name_missing", rows):
        assert row["father_name"] == ""
    for row, _others in _pairs_with(labelled, by_cluster, "national_id_missing", rows):
        assert row["national_id"] == ""
    typos = _carrying(labelled, "first_name_typo")
    changed = total = 0
    for row, others in _pairs_with(labelled, by_cluster, "first_name_typo", rows):
        for other in others:
            if other["unique_id"] not in typos:
                total += 1
                changed += fold(row["first_name"]) != fold(other["first_name"])
    # Folding forgives a doubled letter, nothing else.
    assert changed > 0.7 * total


def test_a_typo_is_one_slip_in_the_script_written():
    rng = random.Random(5)
    for name in ("Jovanović", "Живковић", "Krasniqi", "ЉИЉАНА"):
        for _attempt in range(50):
            slipped = _typo(rng, name)
            assert slipped != name or len(set(name)) < len(name)
            assert within_one_edit(slipped.lower(), name.lower())
            assert _is_cyrillic(slipped) == _is_cyrillic(name)


def test_albanian_and_serbian_spellings_meet_when_folded(labelled, rows, by_cluster):
    spelled = list(_pairs_with(labelled, by_cluster, "spelling", rows))
    assert spelled
    written = {row["last_name"] for row, _others in spelled}
    assert any(name.endswith(("viq", "ći", "чи", "ћи")) for name in written), written
    clean = _carrying(labelled, "last_name_typo")
    for row, others in spelled:
        if row["unique_id"] in clean:
            continue
        for other in others:
            if other["unique_id"] not in clean:
                assert fold(row["last_name"]) == fold(other["last_name"])


def _folded(records, key):
    return {fold(r[key]) for r in records}


def test_twins_share_a_household_surname_and_birth_date_not_a_name(labelled, by_cluster):
    assert len(labelled.confounders["twins"]) > 20
    for a, b in labelled.confounders["twins"]:
        first, second = by_cluster[a], by_cluster[b]
        # One twin may be registered again without the other, never the other way round.
        shared = {r["household"] for r in first} & {r["household"] for r in second}
        assert shared
        together = [r for r in first + second if r["household"] == min(shared)]
        assert len({fold(r["last_name"]) for r in together}) == 1 or _carrying(
            labelled, "last_name_typo"
        ) & {r["unique_id"] for r in together}
        assert len({r["date_of_birth"] for r in together}) == 1 or _carrying(
            labelled, *DOB_VARIATIONS
        ) & {r["unique_id"] for r in together}
        assert _folded(first, "first_name").isdisjoint(_folded(second, "first_name"))
        numbers = {r["national_id"] for r in first} & {r["national_id"] for r in second}
        assert numbers <= {""}
        assert (a, b) in labelled.confounders["siblings"]


def _born(records) -> datetime.date:
    return min((r["date_of_birth"] for r in records if r["date_of_birth"]), default=AS_OF)


def test_fathers_and_sons_of_one_name_are_decades_apart(labelled, by_cluster):
    pairs = labelled.confounders["father_son"]
    assert len(pairs) > 10
    alike = 0
    for a, b in pairs:
        father, son = sorted((by_cluster[a], by_cluster[b]), key=_born)
        alike += bool(
            _folded(father, "first_name") & _folded(son, "first_name")
            and _folded(father, "first_name") & _folded(son, "father_name")
            and (_born(son) - _born(father)).days > 15 * 365
        )
    # Typos and missing fields blur a few; the planted relation shows in nearly all.
    assert alike > 0.9 * len(pairs)


def test_namesakes_share_a_name_and_almost_a_birth_year(labelled, by_cluster):
    pairs = labelled.confounders["namesakes"]
    assert len(pairs) > 20
    alike = 0
    for a, b in pairs:
        first, second = by_cluster[a], by_cluster[b]
        assert {r["household"] for r in first}.isdisjoint({r["household"] for r in second})
        alike += bool(
            _folded(first, "last_name") & _folded(second, "last_name")
            and _folded(first, "first_name") & _folded(second, "first_name")
            and abs(_born(first).year - _born(second).year) <= 2
        )
    assert alike > 0.9 * len(pairs)


def test_siblings_are_different_people_of_one_family(labelled, by_cluster):
    assert len(labelled.confounders["siblings"]) > 1000
    for a, b in list(labelled.confounders["siblings"])[:300]:
        assert a != b
        assert {r["household"] for r in by_cluster[a]} & {r["household"] for r in by_cluster[b]}


def test_confounder_kinds_are_all_listed(labelled):
    assert set(labelled.confounders) == set(CONFOUNDERS)


def _hand_made(clusters):
    count = len(clusters)
    table = pa.table(
        {
            "unique_id": list(range(1, count + 1)),
            "first_name": ["Marko"] * count,
            "father_name": [""] * count,
            "last_name": ["Petrović"] * count,
            "sex": ["male"] * count,
            "date_of_birth": [None] * count,
            "date_of_birth_estimated": [False] * count,
            "national_id": [""] * count,
            "origin_municipality": [""] * count,
            "household": list(range(1, count + 1)),
            "cluster": clusters,
        },
        schema=SCHEMA,
    )
    return Labelled(
        records=table,
        people=len(set(clusters)),
        variations={kind: [] for kind in VARIATIONS},
        confounders={kind: set() for kind in CONFOUNDERS},
        clusters=list(clusters),
    )


def test_score_counts_pairs_within_true_clusters():
    # Records 1, 2, 3 are one person (3 true pairs), 4 and 5 another (1), 6 is alone.
    labelled = _hand_made([10, 10, 10, 20, 20, 30])
    assert labelled.true_pair_count == 4
    assert sorted(labelled.true_pairs()) == [(1, 2), (1, 3), (2, 3), (4, 5)]

    perfect = score([(2, 1), (1, 3), (3, 2), (5, 4)], labelled)
    assert perfect == Scores(1.0, 1.0, 1.0, 4, 0, 0)

    # Two right (one given twice, in both orders), one wrong: 2/3 precise, 2/4 found.
    partial = score([(1, 2), (2, 1), (4, 5), (3, 6)], labelled)
    assert (partial.true_positives, partial.false_positives, partial.false_negatives) == (2, 1, 2)
    assert partial.precision == pytest.approx(2 / 3)
    assert partial.recall == pytest.approx(0.5)
    assert partial.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))

    wrong = score([(1, 4), (3, 6)], labelled)
    assert wrong == Scores(0.0, 0.0, 0.0, 0, 2, 4)
    nothing = score([], labelled)
    assert (nothing.precision, nothing.recall, nothing.f1) == (1.0, 0.0, 0.0)


def test_score_refuses_pairs_from_other_data():
    labelled = _hand_made([1, 1, 2])
    with pytest.raises(ValueError, match="unique_id 4"):
        score([(1, 4)], labelled)
    with pytest.raises(ValueError, match="itself"):
        score([(2, 2)], labelled)


def test_diagnose_finds_merged_confounders_and_missed_variations():
    labelled = _hand_made([1, 1, 2, 3])
    labelled.variations["dob_missing"] = [2]
    labelled.confounders["twins"] = {(2, 3)}
    found = diagnose([(3, 4)], labelled)
    assert found["variations"]["dob_missing"] == {"pairs": 1, "found": 0}
    assert found["confounders"]["twins"] == {"pairs": 1, "merged": 1}
    assert diagnose([(1, 2)], labelled)["variations"]["dob_missing"] == {"pairs": 1, "found": 1}


def test_the_generated_truth_scores_perfectly(labelled):
    assert score(labelled.true_pairs(), labelled).f1 == 1.0
    assert all(
        counts["merged"] == 0
        for counts in diagnose(labelled.true_pairs(), labelled)["confounders"].values()
    )


def test_refuses_nobody():
    with pytest.raises(ValueError, match="at least 1"):
        generate(0)


def test_a_mistyped_jmbg_differs_from_the_persons(labelled, rows, by_cluster):
    mistyped = _carrying(labelled, "national_id_typo")
    invalid = 0
    for unique_id in mistyped:
        row = rows[unique_id - 1]
        others = {
            r["national_id"] for r in by_cluster[row["cluster"]] if r["unique_id"] not in mistyped
        }
        assert row["national_id"]
        assert row["national_id"] not in others
        try:
            parse_jmbg(row["national_id"], today=AS_OF)
        except InvalidJmbg:
            invalid += 1
    # The check digit catches most slips, as it was made to.
    assert invalid > 0.6 * len(mistyped)
