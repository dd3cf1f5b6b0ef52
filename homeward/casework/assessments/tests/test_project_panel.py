"""The project page's assessments: aggregates only, small numbers suppressed, so that the
donor sees how the households moved on the eight criteria without learning who they are."""

from datetime import date

import pytest

from homeward.accounts.roles import Role
from homeward.accounts.services import membership_grant
from homeward.casework.assessments.tests.answers import durable_solutions_answers
from homeward.core.actors import Actor
from homeward.geo.models import Area
from homeward.programmes.services import project_update
from homeward.registry.services import household_register

pytestmark = pytest.mark.django_db

NAMES = ["Jovanović", "Nikolić", "Marković", "Stanković", "Ilić"]


@pytest.fixture
def households(case_worker_a, org_a, project_a):
    def make(count: int):
        return [
            household_register(
                actor=Actor(user=case_worker_a),
                organisation=org_a,
                project=project_a,
                household={
                    "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
                    "accommodation": "private",
                },
                members=[
                    {
                        "relationship_to_head": "head",
                        "first_name": "Stojan",
                        "last_name": name,
                        "sex": "male",
                        "date_of_birth": date(1960 + index, 1, 1),
                        "displacement_status": "idp",
                    }
                ],
            )
            for index, name in enumerate(NAMES[:count])
        ]

    return make


def assess_twice(record, template, project, household):
    record(
        template,
        durable_solutions_answers(),
        household=household,
        project=project,
        on=date(2024, 3, 1),
    )
    record(
        template,
        durable_solutions_answers(member_employed=True),  # livelihoods 38 → 63
        household=household,
        project=project,
        on=date(2025, 3, 1),
    )


def test_the_donor_sees_the_mean_progress_of_five_households(
    record, ds_template, households, project_a, client_for, donor_viewer
):
    for household in households(5):
        assess_twice(record, ds_template, project_a, household)
    html = client_for(donor_viewer).get("/projects/project-a/").content.decode()
    assert "5 households assessed" in html
    assert "3. Access to employment and livelihoods" in html
    assert "↑ 25" in html
    for name in NAMES:
        assert name not in html


def test_fewer_than_five_households_are_not_shown(
    record, ds_template, households, project_a, client_for, donor_viewer
):
    for household in households(4):
        assess_twice(record, ds_template, project_a, household)
    html = client_for(donor_viewer).get("/projects/project-a/").content.decode()
    assert "fewer than 5 households" in html
    assert "↑ 25" not in html
    assert "once at least 5 households have been assessed twice" in html


def test_aggregates_of_another_project_do_not_open_this_ones(
    record,
    ds_template,
    households,
    project_a,
    project_b,
    org_a,
    donor_org,
    make_user,
    client_for,
    system,
):
    project_update(actor=system, project=project_b, expected_version=None, donors=[donor_org])
    for household in households(5):
        assess_twice(record, ds_template, project_a, household)
    # Sees project A's page (information desk) and project B's figures only (donor viewer).
    user = make_user(org_a, Role.INFO_DESK_OPERATOR)
    membership_grant(
        actor=system,
        user=user,
        organisation=donor_org,
        role=Role.DONOR_VIEWER,
        projects=[project_b],
    )
    response = client_for(user).get("/projects/project-a/")
    assert response.status_code == 200
    assert "households assessed" not in response.content.decode()
