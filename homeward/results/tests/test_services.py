"""Building a results framework through the services: permissions, validation, audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from homeward.core.actors import Actor
from homeward.core.errors import ConflictError
from homeward.core.models import AuditEvent
from homeward.results.models import Indicator, Result
from homeward.results.rules import describe_rule, validate_rule
from homeward.results.services import (
    indicator_create,
    indicator_update,
    manual_value_record,
    result_create,
    result_delete,
    result_update,
    target_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(system, project_a):
    return result_create(
        actor=system, project=project_a, level="objective", code="SO", statement="Return"
    )


@pytest.fixture
def outcome(system, project_a, objective):
    return result_create(
        actor=system,
        project=project_a,
        level="outcome",
        code="R1",
        statement="Livelihoods",
        parent=objective,
    )


def make_indicator(actor, project, result, **fields):
    fields = {"code": "1.a", "name": "Families with grants", "unit": "households"} | fields
    return indicator_create(actor=actor, project=project, result=result, **fields)


def test_a_manager_builds_the_framework_and_it_is_audited(manager_a, project_a):
    manager = Actor(user=manager_a)
    objective = result_create(
        actor=manager, project=project_a, level="objective", code="SO", statement="Return"
    )
    outcome = result_create(
        actor=manager,
        project=project_a,
        level="outcome",
        code="R1",
        statement="Livelihoods",
        parent=objective,
    )
    indicator = make_indicator(
        manager,
        project_a,
        outcome,
        rule={"kind": "assistance_delivered", "grants_only": True},
        disaggregations=["municipality"],
    )
    target_set(
        actor=manager,
        indicator=indicator,
        label="Year 1",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        value=10,
    )
    # Setting the same period again changes it.
    target_set(
        actor=manager,
        indicator=indicator,
        label="Year 1",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        value=12,
    )
    assert [t.value for t in indicator.targets.all()] == [12]
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-5:] == [
        "result.create",
        "result.create",
        "indicator.create",
        "indicator.target_set",
        "indicator.target_set",
    ]
    assert indicator.age_bands == [[0, 4], [5, 11], [12, 17], [18, 59], [60, None]]


@pytest.mark.parametrize("role_user", ["case_worker_a", "donor_viewer", "manager_b", "dpo_a"])
def test_only_who_manages_the_project_changes_its_framework(request, role_user, project_a):
    actor = Actor(user=request.getfixturevalue(role_user))
    with pytest.raises(Http404):
        result_create(
            actor=actor, project=project_a, level="objective", code="SO", statement="Return"
        )
    assert not Result.objects.exists()


def test_the_tree_is_checked(system, project_a, project_b, objective, outcome):
    with pytest.raises(ValidationError) as error:
        result_create(actor=system, project=project_a, level="output", code="1.1", statement="x")
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        result_create(
            actor=system,
            project=project_a,
            level="output",
            code="1.1",
            statement="x",
            parent=objective,
        )
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        result_create(
            actor=system,
            project=project_a,
            level="outcome",
            code="R1",
            statement="again",
            parent=objective,
        )
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        result_create(
            actor=system,
            project=project_b,
            level="outcome",
            code="R9",
            statement="x",
            parent=objective,
        )
    assert "parent" in error.value.message_dict


def test_a_result_with_something_under_it_is_not_deleted(system, project_a, objective, outcome):
    with pytest.raises(ValidationError):
        result_delete(actor=system, result=objective)
    result_delete(actor=system, result=outcome)
    assert list(Result.objects.values_list("code", flat=True)) == ["SO"]
    result_update(actor=system, result=objective, statement="Sustainable return")
    objective.refresh_from_db()
    assert objective.statement == "Sustainable return"


@pytest.mark.parametrize(
    ("rule", "unit", "message"),
    [
        ("not a rule", "people", "JSON object"),
        ({"kind": "magic"}, "people", "Unknown rule kind"),
        ({"kind": "assistance_delivered", "colour": "red"}, "households", "colour"),
        ({"kind": "assistance_delivered", "count": "cows"}, "households", "count"),
        ({"kind": "assistance_delivered", "assistance_types": ["gold"]}, "households", "gold"),
        ({"kind": "assistance_delivered", "grants_only": "yes"}, "households", "grants_only"),
        ({"kind": "activity_completed", "activity_kinds": "business_training"}, "people", "list"),
        ({"kind": "grants_operating", "months": 0}, "percentage", "months"),
        ({"kind": "durable_solutions_improved", "criterion": 9}, "households", "criterion"),
        ({"kind": "share_women", "among": {"kind": "events_held"}}, "percentage", "among"),
        (
            {"kind": "share_women", "among": {"kind": "assistance_delivered"}},
            "percentage",
            "count people",
        ),
        ({"kind": "assistance_delivered", "count": "people"}, "households", "unit"),
        ({"kind": "events_held"}, "percentage", "unit"),
    ],
)
def test_a_bad_rule_is_refused_naming_what_is_wrong(
    system, project_a, outcome, rule, unit, message
):
    with pytest.raises(ValidationError) as error:
        make_indicator(system, project_a, outcome, rule=rule, unit=unit)
    assert message in " ".join(error.value.message_dict["rule"])
    assert not Indicator.objects.exists()


def test_every_valid_rule_is_said_in_words(db):
    rules = [
        {"kind": "assistance_delivered", "count": "members", "assistance_types": ["aid-kit"]},
        {
            "kind": "activity_completed",
            "activity_kinds": ["training_of_officials"],
            "other_categories": ["officials"],
        },
        {"kind": "activity_attended"},
        {"kind": "other_participants", "categories": ["officials"]},
        {"kind": "events_held", "count": "activities"},
        {"kind": "enrolled", "count": "households"},
        {"kind": "referrals_completed", "receiver_categories": ["legal_aid"]},
        {"kind": "contacts", "channels": ["phone"]},
        {"kind": "share_women"},
        {"kind": "grants_operating", "months": 12},
        {"kind": "durable_solutions_improved", "criterion": 3},
    ]
    for rule in rules:
        validate_rule(rule)
        assert describe_rule(rule)
    assert "Aid kit" in describe_rule(rules[0])


def test_other_indicator_fields_are_checked(system, project_a, outcome):
    with pytest.raises(ValidationError) as error:
        make_indicator(system, project_a, outcome, unit="cows", disaggregations=["colour"], name="")
    assert {"unit", "name"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        make_indicator(system, project_a, outcome, disaggregations=["colour"])
    assert "disaggregations" in error.value.message_dict
    make_indicator(system, project_a, outcome)
    with pytest.raises(ValidationError) as error:
        make_indicator(system, project_a, outcome)
    assert "code" in error.value.message_dict


def test_an_update_checks_the_version(system, project_a, outcome):
    indicator = make_indicator(system, project_a, outcome)
    indicator_update(actor=system, indicator=indicator, expected_version=1, name="Families")
    with pytest.raises(ConflictError):
        indicator_update(actor=system, indicator=indicator, expected_version=1, name="Other")
    indicator.refresh_from_db()
    assert (indicator.name, indicator.version) == ("Families", 2)


def test_a_manual_value_only_without_a_rule_and_with_its_source(system, project_a, outcome):
    ruled = make_indicator(
        system, project_a, outcome, rule={"kind": "assistance_delivered"}, code="1.a"
    )
    with pytest.raises(ValidationError) as error:
        manual_value_record(
            actor=system, indicator=ruled, as_of=datetime.date(2025, 6, 1), value=3, source="x"
        )
    assert "value" in error.value.message_dict
    manual = make_indicator(system, project_a, outcome, code="1.b", unit="percentage")
    with pytest.raises(ValidationError) as error:
        manual_value_record(actor=system, indicator=manual, as_of=None, value=130, source="  ")
    assert set(error.value.message_dict) == {"as_of", "value", "source"}
    manual_value_record(
        actor=system, indicator=manual, as_of=datetime.date(2025, 6, 1), value=45, source="Survey"
    )
    # Once values are recorded by hand, a rule would silently replace them.
    with pytest.raises(ValidationError) as error:
        indicator_update(
            actor=system,
            indicator=manual,
            expected_version=None,
            rule={"kind": "share_women"},
        )
    assert "rule" in error.value.message_dict


def test_a_target_is_checked(system, project_a, outcome):
    indicator = make_indicator(system, project_a, outcome)
    with pytest.raises(ValidationError) as error:
        target_set(
            actor=system,
            indicator=indicator,
            label="",
            start=datetime.date(2025, 12, 31),
            end=datetime.date(2025, 1, 1),
            value=-1,
        )
    assert set(error.value.message_dict) == {"label", "end", "value"}
