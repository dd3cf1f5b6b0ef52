"""Template definitions as data: what a well-formed one is, how answers are checked against it,
and what the shipped templates score."""

import copy

import pytest
from django.core.exceptions import ValidationError

from homeward.casework.assessments.definition import (
    LANGUAGES,
    clean_answers,
    compute_scores,
    questions_of,
    validate_definition,
    validate_for_kind,
)
from homeward.casework.assessments.loading import DATA, SHIPPED, read_template
from homeward.casework.assessments.tests.answers import durable_solutions_answers, needs_answers
from homeward.core.names import to_latin


def labels(text: str) -> dict:
    return {"en": text, "sr": "Питање", "sr_latn": "Pitanje", "sq": "Pyetje"}


def minimal(**question) -> dict:
    base = {"code": "q1", "type": "yes_no", "label": labels("Q?")}
    base.update(question)
    return {"sections": [{"code": "s", "title": labels("S"), "questions": [base]}]}


def messages_of(definition) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_definition(definition)
    return " | ".join(refused.value.messages)


# --- bad definitions are refused ----------------------------------------------------------


def test_a_minimal_definition_is_accepted():
    validate_definition(minimal())


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ([], "must be an object"),
        ({"sections": []}, "at least one section"),
        ({"sections": [{"code": "s", "title": labels("S"), "questions": []}]}, "one question"),
        (minimal(type="slider"), "the type must be one of"),
        (minimal(code="Bad Code"), "lower-case letters"),
        (minimal(code="version"), "reserved"),
        (minimal(label={"en": "Only English"}), "missing in sr, sr_latn, sq"),
        (minimal(type="single_choice"), "needs a list of choices"),
        (minimal(type="number", min=5, max=1), "“min” is greater than “max”"),
        (minimal(scores={"yes": "ten", "no": 0}), "“scores” of a yes/no question"),
        (minimal(criterion=9, scores={"yes": 1, "no": 0}), "from 1 to 8"),
        (minimal(criterion=2), "needs scores"),
        (minimal(show_if={"question": "q1", "equals": True}), "not a question asked earlier"),
        (minimal(colour="red"), "unknown keys colour"),
        (minimal(required="yes"), "“required” is true or false"),
    ],
)
def test_a_malformed_definition_is_refused_saying_where(definition, expected):
    assert expected in messages_of(definition)


def test_duplicate_codes_and_choices_are_refused():
    definition = minimal(
        type="single_choice",
        choices=[
            {"value": "a", "label": labels("A")},
            {"value": "a", "label": labels("A again")},
        ],
    )
    definition["sections"][0]["questions"].append(
        {"code": "q1", "type": "text", "label": labels("Again")}
    )
    found = messages_of(definition)
    assert "the value “a” is used twice" in found
    assert "the code is used twice" in found


def test_a_condition_must_name_a_choice_the_earlier_question_has():
    definition = minimal(
        type="single_choice",
        choices=[{"value": "a", "label": labels("A")}],
    )
    definition["sections"][0]["questions"].append(
        {
            "code": "q2",
            "type": "text",
            "label": labels("Why?"),
            "show_if": {"question": "q1", "equals": "zzz"},
        }
    )
    assert "“zzz” is not a choice of “q1”" in messages_of(definition)


def test_durable_solutions_templates_must_score_all_eight_criteria():
    definition = minimal(criterion=1, scores={"yes": 1, "no": 0})
    with pytest.raises(ValidationError, match="criteria 2, 3, 4, 5, 6, 7, 8"):
        validate_for_kind(definition, "durable_solutions")
    with pytest.raises(ValidationError, match="Only a durable solutions template"):
        validate_for_kind(definition, "needs_vulnerability")


# --- the shipped templates ----------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_templates_are_valid_and_speak_four_languages(name):
    body = read_template(DATA / name)
    texts = [body["title"]]
    for section in body["definition"]["sections"]:
        texts.append(section["title"])
        for question in section["questions"]:
            texts.append(question["label"])
            texts += [choice["label"] for choice in question.get("choices") or []]
    texts += list((body["definition"].get("criteria") or {}).values())
    for text in texts:
        assert set(text) == set(LANGUAGES)
        # Serbian Latin is the Cyrillic transliterated, letter for letter.
        assert text["sr_latn"] == to_latin(text["sr"]), text
        assert any("\u0400" <= letter <= "\u04ff" for letter in text["sr"]), text
        assert text["sq"] != text["en"] or text["en"] in ("Transport",), text


def test_the_durable_solutions_template_asks_several_questions_per_criterion():
    body = read_template(DATA / "durable-solutions.json")
    per_criterion = {}
    for question in questions_of(body["definition"]):
        if "criterion" in question:
            per_criterion[question["criterion"]] = per_criterion.get(question["criterion"], 0) + 1
    assert sorted(per_criterion) == list(range(1, 9))
    assert min(per_criterion.values()) >= 3


# --- answers ------------------------------------------------------------------------------


@pytest.fixture
def needs():
    return read_template(DATA / "needs-vulnerability.json")["definition"]


@pytest.fixture
def durable():
    return read_template(DATA / "durable-solutions.json")["definition"]


def refused(definition, answers) -> dict:
    with pytest.raises(ValidationError) as error:
        clean_answers(definition, answers)
    return {code: messages[0] for code, messages in error.value.message_dict.items()}


def test_wrong_types_are_refused_keyed_by_question(needs):
    errors = refused(
        needs,
        needs_answers(
            no_income="perhaps",
            employed_members="many",
            housing_condition=["adequate"],
            school_age_children=2.5,
        ),
    )
    assert errors == {
        "no_income": "Answer yes or no.",
        "employed_members": "Give a number.",
        "housing_condition": "Choose one answer from the list.",
        "school_age_children": "Give a whole number.",
    }


def test_unknown_choices_and_questions_are_refused(needs):
    errors = refused(
        needs, needs_answers(tenure="palace", utilities_missing=["wifi"], favourite_colour="red")
    )
    assert errors["tenure"] == "“palace” is not one of the answers."
    assert errors["utilities_missing"] == "“wifi” is not one of the answers."
    assert errors["favourite_colour"] == "This template has no such question."


def test_numbers_out_of_range_are_refused(needs):
    errors = refused(needs, needs_answers(days_without_enough_food=31, employed_members=-1))
    assert errors == {
        "days_without_enough_food": "The number cannot be more than 30.",
        "employed_members": "The number cannot be less than 0.",
    }


def test_an_exclusive_choice_cannot_be_combined(needs):
    errors = refused(needs, needs_answers(utilities_missing=["heating", "nothing_missing"]))
    assert errors == {
        "utilities_missing": "“Nothing is missing” cannot be combined with other answers."
    }


def test_a_missing_required_answer_is_refused(needs):
    answers = needs_answers()
    del answers["housing_condition"]
    answers["tenure"] = ""
    assert refused(needs, answers) == {
        "housing_condition": "This question needs an answer.",
        "tenure": "This question needs an answer.",
    }


def test_a_hidden_question_is_not_required_and_its_answer_not_kept(needs):
    # With no income, the sources of income are not asked, though required when asked.
    cleaned = clean_answers(needs, needs_answers(income_sources=["pension"]))
    assert "income_sources" not in cleaned
    # With an income, they are asked and required.
    answers = needs_answers(no_income=False)
    assert refused(needs, answers) == {"income_sources": "This question needs an answer."}
    cleaned = clean_answers(needs, needs_answers(no_income=False, income_sources=["pension"]))
    assert cleaned["income_sources"] == ["pension"]


def test_answers_are_normalised(needs):
    cleaned = clean_answers(
        needs,
        needs_answers(
            no_income="no",
            income_sources="pension",
            monthly_income_rsd="35000",
            utilities_missing=["running_water", "electricity"],
            health_needs_unmet="yes",
            health_needs_description="  Insulin  ",
        ),
    )
    assert cleaned["no_income"] is False
    assert cleaned["income_sources"] == ["pension"]
    assert cleaned["monthly_income_rsd"] == 35000
    # In the template's order, whatever order they came in.
    assert cleaned["utilities_missing"] == ["electricity", "running_water"]
    assert cleaned["health_needs_unmet"] is True
    assert cleaned["health_needs_description"] == "Insulin"


# --- scores -------------------------------------------------------------------------------


def test_the_needs_assessment_adds_up_its_points(needs):
    scores = compute_scores(
        needs, clean_answers(needs, needs_answers()), kind="needs_vulnerability"
    )
    assert scores["sections"] == {
        "income": 21,  # no income 10, nobody employed 5, two seeking work 4, not at NES 2
        "housing": 15,  # major repair 6, collective centre 6, no heating 3
        "documents": 10,  # missing 8, legal aid 2
        "health": 7,  # one chronically ill 4, psychosocial support 3
        "debts": 10,  # debts 3, 120,000 RSD 3, utilities 1 and a private lender 3
        "food": 12,  # two meals 3, eight days short 6, smaller meals 2 and aid 1
        "children": 6,  # one child out of school
        "priorities": 0,
    }
    assert scores["total"] == 81
    assert scores["criteria"] == {}


def test_a_household_in_no_need_scores_nothing(needs):
    answers = {
        "no_income": False,
        "income_sources": ["formal_employment"],
        "monthly_income_rsd": 95000,
        "employed_members": 2,
        "housing_condition": "adequate",
        "tenure": "owned",
        "utilities_missing": ["nothing_missing"],
        "documents_missing": False,
        "chronic_illness_members": 0,
        "disability_members": 0,
        "health_needs_unmet": False,
        "has_debts": False,
        "meals_per_day": "three_or_more",
        "days_without_enough_food": 0,
        "school_age_children": 0,
        "priority_needs": ["vocational_training"],
    }
    scores = compute_scores(needs, clean_answers(needs, answers), kind="needs_vulnerability")
    assert scores["total"] == 0


def test_the_durable_solutions_assessment_scores_each_criterion(durable):
    scores = compute_scores(
        durable, clean_answers(durable, durable_solutions_answers()), kind="durable_solutions"
    )
    assert scores["criteria"] == {
        "1": 75,  # 6 of 8
        "2": 60,  # 6 of 10
        "3": 38,  # 3 of 8 (37.5 rounded up)
        "4": 50,  # 3 of 6
        "5": 63,  # 5 of 8
        "6": 100,  # nobody separated or missing; the follow-up questions are not asked
        "7": 63,  # 5 of 8
        "8": 33,  # 2 of 6; no violation, so none to remedy
    }
    assert scores["total"] == 60  # the mean, 60.25


def test_a_criterion_nobody_answered_is_not_scored(durable):
    definition = copy.deepcopy(durable)
    for question in questions_of(definition):
        if question.get("criterion") == 6:
            question["required"] = False
    answers = {
        code: value
        for code, value in durable_solutions_answers().items()
        if code not in ("family_separated", "missing_relative")
    }
    scores = compute_scores(
        definition, clean_answers(definition, answers), kind="durable_solutions"
    )
    assert scores["criteria"]["6"] is None
    assert scores["total"] == 55  # the mean of the seven scored: 382 / 7 = 54.6
