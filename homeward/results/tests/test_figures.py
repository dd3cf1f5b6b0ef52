"""Every rule computed on the hand-built world of ``conftest.World``, with its breakdowns,
periods, trend, pace and the suppression a donor gets."""

import datetime
from decimal import Decimal

import pytest

from homeward.core.actors import Actor
from homeward.results.selectors import month_ends, portfolio_figures, project_figures
from homeward.results.tests.conftest import AS_OF

pytestmark = pytest.mark.django_db

ALL = ["sex", "age_band", "displacement_status", "municipality", "disability"]


def figures_of(indicator, actor, *, as_of=AS_OF, **options):
    figures = project_figures(actor=actor, project=indicator.project, as_of=as_of, **options)
    return figures.indicator(indicator.pk)


def cells(figure, dimension) -> dict:
    breakdown = next(b for b in figure.breakdowns if b.dimension == dimension)
    return {cell.key: (None if cell.suppressed else cell.value) for cell in breakdown.cells}


@pytest.mark.parametrize(
    ("rule", "unit", "expected"),
    [
        ({"kind": "assistance_delivered", "count": "households"}, "households", 2),
        ({"kind": "assistance_delivered", "count": "people"}, "people", 1),
        ({"kind": "assistance_delivered", "count": "members"}, "people", 5),
        ({"kind": "assistance_delivered", "grants_only": True}, "households", 1),
        ({"kind": "assistance_delivered", "assistance_types": ["aid-kit"]}, "households", 1),
        ({"kind": "assistance_delivered", "categories": ["housing"]}, "households", 0),
        (
            {"kind": "assistance_delivered", "count": "members", "displacement_status": ["idp"]},
            "people",
            2,
        ),
        ({"kind": "activity_completed", "activity_kinds": ["business_training"]}, "people", 1),
        ({"kind": "activity_completed", "activity_kinds": ["mentoring"]}, "people", 0),
        ({"kind": "activity_completed", "other_categories": ["officials"]}, "people", 4),
        ({"kind": "activity_attended"}, "people", 2),
        ({"kind": "other_participants", "categories": ["officials"]}, "people", 3),
        ({"kind": "other_participants", "categories": ["business"]}, "people", 0),
        ({"kind": "events_held"}, "events", 1),
        ({"kind": "events_held", "count": "activities"}, "events", 1),
        ({"kind": "enrolled"}, "people", 3),
        ({"kind": "enrolled", "count": "households"}, "households", 2),
        ({"kind": "referrals_completed"}, "households", 0),
        ({"kind": "contacts"}, "events", 0),
        ({"kind": "share_women"}, "percentage", Decimal("66.7")),
        (
            {"kind": "share_women", "among": {"kind": "assistance_delivered", "count": "members"}},
            "percentage",
            Decimal("60.0"),
        ),
        ({"kind": "grants_operating"}, "percentage", Decimal("100.0")),
        ({"kind": "durable_solutions_improved"}, "households", 1),
        ({"kind": "durable_solutions_improved", "criterion": 3}, "households", 1),
        ({"kind": "durable_solutions_improved", "criterion": 1}, "households", 0),
    ],
)
def test_every_rule_counts_what_was_recorded(world, framework, system, rule, unit, expected):
    indicator = framework(rule, unit)
    figure = figures_of(indicator, system)
    assert figure.actual == expected
    assert figure.source == "rule"
    assert figure.source_note  # the rule in words


def test_a_delivery_counts_from_its_handover(world, framework, system):
    indicator = framework({"kind": "assistance_delivered", "count": "households"}, "households")
    assert figures_of(indicator, system, as_of=datetime.date(2025, 3, 9)).actual == 0
    assert figures_of(indicator, system, as_of=datetime.date(2025, 3, 10)).actual == 1
    assert figures_of(indicator, system, as_of=datetime.date(2025, 5, 1)).actual == 2


def test_grants_operating_takes_the_visit_at_the_months_asked(world, framework, system):
    twelve = framework({"kind": "grants_operating"}, "percentage")
    # Before the 12-month visit, no grant has been visited that late: nothing to measure.
    assert figures_of(twelve, system, as_of=datetime.date(2026, 1, 1)).actual is None
    six = framework({"kind": "grants_operating", "months": 6}, "percentage")
    # At 6 months or more: the 6-month visit found it closed, the later one operating.
    assert figures_of(six, system, as_of=datetime.date(2026, 1, 1)).actual == 0
    assert figures_of(six, system).actual == 100


def test_breakdowns_of_people(world, framework, system):
    indicator = framework(
        {"kind": "assistance_delivered", "count": "members"}, "people", disaggregations=ALL
    )
    figure = figures_of(indicator, system)
    assert cells(figure, "sex") == {"F": 3, "M": 2}
    # Ages on the day of the figures: Marko is 4, Vesna 75, the others 18 to 59.
    assert cells(figure, "age_band") == {"0-4": 1, "5-11": 0, "12-17": 0, "18-59": 3, "60+": 1}
    assert cells(figure, "displacement_status") == {"idp": 2, "returnee": 3}
    assert cells(figure, "disability") == {"yes": 1, "no": 4}
    assert cells(figure, "municipality") == {"RS-00-zvezdara": 2, "RS-00-cukarica": 3}
    assert [b.dimension for b in figure.breakdowns] == ALL


def test_age_bands_of_the_indicator(world, framework, system, project_a):
    from homeward.results.services import indicator_update

    indicator = framework(
        {"kind": "assistance_delivered", "count": "members"}, "people", disaggregations=["age_band"]
    )
    indicator_update(
        actor=system, indicator=indicator, expected_version=None, age_bands=[[0, 17], [18, None]]
    )
    assert cells(figures_of(indicator, system), "age_band") == {"0-17": 1, "18+": 4}


def test_a_percentage_is_broken_down_within_each_group(world, framework, system):
    indicator = framework(
        {"kind": "share_women", "among": {"kind": "assistance_delivered", "count": "members"}},
        "percentage",
        disaggregations=["municipality", "displacement_status"],
    )
    figure = figures_of(indicator, system)
    assert cells(figure, "municipality") == {
        "RS-00-zvezdara": Decimal("50.0"),
        "RS-00-cukarica": Decimal("66.7"),
    }
    assert cells(figure, "displacement_status") == {
        "idp": Decimal("50.0"),
        "returnee": Decimal("66.7"),
    }


def test_officials_counted_add_to_the_sex_breakdown(world, framework, system):
    indicator = framework(
        {"kind": "activity_completed", "other_categories": ["officials"]},
        "people",
        disaggregations=["sex"],
    )
    figure = figures_of(indicator, system)
    assert figure.actual == 4
    assert cells(figure, "sex") == {"F": 2, "M": 2}


def test_targets_periods_trend_and_pace(world, framework, system, project_a):
    indicator = framework(
        {"kind": "assistance_delivered", "count": "households"},
        "households",
        targets=[
            ("Year 1", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), 2),
            ("Year 2", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), 4),
        ],
    )
    figures = project_figures(actor=Actor(user=None, via="cli"), project=project_a, as_of=AS_OF)
    # (The operator reaches every project.)
    figure = figures.indicator(indicator.pk)
    assert figure.target == 4
    assert figure.percent_of_target == Decimal("50.0")
    # 545 of the project's 729 days are gone: an even pace asks 4 × 0.7476 by now.
    assert figures.elapsed_share == Decimal("0.7476")
    assert figure.expected_now == Decimal("2.99")
    assert figure.lagging  # 2 < 90 % of 2.99
    assert [(p.label, p.actual) for p in figure.periods] == [("Year 1", 2), ("Year 2", 2)]
    trend = {point.day: point.value for point in figure.trend}
    assert trend[datetime.date(2025, 2, 28)] == 0
    assert trend[datetime.date(2025, 3, 31)] == 1
    assert trend[datetime.date(2025, 5, 31)] == 2
    assert figure.trend[-1].day == AS_OF
    assert len(figure.trend) == 18  # January 2025 to May 2026, then 30 June 2026


def test_a_period_not_begun_has_no_actual(world, framework, system):
    indicator = framework(
        {"kind": "events_held"},
        "events",
        targets=[("Year 2", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), 5)],
    )
    figure = figures_of(indicator, system, as_of=datetime.date(2025, 6, 1))
    assert figure.periods[0].actual is None


def test_not_lagging_when_ahead(world, framework, system):
    indicator = framework(
        {"kind": "events_held"},
        "events",
        targets=[("All", datetime.date(2025, 1, 1), datetime.date(2026, 12, 31), 1)],
    )
    figure = figures_of(indicator, system)
    assert figure.actual == 1
    assert not figure.lagging


def test_a_manual_value_is_the_latest_by_the_day(world, framework, system):
    from homeward.results.services import manual_value_record

    indicator = framework(None, "percentage", baseline=Decimal("30"))
    manual_value_record(
        actor=system,
        indicator=indicator,
        as_of=datetime.date(2025, 6, 1),
        value=40,
        source="Survey of June 2025",
    )
    manual_value_record(
        actor=system,
        indicator=indicator,
        as_of=datetime.date(2026, 6, 1),
        value=55,
        source="Survey of June 2026",
    )
    figure = figures_of(indicator, system)
    assert (figure.actual, figure.source, figure.source_note) == (
        55,
        "manual",
        "Survey of June 2026",
    )
    assert figures_of(indicator, system, as_of=datetime.date(2025, 12, 1)).actual == 40
    assert figures_of(indicator, system, as_of=datetime.date(2025, 1, 1)).actual is None


def test_a_donor_sees_small_cells_suppressed(world, framework, donor_viewer):
    donor = Actor(user=donor_viewer)
    small = framework({"kind": "assistance_delivered", "count": "households"}, "households")
    members = framework(
        {"kind": "assistance_delivered", "count": "members"}, "people", disaggregations=ALL
    )
    share = framework({"kind": "share_women"}, "percentage")
    figures = project_figures(actor=donor, project=small.project, as_of=AS_OF)
    assert figures.aggregate_only
    small_figure = figures.indicator(small.pk)
    assert (small_figure.actual, small_figure.suppressed) == (None, True)
    assert small_figure.percent_of_target is None
    assert all(p.value is None for p in small_figure.trend if p.suppressed)
    assert any(p.suppressed for p in small_figure.trend)
    member_figure = figures.indicator(members.pk)
    assert member_figure.actual == 5  # five is not a small cell
    assert cells(member_figure, "sex") == {"F": None, "M": None}
    assert cells(member_figure, "age_band")["5-11"] == 0  # nobody is not a small cell
    # Three people: too few for a percentage.
    assert figures.indicator(share.pk).actual is None
    assert figures.indicator(share.pk).suppressed


def test_staff_see_every_cell(world, framework, manager_a):
    indicator = framework({"kind": "assistance_delivered", "count": "households"}, "households")
    figures = project_figures(actor=Actor(user=manager_a), project=indicator.project, as_of=AS_OF)
    assert not figures.aggregate_only
    assert figures.indicator(indicator.pk).actual == 2
    # A manager asks for the donor's view explicitly.
    donor_view = project_figures(
        actor=Actor(user=manager_a), project=indicator.project, as_of=AS_OF, aggregate_only=True
    )
    assert donor_view.indicator(indicator.pk).suppressed


def test_outside_the_scope_the_figures_are_not_there(world, framework, manager_b, dpo_a):
    from django.http import Http404

    indicator = framework({"kind": "events_held"}, "events")
    for user in (manager_b, dpo_a):
        with pytest.raises(Http404):
            project_figures(actor=Actor(user=user), project=indicator.project)


def test_who_takes_exports_out_gets_the_figures_suppressed_only(world, framework, dpo_a):
    # A data protection officer has no dashboard but may take the donor files out: the figures
    # those files are made of, and only with small cells suppressed.
    from django.http import Http404

    indicator = framework({"kind": "events_held"}, "events")
    actor = Actor(user=dpo_a)
    figures = project_figures(actor=actor, project=indicator.project, aggregate_only=True)
    assert figures.aggregate_only
    for aggregate_only in (None, False):
        with pytest.raises(Http404):
            project_figures(actor=actor, project=indicator.project, aggregate_only=aggregate_only)


def test_budget_committed_and_delivered(world, system, project_a):
    budget = project_figures(actor=system, project=project_a, as_of=AS_OF).budget
    # Planned only (the second aid kit) is not committed.
    assert budget.committed == Decimal("1600.00")
    assert budget.delivered == Decimal("1575.00")
    assert {(line.committed, line.delivered) for line in budget.lines} == {
        (Decimal("1500.00"), Decimal("1480.00")),
        (Decimal("100.00"), Decimal("95.00")),
    }


def test_framework_order_and_results(world, framework, system, project_a):
    first = framework({"kind": "events_held"}, "events")
    figures = project_figures(actor=system, project=project_a, as_of=AS_OF)
    assert [(r.level, r.code, r.parent_code) for r in figures.results] == [
        ("objective", "SO", ""),
        ("outcome", "R1", "SO"),
        ("output", "1.1", "R1"),
    ]
    assert figures.results[2].indicator_ids == (first.pk,)


def test_portfolio(world, framework, donor_viewer, manager_a):
    framework(
        {"kind": "assistance_delivered", "count": "members"},
        "people",
        targets=[("All", datetime.date(2025, 1, 1), datetime.date(2026, 12, 31), 100)],
    )
    framework({"kind": "events_held"}, "events")
    portfolio = portfolio_figures(actor=Actor(user=donor_viewer), as_of=AS_OF)
    [line] = portfolio.projects
    assert (line.project_code, line.indicators, line.lagging, line.not_measured) == (
        "project-a",
        2,
        1,
        1,
    )
    assert line.budget.committed == Decimal("1600.00")


def test_month_ends():
    assert month_ends(datetime.date(2025, 11, 15), datetime.date(2026, 2, 10)) == [
        datetime.date(2025, 11, 30),
        datetime.date(2025, 12, 31),
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 10),
    ]


def test_information_desk_contacts(framework, system, project_a, case_worker_a):
    from homeward.casework.contacts.services import contact_record

    worker = Actor(user=case_worker_a)
    for channel, sex in (("phone", "female"), ("phone", "male"), ("walk_in", "female")):
        contact_record(
            actor=worker,
            project=project_a,
            channel=channel,
            topic="documents",
            question="How do I replace my ID card?",
            caller_sex=sex,
            caller_displacement_status="idp",
            anonymous=True,
            received_at=datetime.datetime(2025, 4, 2, 10, 0, tzinfo=datetime.UTC),
        )
    phone = framework(
        {"kind": "contacts", "channels": ["phone"]}, "events", disaggregations=["sex"]
    )
    every = framework({"kind": "contacts", "topics": ["documents"]}, "events")
    figures = project_figures(actor=system, project=project_a, as_of=AS_OF)
    assert figures.indicator(phone.pk).actual == 2
    assert cells(figures.indicator(phone.pk), "sex") == {"F": 1, "M": 1}
    assert figures.indicator(every.pk).actual == 3
