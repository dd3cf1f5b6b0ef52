"""The record-linkage engine: who is found to be one person, who must stay two, and why.

Most tests build a handful of records by hand (a registry this small keeps the model's starting
values, see ``matching.MIN_PEOPLE_TO_TRAIN``); one trains on generated data to show that the
estimation runs and repeats itself exactly.
"""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest
import sqlglot
from django.utils import translation
from django.utils.functional import Promise
from splink import SettingsCreator
from splink.internals.comparison_vector_values import compute_comparison_vector_values_sql
from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings

from homeward.dedup import generator, matching
from homeward.registry.jmbg import make_jmbg

BORN = date(1980, 3, 14)
JMBG = make_jmbg(BORN, region_code=91, sex="male", serial=120)


def person(unique_id, first="Marko", last="Petrović", **fields) -> dict:
    """One record; every field not given is that of Marko Petrović, son of Petar, born 1980,
    household ``unique_id`` (everyone alone unless told)."""
    return {
        "unique_id": unique_id,
        "first_name": first,
        "father_name": "Petar",
        "last_name": last,
        "sex": "male",
        "date_of_birth": BORN,
        "date_of_birth_estimated": False,
        "national_id": "",
        "origin_municipality": "KS-GJILAN",
        "household": 100 + unique_id,
    } | fields


# People who are nobody's duplicate, so that each test's registry is not only its subject.
BYSTANDERS = [
    person(50, "Arben", "Krasniqi", father_name="Ismet", date_of_birth=date(1965, 11, 3)),
    person(51, "Drita", "Krasniqi", father_name="Agim", sex="female", household=150),
    person(52, "Ljiljana", "Jovanović", father_name="Milan", sex="female"),
    person(53, "Stefan", "Nikolić", father_name="Zoran", date_of_birth=date(1999, 7, 1)),
    person(54, "Fatima", "Berisha", father_name="Hasan", sex="female"),
]


def records(*rows: dict) -> pa.Table:
    rows = [*rows, *BYSTANDERS]
    return pa.table(
        {column: [row[column] for row in rows] for column in matching.INPUT_COLUMNS},
        schema=matching.INPUT_SCHEMA,
    )


def found(linkage: matching.Linkage) -> set[tuple[int, int]]:
    return {(pair.id_a, pair.id_b) for pair in linkage.pairs}


def evidence(linkage: matching.Linkage, a: int, b: int) -> dict[str, str]:
    pair = next(pair for pair in linkage.pairs if (pair.id_a, pair.id_b) == (a, b))
    return {item["field"]: item["level"] for item in pair.evidence}


def scored(*rows: dict) -> matching.Linkage:
    """Every pair blocking proposes, whatever its probability."""
    return matching.link(records(*rows), threshold=0.0)


def probability(linkage: matching.Linkage, a: int, b: int) -> float:
    pairs = {(pair.id_a, pair.id_b): pair.probability for pair in linkage.pairs}
    return pairs.get((a, b), 0.0)


def test_the_same_name_in_cyrillic_latin_and_ascii_is_one_person():
    linkage = matching.link(
        records(
            person(1, "Марко", "Петровић", father_name="Петар"),
            person(2, "Marko", "Petrović"),
            person(3, "MARKO", "PETROVIC", father_name="PETAR"),
        )
    )
    assert found(linkage) == {(1, 2), (1, 3), (2, 3)}
    assert evidence(linkage, 1, 3)["first_name"] == "same"
    assert evidence(linkage, 1, 3)["last_name"] == "same"
    assert evidence(linkage, 1, 3)["father_name"] == "same"


def test_albanian_names_in_serbian_spelling_are_one_person():
    born = date(1972, 9, 30)
    linkage = matching.link(
        records(
            person(1, "Besim", "Krasniqi", father_name="Xhafer", date_of_birth=born),
            person(2, "Бесим", "Красничи", father_name="Џафер", date_of_birth=born),
            person(3, "Besim", "Krasnići", father_name="Džafer", date_of_birth=born),
        )
    )
    assert found(linkage) == {(1, 2), (1, 3), (2, 3)}
    assert evidence(linkage, 1, 2)["last_name"] == "same"


def test_a_typo_in_a_name_still_matches():
    linkage = matching.link(
        records(person(1), person(2, "Makro"), person(3, last="Petrovć", household=8))
    )
    assert found(linkage) == {(1, 2), (1, 3), (2, 3)}
    assert evidence(linkage, 1, 2)["first_name"] == "one_typo"
    assert evidence(linkage, 1, 3)["last_name"] == "one_typo"


def test_day_and_month_swapped_is_its_own_level():
    linkage = matching.link(records(person(1), person(2, date_of_birth=date(1980, 3, 14))))
    swapped = matching.link(
        records(
            person(1, date_of_birth=date(1980, 3, 4)), person(2, date_of_birth=date(1980, 4, 3))
        )
    )
    assert evidence(linkage, 1, 2)["date_of_birth"] == "exact"
    assert found(swapped) == {(1, 2)}
    assert evidence(swapped, 1, 2)["date_of_birth"] == "swapped"


def test_the_year_off_by_one_is_its_own_level():
    linkage = matching.link(records(person(1), person(2, date_of_birth=date(1981, 3, 14))))
    assert found(linkage) == {(1, 2)}
    assert evidence(linkage, 1, 2)["date_of_birth"] == "year_off_by_one"


@pytest.mark.parametrize(
    "placeholder",
    [
        {"date_of_birth": date(1980, 1, 1)},
        {"date_of_birth": date(1980, 6, 30), "date_of_birth_estimated": True},
    ],
    ids=["1 January", "estimated"],
)
def test_a_placeholder_date_of_the_same_year_matches(placeholder):
    linkage = matching.link(records(person(1), person(2, **placeholder)))
    assert found(linkage) == {(1, 2)}
    assert evidence(linkage, 1, 2)["date_of_birth"] == "placeholder"


def test_a_missing_jmbg_is_neutral():
    linkage = matching.link(records(person(1, national_id=JMBG), person(2)))
    assert found(linkage) == {(1, 2)}
    jmbg = next(item for item in linkage.pairs[0].evidence if item["field"] == "national_id")
    assert jmbg == {"field": "national_id", "level": "missing", "bayes_factor": 1.0}
    assert matching.describe_evidence([jmbg])[0]["direction"] == "neutral"


def test_a_jmbg_typo_counts_for_and_an_equal_valid_jmbg_more():
    mistyped = JMBG[:5] + str((int(JMBG[5]) + 1) % 10) + JMBG[6:]
    linkage = scored(
        person(1, national_id=JMBG),
        person(2, "Marko", "Petrovic", national_id=JMBG),
        person(3, "Marko", "Petrovic", national_id=mistyped),
    )
    assert evidence(linkage, 1, 2)["national_id"] == "same_valid"
    assert evidence(linkage, 1, 3)["national_id"] == "one_typo"
    assert probability(linkage, 1, 3) >= matching.DEFAULT_THRESHOLD
    factors = {
        (pair.id_a, pair.id_b): next(
            item["bayes_factor"] for item in pair.evidence if item["field"] == "national_id"
        )
        for pair in linkage.pairs
    }
    assert factors[(1, 2)] > factors[(1, 3)] > 1


def test_two_valid_jmbgs_that_differ_are_two_people():
    other = make_jmbg(BORN, region_code=91, sex="male", serial=200)
    linkage = scored(person(1, national_id=JMBG), person(2, national_id=other))
    assert evidence(linkage, 1, 2)["national_id"] == "different_valid"
    assert probability(linkage, 1, 2) < matching.DEFAULT_THRESHOLD


def test_twins_are_two_people():
    # One household, one surname and father, one birthday, two first names.
    linkage = scored(person(1, "Marko", household=7), person(2, "Luka", household=7))
    assert evidence(linkage, 1, 2)["household"] == "same_household"
    assert probability(linkage, 1, 2) < matching.DEFAULT_THRESHOLD


def test_twins_with_similar_names_and_no_jmbg_are_two_people():
    linkage = scored(
        person(1, "Jovan", household=7), person(2, "Jovana", sex="female", household=7)
    )
    assert probability(linkage, 1, 2) < matching.DEFAULT_THRESHOLD


def test_siblings_are_two_people():
    linkage = scored(
        person(1, "Marko", household=7),
        person(2, "Milan", household=7, date_of_birth=date(1983, 8, 2)),
        person(3, "Mirko", household=7, date_of_birth=date(1981, 3, 14)),
    )
    assert all(pair.probability < matching.DEFAULT_THRESHOLD for pair in linkage.pairs)


@pytest.mark.parametrize("same_household", [True, False])
def test_a_father_and_son_of_the_same_name_are_two_people(same_household):
    # Born on the same day of the year, so that blocking proposes the pair to be scored.
    father = person(1, "Marko", father_name="Jovan", date_of_birth=date(1955, 3, 14), household=7)
    son = person(2, "Marko", father_name="Marko", household=7 if same_household else 8)
    linkage = scored(father, son)
    assert evidence(linkage, 1, 2)["father_name"] == "parent_child"
    assert probability(linkage, 1, 2) < matching.DEFAULT_THRESHOLD


def test_other_households_sharing_members_count_for():
    family = [
        person(1, household=7),
        person(2, "Ana", sex="female", father_name="Jovan", household=7),
        person(3, "Nikola", father_name="Marko", date_of_birth=date(2005, 1, 9), household=7),
        person(4, "Marko", "Petrovic", household=8, date_of_birth=date(1980, 3, 15)),
        person(5, "Ana", "Petrovic", sex="female", father_name="Jovan", household=8),
        person(6, "Nikola", "Petrovic", father_name="Marko", household=8),
    ]
    linkage = matching.link(records(*family))
    assert {(1, 4), (2, 5), (3, 6)} <= found(linkage)
    assert evidence(linkage, 1, 4)["household"] == "members_2"


def test_focus_keeps_only_pairs_touching_it():
    ana = {"sex": "female", "date_of_birth": date(1984, 4, 4)}
    rows = [person(1), person(2), person(3, "Ana", **ana), person(4, "Ana", **ana)]
    everything = matching.link(records(*rows))
    focused = matching.link(records(*rows), focus={3})
    assert found(everything) == {(1, 2), (3, 4)}
    assert found(focused) == {(3, 4)}
    assert matching.link(records(*rows), focus=set()).pairs == []


def test_progress_is_reported_stage_by_stage():
    calls = []
    linkage = matching.link(
        records(person(1), person(2)), progress=lambda *call: calls.append(call)
    )
    assert [done for done, _total, _stage in calls] == [0, 1, 2, 3, 4]
    assert {total for _done, total, _stage in calls} == {4}
    assert calls[0][2] == "Preparing the records"
    assert set(linkage.timings) == {"prepare", "train", "predict", "collect"}


def test_pairs_are_ordered_best_first_and_name_the_lower_id_first():
    linkage = scored(person(1), person(2, "Marko", "Petrovic"), person(3, "Makro"))
    probabilities = [pair.probability for pair in linkage.pairs]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(pair.id_a < pair.id_b for pair in linkage.pairs)
    assert linkage.people == 3 + len(BYSTANDERS)
    assert linkage.comparisons >= len(linkage.pairs)


def test_a_tiny_registry_keeps_the_starting_values():
    linkage = matching.link(records(person(1), person(2)))
    json.dumps(linkage.model, allow_nan=False)
    assert linkage.model["homeward"] == {
        "trained": False,
        "people": 2 + len(BYSTANDERS),
        "skipped": [],
    }
    first_name = next(
        comparison
        for comparison in linkage.model["comparisons"]
        if comparison["output_column_name"] == "first_name"
    )
    assert first_name["comparison_levels"][1]["m_probability"] == pytest.approx(0.95)


def test_a_registry_of_one_person_has_no_pairs():
    linkage = matching.link(records()[:1])
    assert (linkage.pairs, linkage.comparisons, linkage.people) == ([], 0, 1)


def test_evidence_is_described_in_the_active_language():
    assert all(isinstance(label, Promise) for label in matching.FIELD_LABELS.values())
    assert all(isinstance(label, Promise) for label in matching.LEVEL_LABELS.values())
    item = {"field": "date_of_birth", "level": "swapped", "bayes_factor": 300.0}
    against = {"field": "household", "level": "same_household", "bayes_factor": 0.0001}
    described = matching.describe_evidence([item, against])
    assert described[0] == item | {
        "field_label": "date of birth",
        "level_label": "day and month swapped",
        "direction": "for",
    }
    assert described[1]["direction"] == "against"
    with translation.override("sr"):
        serbian = matching.describe_evidence([item])[0]
    # "date of birth" is already translated for the registry's forms.
    assert serbian["field_label"] == "датум рођења"


@pytest.fixture(scope="module")
def labelled():
    return generator.generate(1200, seed=3)


def test_the_model_is_trained_on_enough_data_and_repeats_itself(labelled, monkeypatch):
    monkeypatch.setattr(matching, "U_PAIRS", 200_000)
    data = labelled.records.select(matching.INPUT_COLUMNS)
    first = matching.link(data)
    second = matching.link(data)
    assert first.model["homeward"]["trained"] is True
    # Stored as JSON with the run (PostgreSQL refuses NaN).
    json.dumps(first.model, allow_nan=False)
    assert first.model == second.model
    assert [(p.id_a, p.id_b, p.probability) for p in first.pairs] == [
        (p.id_a, p.id_b, p.probability) for p in second.pairs
    ]
    scores = generator.score(found(first), labelled)
    assert scores.f1 >= 0.9, scores


def test_training_skips_what_the_data_cannot_teach(labelled, monkeypatch):
    monkeypatch.setattr(matching, "U_PAIRS", 200_000)
    data = labelled.records.select(matching.INPUT_COLUMNS)
    no_jmbg = data.set_column(
        data.column_names.index("national_id"), "national_id", pa.array([""] * data.num_rows)
    )
    linkage = matching.link(no_jmbg)
    assert linkage.model["homeward"]["skipped"] == ["jmbg"]
    assert generator.score(found(linkage), labelled).f1 >= 0.9


def test_an_estimation_that_fails_halfway_leaves_the_model_as_it_was(labelled, monkeypatch):
    # On a registry with few duplicates (the demo's), expectation maximisation can drive a
    # level's m to zero; Splink then raises with the model half-updated.
    from splink.internals.linker_components.training import LinkerTraining

    monkeypatch.setattr(matching, "U_PAIRS", 200_000)
    estimate = LinkerTraining.estimate_parameters_using_expectation_maximisation

    def fails_on_names(self, rule, **options):
        if "first_key" in str(rule.get_blocking_rule("duckdb").blocking_rule_sql):
            comparison = self._linker._settings_obj.comparisons[0]
            comparison.comparison_levels[1].m_probability = 0.123
            raise ValueError("m_probability value 0.0 is below the minimum allowed value")
        return estimate(self, rule, **options)

    monkeypatch.setattr(
        LinkerTraining, "estimate_parameters_using_expectation_maximisation", fails_on_names
    )
    linkage = matching.link(labelled.records.select(matching.INPUT_COLUMNS))
    assert any("first_key" in step for step in linkage.model["homeward"]["skipped"])
    levels = linkage.model["comparisons"][0]["comparison_levels"]
    assert 0.123 not in [level.get("m_probability") for level in levels]
    assert generator.score(found(linkage), labelled).f1 >= 0.9


@pytest.mark.django_db
def test_registry_records_read_the_people_and_link_them(dedup_people):
    people = dedup_people
    table = matching.registry_records()
    assert table.column_names == matching.INPUT_COLUMNS
    assert table.num_rows == 9
    row = table.filter(pa.compute.equal(table["unique_id"], people.dragan_b.pk)).to_pylist()[0]
    assert row["first_name"] == "Драган"
    assert row["household"] == people.dragan_b.household_id
    linkage = matching.link(table)
    draganovi = sorted([people.dragan_a.pk, people.dragan_b.pk, people.dragan_import.pk])
    pairs = found(linkage)
    assert (draganovi[0], draganovi[1]) in pairs
    assert (draganovi[1], draganovi[2]) in pairs
    twins = tuple(sorted([people.marko.pk, people.luka.pk]))
    assert twins not in pairs
    only = matching.registry_records([people.arben.pk, people.drita.pk])
    assert sorted(only["unique_id"].to_pylist()) == sorted([people.arben.pk, people.drita.pk])


def test_the_model_translates_to_spark():
    linkage = matching.link(records(person(1), person(2)))
    spark = matching.model_json(linkage, dialect="spark")
    conditions = [
        level["sql_condition"]
        for comparison in spark["comparisons"]
        for level in comparison["comparison_levels"]
        if level["sql_condition"] != "ELSE"
    ]
    text = " ".join(conditions)
    assert "jaro_winkler(" in text
    assert "jaro_winkler_similarity" not in text
    for rule in spark["blocking_rules_to_generate_predictions"]:
        sqlglot.parse_one(rule["blocking_rule"], read="spark")
    # The SQL Splink itself sends to Spark to score pairs, built without pyspark.
    settings = SettingsCreator.from_path_or_dict(spark).get_settings("spark")
    scoring = [
        compute_comparison_vector_values_sql(
            settings._columns_to_select_for_comparison_vector_values
        ),
        *(step["sql"] for step in predict_from_comparison_vectors_sqls_using_settings(settings)),
    ]
    for sql in scoring:
        sqlglot.parse_one(sql, read="spark")
    assert "ARRAY_CONTAINS(household_names_r, first_key_l)" in scoring[0]
    trained = {
        comparison["output_column_name"]: comparison for comparison in linkage.model["comparisons"]
    }
    for comparison in spark["comparisons"]:
        for level, original in zip(
            comparison["comparison_levels"],
            trained[comparison["output_column_name"]]["comparison_levels"],
            strict=True,
        ):
            assert level.get("m_probability") == original.get("m_probability")
    assert spark["probability_two_random_records_match"] == pytest.approx(
        linkage.model["probability_two_random_records_match"]
    )
