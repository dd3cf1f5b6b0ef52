"""Answers of assessments as facts of the selection: ``assessment.<template>.<question>`` is
read from each household's latest assessment with that template, typed as its question."""

from datetime import date

import pytest

from homeward.casework.assessments.models import AssessmentTemplate
from homeward.casework.assessments.services import assessment_record
from homeward.casework.selection.facts import FactType, fact_for, household_facts
from homeward.casework.selection.services import selection_criteria_create, selection_run
from homeward.core.actors import Actor
from homeward.core.errors import ValidationError

pytestmark = pytest.mark.django_db

NEEDS = "needs-vulnerability"
NO_INCOME = f"assessment.{NEEDS}.no_income"
MEALS = f"assessment.{NEEDS}.meals_per_day"
PRIORITIES = f"assessment.{NEEDS}.priority_needs"


def answers(**given) -> dict:
    """A complete needs assessment of a family without income, changed by ``given``."""
    return {
        "no_income": True,
        "employed_members": 0,
        "housing_condition": "major_repair",
        "tenure": "collective_centre",
        "utilities_missing": ["nothing_missing"],
        "documents_missing": False,
        "chronic_illness_members": 0,
        "disability_members": 0,
        "health_needs_unmet": False,
        "has_debts": False,
        "meals_per_day": "two",
        "days_without_enough_food": 0,
        "school_age_children": 0,
        "priority_needs": ["housing_repair"],
    } | given


@pytest.fixture
def assess(case_worker_a):
    template = AssessmentTemplate.objects.get(code=NEEDS, is_active=True)

    def record(household, on, **given):
        return assessment_record(
            actor=Actor(user=case_worker_a),
            template=template,
            household=household,
            answers=answers(**given),
            assessed_on=on,
        )

    return record


def test_the_latest_assessment_is_read(family, assess, django_assert_max_num_queries):
    assessed = family()
    reassessed = family()
    never = family()
    assess(assessed, date(2025, 3, 1), no_income=True)
    assess(reassessed, date(2025, 3, 1), no_income=True)
    assess(
        reassessed,
        date(2025, 9, 1),
        no_income=False,
        income_sources=["pension"],
        meals_per_day="three_or_more",
    )
    ids = [assessed.pk, reassessed.pk, never.pk]
    # Two queries for the registry, one per template for the answers.
    with django_assert_max_num_queries(3):
        facts = household_facts(ids, [NO_INCOME, MEALS], on=date(2026, 1, 1))
    assert facts[assessed.pk][NO_INCOME] is True
    assert facts[reassessed.pk][NO_INCOME] is False
    assert facts[reassessed.pk][MEALS] == "three_or_more"
    assert facts[never.pk][NO_INCOME] is None


def test_a_question_is_a_fact_of_its_type():
    assert fact_for(NO_INCOME).type == FactType.BOOLEAN
    meals = fact_for(MEALS)
    assert meals.type == FactType.CHOICE
    assert "one_or_less" in dict(meals.choices)
    assert fact_for(f"assessment.{NEEDS}.days_without_enough_food").type == FactType.NUMBER
    assert "without any regular income" in str(fact_for(NO_INCOME).label)
    assert fact_for(f"assessment.{NEEDS}.no_such_question") is None


@pytest.mark.parametrize(
    ("rule", "field", "message"),
    [
        ({"fact": NO_INCOME, "operator": ">=", "value": 1}, "criteria.0.operator", "does not suit"),
        ({"fact": MEALS, "operator": "=", "value": "four"}, "criteria.0.value", "Choose one of"),
        (
            {"fact": f"assessment.{NEEDS}.wealth", "operator": "is true"},
            "criteria.0.fact",
            "no fact",
        ),
        (
            {"fact": "assessment.no-template.no_income", "operator": "is true"},
            "criteria.0.fact",
            "no assessment template",
        ),
    ],
)
def test_bad_assessment_rules_are_refused(system, project_a, rule, field, message):
    with pytest.raises(ValidationError) as refused:
        selection_criteria_create(
            actor=system,
            project=project_a,
            conditions=[],
            criteria=[rule | {"points": 1}],
            replaces=None,
        )
    assert message in refused.value.message_dict[field][0]


def test_answers_score_and_are_explained(system, project_a, family, assess):
    poor = family()
    better = family()
    unassessed = family()
    assess(poor, date(2025, 4, 1), meals_per_day="one_or_less", days_without_enough_food=6)
    assess(
        better,
        date(2025, 4, 1),
        no_income=False,
        income_sources=["pension"],
        priority_needs=["food", "furniture"],
    )
    selection_criteria_create(
        actor=system,
        project=project_a,
        conditions=[{"fact": NO_INCOME, "operator": "is true"}],
        criteria=[
            {"fact": NO_INCOME, "operator": "is true", "points": 10},
            {"fact": MEALS, "operator": "=", "value": "one_or_less", "points": 4},
            {"fact": PRIORITIES, "operator": "=", "value": "housing_repair", "points": 2},
            {
                "fact": f"assessment.{NEEDS}.days_without_enough_food",
                "points": 1,
                "per_unit": True,
                "max_points": 5,
            },
        ],
        replaces=None,
    )
    run = selection_run(actor=system, project=project_a)
    rows = {row.household_id: row for row in run.candidates.all()}
    assert rows[poor.pk].score == 21
    assert rows[poor.pk].rank == 1
    assert [line["earned"] for line in rows[poor.pk].criteria] == ["10", "4", "2", "5"]
    # Income, so not eligible; and the unassessed family has no answer at all.
    assert rows[better.pk].eligible is False
    assert rows[better.pk].criteria[2]["earned"] == "0"
    assert rows[unassessed.pk].eligible is False
    assert rows[unassessed.pk].conditions[0]["actual"] is None


def test_the_editor_offers_the_questions_of_the_templates_in_use(manager_a, client_for, project_a):
    page = client_for(manager_a).get("/projects/project-a/selection/criteria/new/")
    assert f'value="{NO_INCOME}"' in page.content.decode()
    # Free text cannot be compared: it is not offered.
    assert f'value="assessment.{NEEDS}.observations"' not in page.content.decode()


def test_explaining_a_ranking_reads_each_template_once(
    system, project_a, family, assess, django_assert_max_num_queries
):
    from homeward.casework.selection.selectors import explain, ranked_rows

    for _index in range(4):
        assess(family(), date(2025, 4, 1))
    selection_criteria_create(
        actor=system,
        project=project_a,
        conditions=[{"fact": NO_INCOME, "operator": "is true"}],
        criteria=[
            {"fact": NO_INCOME, "operator": "is true", "points": 10},
            {"fact": MEALS, "operator": "=", "value": "one_or_less", "points": 4},
        ],
        replaces=None,
    )
    rows = ranked_rows(selection_run(actor=system, project=project_a))
    # One look-up per distinct question, whatever the number of rows.
    with django_assert_max_num_queries(2):
        explain(rows)
    assert rows[0].criterion_lines[0].actual == "yes"
