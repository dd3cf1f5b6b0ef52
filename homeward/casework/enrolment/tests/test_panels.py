"""What enrolment adds to the case worker's day: one decision item per project."""

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.casework.enrolment.panels import agenda_items
from homeward.core.actors import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidates(register, case_worker_a, org_a, project_a, project_a2, household_a, enrol):
    enrol(project_a, household_a)
    enrol(project_a, register(case_worker_a, org_a, project_a))
    enrol(project_a, register(case_worker_a, org_a, project_a), status="selected")
    enrol(project_a2, register(case_worker_a, org_a, project_a2))


def test_deciders_get_one_item_per_project_with_the_count(committee_a, candidates):
    items = agenda_items(actor=Actor(user=committee_a), today=timezone.localdate())
    assert [(item.title.split(" · ")[0], item.detail) for item in items] == [
        ("project-a", "2 candidates waiting for a decision"),
        ("project-a2", "1 candidate waiting for a decision"),
    ]
    assert all(item.is_approval and item.due_on is None for item in items)
    assert items[0].url == "/projects/project-a/enrolments/?status=candidate"


def test_a_membership_limited_to_one_project_sees_only_its_item(
    make_user, org_a, project_a2, candidates
):
    limited = make_user(org_a, Role.SELECTION_COMMITTEE, projects=[project_a2])
    items = agenda_items(actor=Actor(user=limited), today=timezone.localdate())
    assert [item.title.split(" · ")[0] for item in items] == ["project-a2"]


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.DONOR_VIEWER, Role.ME_OFFICER])
def test_those_who_do_not_decide_get_nothing(make_user, org_a, candidates, role):
    assert agenda_items(actor=Actor(user=make_user(org_a, role)), today=timezone.localdate()) == []


def test_another_organisations_committee_gets_nothing(make_user, org_b, project_b, candidates):
    other = make_user(org_b, Role.SELECTION_COMMITTEE)
    assert agenda_items(actor=Actor(user=other), today=timezone.localdate()) == []


def test_the_item_shows_on_my_day_and_its_link_opens(client_for, committee_a, candidates):
    browser = client_for(committee_a)
    page = browser.get("/my-day/").content.decode()
    assert "2 candidates waiting for a decision" in page
    listed = browser.get("/projects/project-a/enrolments/?status=candidate")
    assert listed.status_code == 200
    assert len(listed.context["page"]) == 2
