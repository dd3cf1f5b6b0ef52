"""``/api/v1/enrolments/``: list, filters, create by codes and numbers, steps with versions."""

import pytest
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.casework.enrolment.models import Enrolment

pytestmark = pytest.mark.django_db


def test_a_case_worker_enrols_by_project_code_and_household_number(
    api_client_for, case_worker_a, household_a
):
    child = household_a.members.get(first_name="Milica")
    response = api_client_for(case_worker_a).post(
        "/api/v1/enrolments/",
        {"project": "project-a", "household": household_a.number, "person": child.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["project"], body["household"], body["person"], body["status"]) == (
        "project-a",
        household_a.number,
        child.pk,
        "candidate",
    )
    assert body["steps"][0]["to_status"] == "candidate"
    assert body["next_statuses"] == []  # a decision is the committee's


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"on": "2999-01-01"}, "on"),
        ({"person": 999999}, "person"),
        ({"on": "yesterday"}, "on"),
        ({"project": None}, "project"),
    ],
)
def test_bad_enrolments_name_the_field(api_client_for, case_worker_a, household_a, body, field):
    data = {"project": "project-a", "household": household_a.number} | body
    response = api_client_for(case_worker_a).post("/api/v1/enrolments/", data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Enrolment.objects.exists()


def test_a_duplicate_is_refused(api_client_for, case_worker_a, household_a, enrol, project_a):
    enrol(project_a, household_a)
    response = api_client_for(case_worker_a).post(
        "/api/v1/enrolments/",
        {"project": "project-a", "household": household_a.number},
        format="json",
    )
    assert response.status_code == 400
    assert "household" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "body",
    [
        {"project": "project-b"},
        {"project": "no-such-project"},
    ],
)
def test_a_project_outside_the_scope_is_not_found(
    api_client_for, case_worker_a, household_a, project_b, body
):
    data = {"household": household_a.number} | body
    response = api_client_for(case_worker_a).post("/api/v1/enrolments/", data, format="json")
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_another_organisations_household_is_not_found(api_client_for, case_worker_a, household_b):
    response = api_client_for(case_worker_a).post(
        "/api/v1/enrolments/",
        {"project": "project-a", "household": household_b.number},
        format="json",
    )
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", [Role.SELECTION_COMMITTEE, Role.DONOR_VIEWER, Role.ME_OFFICER])
def test_roles_that_record_no_casework_cannot_enrol(
    api_client_for, make_user, org_a, household_a, role
):
    response = api_client_for(make_user(org_a, role)).post(
        "/api/v1/enrolments/",
        {"project": "project-a", "household": household_a.number},
        format="json",
    )
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_the_list_filters_by_project_and_status(
    api_client_for, manager_a, household_a, enrol, project_a, project_a2
):
    child = household_a.members.get(first_name="Milica")
    enrol(project_a, household_a, status="selected")
    enrol(project_a, person=child)
    enrol(project_a2, household_a)
    api = api_client_for(manager_a)
    assert api.get("/api/v1/enrolments/").json()["count"] == 3
    assert api.get("/api/v1/enrolments/", {"project": "project-a"}).json()["count"] == 2
    rows = api.get("/api/v1/enrolments/", {"project": "project-a", "status": "candidate"}).json()[
        "results"
    ]
    assert [(row["person"], row["status"]) for row in rows] == [(child.pk, "candidate")]
    assert api.get("/api/v1/enrolments/", {"status": "bogus"}).status_code == 400
    assert api.get("/api/v1/enrolments/", {"project": "project-b"}).status_code == 404


def test_other_organisations_and_donors_see_no_enrolment(
    api_client_for, manager_b, donor_viewer, household_a, enrol, project_a
):
    enrolment = enrol(project_a, household_a)
    for user in (manager_b, donor_viewer):
        api = api_client_for(user)
        assert api.get(f"/api/v1/enrolments/{enrolment.pk}/").status_code == 404
    assert api_client_for(manager_b).get("/api/v1/enrolments/").json()["count"] == 0
    assert api_client_for(donor_viewer).get("/api/v1/enrolments/").status_code == 404


def _step(api, enrolment, **body):
    return api.post(f"/api/v1/enrolments/{enrolment.pk}/transition/", body, format="json")


def test_the_committee_selects_then_a_case_worker_activates(
    api_client_for, committee_a, case_worker_a, household_a, enrol, project_a
):
    enrolment = enrol(project_a, household_a)
    response = _step(
        api_client_for(committee_a), enrolment, status="selected", version=enrolment.version
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "selected"
    response = _step(
        api_client_for(case_worker_a),
        enrolment,
        status="active",
        on=timezone.localdate().isoformat(),
        version=body["version"],
    )
    assert response.status_code == 200
    assert [step["to_status"] for step in response.json()["steps"]] == [
        "candidate",
        "selected",
        "active",
    ]


def test_a_stale_version_is_409(api_client_for, manager_a, household_a, enrol, project_a):
    enrolment = enrol(project_a, household_a)
    api = api_client_for(manager_a)
    assert _step(api, enrolment, status="selected", version=enrolment.version).status_code == 200
    # Allowed from where it is now, but sent over the version read before the selection.
    response = _step(api, enrolment, status="active", version=enrolment.version)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert Enrolment.objects.get(pk=enrolment.pk).status == "selected"


def test_a_disallowed_jump_is_409_naming_what_is_allowed(
    api_client_for, manager_a, household_a, enrol, project_a
):
    enrolment = enrol(project_a, household_a)
    response = _step(
        api_client_for(manager_a), enrolment, status="completed", version=enrolment.version
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "transition_not_allowed"
    assert "Candidate" in error["message"]
    assert "Completed" in error["message"]
    assert error["details"]["allowed"] == ["selected", "waitlisted", "rejected"]
    assert Enrolment.objects.get(pk=enrolment.pk).status == "candidate"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "rejected"}, "reason"),
        ({"status": "selected", "on": "2999-01-01"}, "on"),
        ({"status": "nonsense"}, "status"),
        ({"status": "selected", "version": None}, "version"),
    ],
)
def test_bad_steps_name_the_field(
    api_client_for, manager_a, household_a, enrol, project_a, body, field
):
    enrolment = enrol(project_a, household_a)
    data = {"version": enrolment.version} | body
    response = _step(api_client_for(manager_a), enrolment, **data)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert Enrolment.objects.get(pk=enrolment.pk).status == "candidate"


def test_a_step_the_role_may_not_take_is_not_found(
    api_client_for, case_worker_a, household_a, enrol, project_a
):
    enrolment = enrol(project_a, household_a)
    response = _step(
        api_client_for(case_worker_a), enrolment, status="selected", version=enrolment.version
    )
    assert response.status_code == 404
    assert Enrolment.objects.get(pk=enrolment.pk).status == "candidate"
