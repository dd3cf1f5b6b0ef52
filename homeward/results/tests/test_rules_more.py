"""Complementary suppression, other participants counted once per activity, and the rules
for shares of displacement statuses, information reach, ages, organisations and
municipalities: on the hand-built world of ``conftest.World``."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from homeward.casework.activities.services import (
    material_create,
    session_attendance_record,
    session_create,
    session_transition,
)
from homeward.core.actors import Actor
from homeward.results.figures import Cell
from homeward.results.rules import describe_rule, validate_rule
from homeward.results.selectors import _complementary, project_figures
from homeward.results.tests.conftest import AS_OF
from homeward.results.tests.test_figures import cells, figures_of

pytestmark = pytest.mark.django_db


def breakdown(values: dict, small=5):
    """Cells as ``_value`` makes them for a donor: 1 to 4 suppressed."""
    return [
        Cell(
            key=key,
            label=key,
            value=None if 0 < value < small else Decimal(value),
            suppressed=0 < value < small,
        )
        for key, value in values.items()
    ]


def hidden(result) -> set:
    return {cell.key for cell in result if cell.suppressed}


# --- complementary suppression --------------------------------------------------------------


def test_one_small_cell_of_a_shown_total_takes_the_smallest_other_with_it():
    made = breakdown({"F": 9, "M": 3})
    assert hidden(_complementary(made, [9, 3], 12, "people", True)) == {"F", "M"}
    made = breakdown({"0-4": 2, "5-11": 7, "18-59": 30, "60+": 0})
    result = _complementary(made, [2, 7, 30, 0], 39, "people", True)
    assert hidden(result) == {"0-4", "5-11"}
    assert [cell.key for cell in result if cell.complementary] == ["5-11"]
    assert all(cell.value is None for cell in result if cell.suppressed)


def test_two_small_cells_cannot_be_told_apart():
    made = breakdown({"a": 2, "b": 3, "c": 20})
    assert hidden(_complementary(made, [2, 3, 20], 25, "people", True)) == {"a", "b"}


def test_people_a_breakdown_leaves_out_count_as_a_cell_the_reader_cannot_see():
    # 12 people: 9 shown, 1 suppressed and 2 left out (say of no status): 3 unseen in two
    # groups, neither of which the reader can tell.
    made = breakdown({"idp": 9, "returnee": 1})
    assert hidden(_complementary(made, [9, 1], 12, "people", True)) == {"returnee"}
    # Only the 2 left out are unseen: the smallest cell shown goes with them.
    made = breakdown({"idp": 9, "returnee": 6})
    assert hidden(_complementary(made, [9, 6], 17, "people", True)) == {"returnee"}
    # Many left out is no small group.
    assert hidden(_complementary(made, [9, 6], 30, "people", True)) == set()


def test_a_cell_of_nobody_only_when_no_other_is_left():
    made = breakdown({"yes": 3, "no": 0})
    assert hidden(_complementary(made, [3, 0], 3, "people", True)) == {"yes", "no"}


def test_a_suppressed_total_or_a_percentage_is_left_alone():
    made = breakdown({"F": 3, "M": 1})
    assert hidden(_complementary(made, [3, 1], 4, "people", False)) == {"F", "M"}
    assert hidden(_complementary(breakdown({"F": 9}), [(9, 12)], (9, 12), "percentage", True)) == (
        set()
    )


def test_a_donor_cannot_subtract_a_suppressed_cell(world, framework, donor_viewer):
    donor = Actor(user=donor_viewer)
    # Officials: Town hall 2 women and 1 man; add 7 women in another category of the session.
    session = world.activity.sessions.get()
    session_attendance_record(
        actor=Actor(user=None, via="cli"),
        session=session,
        people=[],
        others=[
            {"category": "officials", "organisation_name": "Town hall", "women": 2, "men": 1},
            {"category": "community", "organisation_name": "", "women": 7, "men": 0},
        ],
    )
    indicator = framework({"kind": "other_participants"}, "people", disaggregations=["sex"])
    figure = figures_of(indicator, donor)
    assert figure.actual == 10
    assert cells(figure, "sex") == {"F": None, "M": None}  # 9 women hidden with the 1 man
    assert cells(figures_of(indicator, Actor(user=None, via="cli")), "sex") == {"F": 9, "M": 1}


def test_events_and_organisations_are_never_suppressed(world, framework, donor_viewer):
    donor = Actor(user=donor_viewer)
    events = framework({"kind": "events_held"}, "events", disaggregations=["municipality"])
    bodies = framework({"kind": "organisations_participating"}, "organisations")
    households = framework({"kind": "assistance_delivered"}, "households")
    figures = project_figures(actor=donor, project=events.project, as_of=AS_OF)
    assert (figures.indicator(events.pk).actual, figures.indicator(events.pk).suppressed) == (
        1,
        False,
    )
    assert not any(
        cell.suppressed for b in figures.indicator(events.pk).breakdowns for cell in b.cells
    )
    assert figures.indicator(bodies.pk).actual == 1
    assert figures.indicator(households.pk).suppressed  # 2 households are


# --- other participants, once per activity ---------------------------------------------------


def second_session(world, others, on=datetime.date(2025, 3, 1)):
    operator = Actor(user=None, via="cli")
    session = session_create(actor=operator, activity=world.activity, date=on)
    session_transition(actor=operator, session=session, status="held", expected_version=None)
    session_attendance_record(actor=operator, session=session, people=[], others=others)


def test_the_people_counted_at_an_activity_count_once(world, framework, system):
    # Town hall sent 2 women and 1 man on 1 February, 1 woman and 2 men on 1 March: at most
    # 2 women and 2 men; the Chamber's 1 woman came once.
    second_session(
        world,
        [
            {"category": "officials", "organisation_name": "Town hall", "women": 1, "men": 2},
            {"category": "officials", "organisation_name": "Chamber", "women": 1, "men": 0},
        ],
    )
    others = framework(
        {"kind": "other_participants", "categories": ["officials"]},
        "people",
        disaggregations=["sex"],
    )
    figure = figures_of(others, system)
    assert figure.actual == 5
    assert cells(figure, "sex") == {"F": 3, "M": 2}
    assert figures_of(others, system, as_of=datetime.date(2025, 2, 28)).actual == 3
    completed = framework(
        {"kind": "activity_completed", "other_categories": ["officials"]}, "people"
    )
    assert figures_of(completed, system).actual == 1 + 5
    assert (
        figures_of(
            framework({"kind": "organisations_participating"}, "organisations"), system
        ).actual
        == 2
    )


# --- the new rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "unit", "expected"),
    [
        # Beneficiaries: Dragan and Milica (idp), Ana (returnee).
        ({"kind": "share_displacement_status", "statuses": ["idp"]}, "percentage", Decimal("66.7")),
        (
            {
                "kind": "share_displacement_status",
                "statuses": ["returnee", "refugee"],
                "among": {"kind": "assistance_delivered", "count": "members"},
            },
            "percentage",
            Decimal("60.0"),
        ),
        # Marko is 4, Vesna 75 on 30 June 2026.
        ({"kind": "assistance_delivered", "count": "members", "age_to": 17}, "people", 1),
        ({"kind": "assistance_delivered", "count": "members", "age_from": 60}, "people", 1),
        (
            {"kind": "assistance_delivered", "count": "members", "age_from": 18, "age_to": 59},
            "people",
            3,
        ),
        ({"kind": "assistance_delivered", "count": "people", "age_from": 30}, "people", 1),
        ({"kind": "enrolled", "age_to": 25}, "people", 1),
        ({"kind": "activity_attended", "age_from": 50}, "people", 1),
        ({"kind": "municipalities_reached"}, "organisations", 2),
        ({"kind": "municipalities_reached", "grants_only": True}, "organisations", 1),
        ({"kind": "organisations_participating"}, "organisations", 1),
        ({"kind": "organisations_participating", "categories": ["business"]}, "organisations", 0),
    ],
)
def test_new_rules_count_what_was_recorded(world, framework, system, rule, unit, expected):
    indicator = framework(rule, unit)
    assert figures_of(indicator, system).actual == expected
    assert describe_rule(rule)


def test_a_share_of_statuses_and_of_women_and_the_count_share_one_query(
    world, framework, system, django_assert_max_num_queries
):
    among = {"kind": "assistance_delivered", "count": "members"}
    people = framework(among, "people", disaggregations=["sex"])
    women = framework({"kind": "share_women", "among": among}, "percentage")
    idps = framework(
        {"kind": "share_displacement_status", "statuses": ["idp"], "among": among},
        "percentage",
        disaggregations=["sex"],
    )
    figures = project_figures(actor=system, project=people.project, as_of=AS_OF)
    assert figures.indicator(people.pk).actual == 5
    assert figures.indicator(women.pk).actual == Decimal("60.0")
    assert figures.indicator(idps.pk).actual == Decimal("40.0")
    # Of the 2 men, Dragan is an IDP; of the 3 women, Milica.
    assert cells(figures.indicator(idps.pk), "sex") == {"F": Decimal("33.3"), "M": Decimal("50.0")}


def test_information_reach(world, framework, system, project_a, case_worker_a):
    worker = Actor(user=case_worker_a)
    for kind, reached, start in (
        ("brochure", 1200, datetime.date(2025, 3, 1)),
        ("poster", None, datetime.date(2025, 3, 1)),
        ("social_media", 5000, datetime.date(2026, 1, 1)),
    ):
        material_create(
            actor=worker,
            project=project_a,
            kind=kind,
            title=f"Return: {kind}",
            people_reached=reached,
            period_start=start,
        )
    every = framework({"kind": "information_reach"}, "people")
    brochures = framework({"kind": "information_reach", "material_kinds": ["brochure"]}, "people")
    assert figures_of(every, system).actual == 6200
    assert figures_of(every, system, as_of=datetime.date(2025, 12, 31)).actual == 1200
    assert figures_of(brochures, system).actual == 1200


@pytest.mark.parametrize(
    ("rule", "unit", "message"),
    [
        ({"kind": "assistance_delivered", "age_to": 17}, "households", "counting people"),
        ({"kind": "enrolled", "count": "people", "age_from": 18, "age_to": 5}, "people", "over"),
        ({"kind": "enrolled", "age_from": -1}, "people", "whole number"),
        ({"kind": "enrolled", "age_from": "5"}, "people", "whole number"),
        (
            {"kind": "activity_completed", "other_categories": ["officials"], "age_to": 17},
            "people",
            "no age",
        ),
        ({"kind": "contacts", "age_to": 17}, "events", "not a parameter"),
        ({"kind": "share_displacement_status"}, "percentage", "statuses"),
        ({"kind": "share_displacement_status", "statuses": ["nomad"]}, "percentage", "unknown"),
        (
            {
                "kind": "share_displacement_status",
                "statuses": ["idp"],
                "among": {"kind": "contacts"},
            },
            "percentage",
            "among",
        ),
        ({"kind": "information_reach", "material_kinds": ["tweet"]}, "people", "unknown"),
        ({"kind": "organisations_participating"}, "people", "unit"),
        ({"kind": "municipalities_reached", "count": "people"}, "organisations", "not a parameter"),
    ],
)
def test_bad_rules_are_refused_naming_the_parameter(rule, unit, message):
    with pytest.raises(ValidationError) as refused:
        validate_rule(rule, unit=unit)
    assert message in " ".join(refused.value.message_dict["rule"])


def test_rules_in_words():
    assert describe_rule({"kind": "enrolled", "age_from": 5, "age_to": 17}).endswith(
        "; aged 5 to 17"
    )
    assert "refugee" in describe_rule(
        {"kind": "share_displacement_status", "statuses": ["refugee"]}
    )
    assert "brochure" in describe_rule(
        {"kind": "information_reach", "material_kinds": ["brochure"]}
    )


def test_a_share_of_statuses_among_households_takes_the_heads(world, framework, system):
    # Household A's head Dragan is an IDP, household B's head Vesna a returnee.
    rule = {
        "kind": "share_displacement_status",
        "statuses": ["idp"],
        "among": {"kind": "enrolled", "count": "households"},
    }
    validate_rule(rule, unit="percentage")
    households = framework({"kind": "enrolled", "count": "households"}, "households")
    share = framework(rule, "percentage")
    figures = project_figures(actor=system, project=share.project, as_of=AS_OF)
    assert figures.indicator(share.pk).actual == Decimal("50.0")
    assert figures.indicator(households.pk).actual == 2
    assert "head" in describe_rule(rule)
    with pytest.raises(ValidationError):
        validate_rule({**rule, "kind": "share_women"}, unit="percentage")


def test_a_person_named_on_a_delivery_counts_after_moving(
    world, framework, system, org_a, project_a, case_worker_a
):
    from homeward.geo.models import Area
    from homeward.registry.models import Person
    from homeward.registry.services import household_register

    new_home = household_register(
        actor=Actor(user=case_worker_a),
        organisation=org_a,
        project=project_a,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "accommodation": "private",
            "origin_municipality": Area.objects.get(code="XK-gjilan"),
            "return_intention": "return",
        },
        members=[
            {
                "relationship_to_head": "head",
                "first_name": "Petar",
                "last_name": "Ilić",
                "sex": "male",
                "date_of_birth": datetime.date(1980, 1, 1),
                "displacement_status": "idp",
            }
        ],
    )
    named = framework(
        {"kind": "assistance_delivered", "count": "people"},
        "people",
        disaggregations=["municipality"],
    )
    members = framework({"kind": "assistance_delivered", "count": "members"}, "people")
    assert cells(figures_of(named, system), "municipality") == {"RS-00-cukarica": 1}
    # Ana (named on the aid kit) moves to a household given nothing.
    Person.objects.filter(first_name="Ana").update(household=new_home)
    figures = project_figures(actor=system, project=project_a, as_of=AS_OF)
    assert figures.indicator(named.pk).actual == 1
    assert cells(figures.indicator(named.pk), "municipality") == {"RS-00-zvezdara": 1}
    assert figures.indicator(members.pk).actual == 4  # she is no member of those households now
