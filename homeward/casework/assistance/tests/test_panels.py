"""Assistance on the case worker's day, the project page and the household page."""

import datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory

from homeward.casework.assistance.panels import agenda_items, household_panel, project_panel
from homeward.casework.assistance.services import monitoring_visit_record
from homeward.core.actors import Actor

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    request.actor = Actor(user=user)
    return request


def test_visits_due_within_two_weeks_or_overdue_are_on_the_case_workers_day(
    delivered, case_worker_a, worker
):
    grant = delivered()
    six, twelve = grant.monitoring_visits.order_by("months_after")
    today = six.due_on + datetime.timedelta(days=3)  # six months overdue, twelve far ahead
    items = agenda_items(actor=worker, today=today)
    visits = [item for item in items if not item.is_approval]
    assert [item.due_on for item in visits] == [six.due_on]
    assert visits[0].is_overdue(today)
    assert visits[0].url == f"/monitoring-visits/{six.pk}/"
    assert grant.household.number in visits[0].title
    # A fortnight before the twelve months' visit, it comes up too.
    soon = agenda_items(actor=worker, today=twelve.due_on - datetime.timedelta(days=14))
    assert {item.due_on for item in soon if not item.is_approval} == {six.due_on, twelve.due_on}
    monitoring_visit_record(
        actor=worker,
        visit=six,
        expected_version=six.version,
        visited_on=six.due_on,
        business_operating=True,
    )
    assert [item.due_on for item in agenda_items(actor=worker, today=today)] == []


def test_other_organisations_and_roles_without_casework_see_no_visits(
    delivered, manager_b, donor_viewer, me_officer_a
):
    visit = delivered().monitoring_visits.first()
    for user in (manager_b, donor_viewer, me_officer_a):
        items = agenda_items(actor=Actor(user=user), today=visit.due_on)
        assert not [item for item in items if not item.is_approval]


def test_deliveries_wait_for_approval_and_verification_of_the_projects_managers(
    plan, delivered, manager, worker, manager_b, admin_a
):
    planned = plan("aid-kit", planned_on=datetime.date(2025, 5, 1))
    handed_over = delivered("food-items")
    waiting = [
        item
        for item in agenda_items(actor=manager, today=datetime.date(2025, 6, 1))
        if item.is_approval
    ]
    assert {item.url for item in waiting} == {
        f"/deliveries/{planned.pk}/",
        f"/deliveries/{handed_over.pk}/",
    }
    assert {item.kind: item.due_on for item in waiting} == {
        "Approve the delivery": datetime.date(2025, 5, 1),
        "Verify the handover": None,
    }
    for user_actor in (worker, Actor(user=manager_b), Actor(user=admin_a)):
        assert not [
            item
            for item in agenda_items(actor=user_actor, today=datetime.date(2025, 6, 1))
            if item.is_approval
        ]


def test_a_handover_does_not_wait_for_its_own_recorder_to_verify_it(approved, manager):
    from homeward.casework.assistance.services import delivery_deliver

    delivery = approved("aid-kit")
    delivery_deliver(
        actor=manager,
        delivery=delivery,
        expected_version=delivery.version,
        handover_on=datetime.date(2025, 3, 1),
        actual_value=Decimal("70"),
    )
    assert not agenda_items(actor=manager, today=datetime.date(2025, 6, 1))


def test_the_project_panel_counts_and_sums_by_status_and_type(
    plan, delivered, project_a, manager_a, donor_viewer, manager_b
):
    plan("aid-kit", planned_value=Decimal("80"))
    delivered("aid-kit")
    panel = project_panel(request=request_of(manager_a), project=project_a)
    assert panel.context["full"]
    by_status = {row["status"]: row for row in panel.context["by_status"]}
    assert by_status["planned"]["count"] == 1
    assert by_status["planned"]["planned"] == Decimal("80")
    assert by_status["delivered"]["actual"] == Decimal("1480")
    (by_type,) = panel.context["by_type"]
    assert by_type["count"] == 2
    assert by_type["label"] == "Aid kit"
    assert panel.context["total"]["actual"] == Decimal("1480")
    # The donor sees aggregates, but not a cell that could point at one family.
    donor = project_panel(request=request_of(donor_viewer), project=project_a)
    assert not donor.context["full"]
    assert all(row["suppressed"] and row["count"] is None for row in donor.context["by_status"])
    assert donor.context["total"]["count"] is None
    assert project_panel(request=request_of(manager_b), project=project_a) is None


def test_the_donor_sees_cells_of_five_and_more(plan, project_a, donor_viewer):
    for _ in range(5):
        plan("food-items", planned_value=Decimal("40"))
    donor = project_panel(request=request_of(donor_viewer), project=project_a)
    (row,) = donor.context["by_status"]
    assert not row["suppressed"]
    assert row["count"] == 5
    assert row["planned"] == Decimal("200")


def test_the_household_panel_lists_deliveries_and_offers_planning_where_selected(
    plan, household_a, project_a, case_worker_a, make_user, org_a
):
    from homeward.accounts.roles import Role

    delivery = plan("aid-kit")
    panel = household_panel(request=request_of(case_worker_a), household=household_a)
    assert panel.context["deliveries"] == [delivery]
    assert panel.context["plan_in"] == [project_a]
    committee = make_user(org_a, Role.SELECTION_COMMITTEE)
    panel = household_panel(request=request_of(committee), household=household_a)
    assert panel.context["deliveries"] == [delivery]
    assert panel.context["plan_in"] == []


def test_no_household_panel_when_there_is_nothing_to_show_or_do(household_a, case_worker_a):
    assert household_panel(request=request_of(case_worker_a), household=household_a) is None
