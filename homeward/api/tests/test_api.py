"""The REST API: one error format, paginated lists, optimistic concurrency, the data scope."""

from datetime import date

import pytest

from homeward.accounts.roles import Role
from homeward.core.models import AuditEvent
from homeward.programmes.models import Project
from homeward.programmes.services import project_create

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    return error


def test_not_found_has_the_error_format(api_client):
    assert_error(api_client.get("/api/v1/projects/no-such-project/"), 404, "not_found")


def test_a_malformed_job_id_is_not_found(api_client):
    assert_error(api_client.get("/api/v1/jobs/not-a-uuid/"), 404, "not_found")


def test_a_validation_error_names_the_field(api_client, project_a):
    response = api_client.patch(
        "/api/v1/projects/project-a/",
        {"version": project_a.version, "start_date": "not a date"},
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"start_date"}


def test_a_missing_version_is_a_validation_error(api_client, project_a):
    response = api_client.patch("/api/v1/projects/project-a/", {"title": "x"}, format="json")
    assert set(assert_error(response, 400, "invalid")["fields"]) == {"version"}


def test_a_rule_of_the_model_is_a_validation_error_naming_the_field(api_client, project_a):
    response = api_client.patch(
        "/api/v1/projects/project-a/",
        {"version": project_a.version, "end_date": "2020-01-01"},
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert error["fields"]
    project_a.refresh_from_db()
    assert project_a.end_date == date(2026, 12, 31)


def test_a_method_not_allowed_has_the_error_format(api_client, project_a):
    assert_error(api_client.delete("/api/v1/projects/project-a/"), 405, "method_not_allowed")


def test_two_people_editing_the_same_version_the_second_gets_409(
    api_client_for, manager_a, make_user, org_a, project_a
):
    colleague = make_user(org_a, Role.PROJECT_MANAGER)
    first, second = api_client_for(manager_a), api_client_for(colleague)
    # Both load the project and see the same version.
    version = first.get("/api/v1/projects/project-a/").json()["version"]
    assert second.get("/api/v1/projects/project-a/").json()["version"] == version

    saved = first.patch(
        "/api/v1/projects/project-a/", {"version": version, "title": "First"}, format="json"
    )
    assert saved.status_code == 200
    assert saved.json()["title"] == "First"
    assert saved.json()["version"] == version + 1

    refused = second.patch(
        "/api/v1/projects/project-a/", {"version": version, "title": "Second"}, format="json"
    )
    error = assert_error(refused, 409, "conflict")
    assert error["details"]["current_version"] == version + 1
    assert error["details"]["your_version"] == version
    assert error["details"]["current_values"] == {"title": "First"}

    project_a.refresh_from_db()
    assert (project_a.title, project_a.version) == ("First", version + 1)
    assert AuditEvent.objects.filter(action="project.update").count() == 1

    # Having read the new version, the second person may save.
    retried = second.patch(
        "/api/v1/projects/project-a/", {"version": version + 1, "title": "Second"}, format="json"
    )
    assert retried.status_code == 200


def test_a_role_that_may_only_view_projects_cannot_edit(api_client_for, case_worker_a, project_a):
    response = api_client_for(case_worker_a).patch(
        "/api/v1/projects/project-a/", {"version": project_a.version, "title": "x"}, format="json"
    )
    assert_error(response, 404, "not_found")
    project_a.refresh_from_db()
    assert project_a.title == "Project project-a"


def test_a_list_is_paginated(system, api_client, org_a, project_a):
    for number in range(3):
        project_create(
            actor=system,
            code=f"extra-{number}",
            title=f"Extra {number}",
            lead_organisation=org_a,
            start_date=date(2024, 1, 1),
            end_date=date(2024, 12, 31),
        )
    first = api_client.get("/api/v1/projects/", {"page_size": 2}).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 4
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = api_client.get(first["next"]).json()
    assert second["next"] is None
    assert second["previous"] is not None
    codes = [p["code"] for p in first["results"] + second["results"]]
    assert sorted(codes) == sorted(Project.objects.values_list("code", flat=True))


@pytest.mark.parametrize(
    "path",
    ["/api/v1/projects/", "/api/v1/jobs/", "/api/v1/audit-events/", "/api/v1/organisations/"],
)
def test_every_list_endpoint_is_paginated(api_client_for, admin_a, path):
    body = api_client_for(admin_a).get(path).json()
    assert set(body) == {"count", "next", "previous", "results"}


def test_the_project_shows_codes_not_ids(api_client, project_a):
    body = api_client.get("/api/v1/projects/project-a/").json()
    assert body == {
        "code": "project-a",
        "title": "Project project-a",
        "title_sr": "",
        "title_sr_latn": "",
        "title_sq": "",
        "description": "",
        "lead_organisation": "org-a",
        "partners": [],
        "donors": ["donor"],
        "start_date": "2025-01-01",
        "end_date": "2026-12-31",
        "budget": None,
        "currency": "EUR",
        "municipalities": [],
        "target_groups": [],
        "version": 1,
    }


def test_audit_events_of_the_own_organisation_only(api_client_for, admin_a, admin_b, project_b):
    body = api_client_for(admin_a).get("/api/v1/audit-events/", {"page_size": 500}).json()
    organisations = {event["organisation"] for event in body["results"]}
    assert organisations == {"org-a"}
    actions = {event["action"] for event in body["results"]}
    assert {"organisation.create", "user.create", "membership.grant"} <= actions
    filtered = api_client_for(admin_a).get("/api/v1/audit-events/", {"action": "user."}).json()
    assert filtered["count"] >= 1
    assert all(event["action"].startswith("user.") for event in filtered["results"])


def test_organisations_endpoint_is_scoped(api_client_for, admin_a, org_b):
    body = api_client_for(admin_a).get("/api/v1/organisations/").json()
    assert [organisation["code"] for organisation in body["results"]] == ["org-a"]


def test_an_unknown_api_path_is_404(api_client):
    assert api_client.get("/api/v1/nothing-here/").status_code == 404


def test_a_bad_audit_filter_names_its_field(api_client_for, admin_a):
    response = api_client_for(admin_a).get("/api/v1/audit-events/?date_from=31.02.2026")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"date_from"}
