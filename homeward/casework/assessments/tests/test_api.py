"""``/api/v1/assessment-templates/`` and ``/api/v1/assessments/``: the same checks, scope and
version handling as the pages, with errors keyed by question code."""

import pytest

from homeward.accounts.roles import Role
from homeward.casework.assessments.models import Assessment
from homeward.casework.assessments.tests.answers import durable_solutions_answers, needs_answers
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TEMPLATES = "/api/v1/assessment-templates/"
ASSESSMENTS = "/api/v1/assessments/"


def test_templates_are_listed_with_their_definitions(api_client_for, case_worker_a, ds_template):
    api = api_client_for(case_worker_a)
    listed = api.get(TEMPLATES, {"active": "true"}).json()["results"]
    assert {row["code"] for row in listed} == {"durable-solutions", "needs-vulnerability"}
    one = api.get(f"{TEMPLATES}{ds_template.pk}/").json()
    assert one["kind"] == "durable_solutions"
    assert one["titles"]["sq"] == "Vlerësimi i zgjidhjeve të qëndrueshme (kriteret e IASC)"
    assert len(one["definition"]["sections"]) == 8
    assert api.get(TEMPLATES, {"kind": "durable_solutions"}).json()["count"] == 1


def test_recording_through_the_api(api_client_for, case_worker_a, household_a):
    api = api_client_for(case_worker_a)
    response = api.post(
        ASSESSMENTS,
        {
            "template": "durable-solutions",
            "template_version": 1,
            "household": household_a.number,
            "project": "project-a",
            "assessed_on": "2025-02-03",
            "answers": durable_solutions_answers(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["scores"]["criteria"]["5"] == 63
    assert body["scores"]["total"] == 60
    assert body["template"] == "durable-solutions"
    assert body["organisation"] == "org-a"
    assert body["assessed_by"] == "caseworker-a"
    assert body["version"] == 1


def test_bad_answers_are_named_by_question_code(api_client_for, case_worker_a, household_a):
    response = api_client_for(case_worker_a).post(
        ASSESSMENTS,
        {
            "template": "needs-vulnerability",
            "household": household_a.number,
            "assessed_on": "2025-02-03",
            "answers": needs_answers(no_income="maybe", tenure="castle", housing_condition=None),
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "no_income": ["Answer yes or no."],
        "tenure": ["“castle” is not one of the answers."],
        "housing_condition": ["This question needs an answer."],
    }
    assert not Assessment.objects.exists()


def test_a_version_no_longer_in_use_is_refused(api_client_for, case_worker_a, household_a):
    response = api_client_for(case_worker_a).post(
        ASSESSMENTS,
        {
            "template": "needs-vulnerability",
            "template_version": 7,
            "household": household_a.number,
            "assessed_on": "2025-02-03",
            "answers": needs_answers(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "template_version" in response.json()["error"]["fields"]


def test_listing_by_household_and_reading_one(
    record, needs_template, api_client_for, case_worker_a, household_a
):
    assessment = record(needs_template, needs_answers())
    api = api_client_for(case_worker_a)
    listed = api.get(ASSESSMENTS, {"household": household_a.number}).json()
    assert [row["id"] for row in listed["results"]] == [assessment.pk]
    assert api.get(ASSESSMENTS, {"household": "H-999999"}).status_code == 404
    one = api.get(f"{ASSESSMENTS}{assessment.pk}/").json()
    assert one["answers"]["tenure"] == "collective_centre"
    assert AuditEvent.objects.filter(action="assessment.read", via="api").exists()


def test_patch_changes_some_answers_and_needs_the_version(
    record, ds_template, api_client_for, case_worker_a
):
    assessment = record(ds_template, durable_solutions_answers())
    api = api_client_for(case_worker_a)
    path = f"{ASSESSMENTS}{assessment.pk}/"
    missing = api.patch(path, {"answers": {"voted": True}}, format="json")
    assert missing.status_code == 400
    assert "version" in missing.json()["error"]["fields"]
    saved = api.patch(path, {"version": 1, "answers": {"voted": True}}, format="json")
    assert saved.status_code == 200
    assert saved.json()["scores"]["criteria"]["7"] == 88
    assert saved.json()["answers"]["feels_safe"] == "mostly_safe"  # the others stay
    stale = api.patch(path, {"version": 1, "answers": {"voted": False}}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    # null removes an answer; a required one cannot be removed.
    removed = api.patch(path, {"version": 2, "answers": {"feels_safe": None}}, format="json")
    assert removed.status_code == 400
    assert removed.json()["error"]["fields"] == {"feels_safe": ["This question needs an answer."]}
    future = api.patch(path, {"version": 2, "assessed_on": "2999-01-01"}, format="json")
    assert future.json()["error"]["fields"] == {
        "assessed_on": ["The date cannot be in the future."]
    }


def test_the_api_answers_404_to_other_organisations_and_roles(
    record, needs_template, api_client_for, household_a, manager_b, make_user, org_a
):
    assessment = record(needs_template, needs_answers())
    body = {
        "template": "needs-vulnerability",
        "household": household_a.number,
        "assessed_on": "2025-02-03",
        "answers": needs_answers(),
    }
    for user in (
        manager_b,
        make_user(org_a, Role.DONOR_VIEWER),
        make_user(org_a, Role.INFO_DESK_OPERATOR),
    ):
        api = api_client_for(user)
        assert api.get(f"{ASSESSMENTS}{assessment.pk}/").status_code == 404
        assert api.get(ASSESSMENTS).status_code in (200, 404)
        assert api.get(ASSESSMENTS).json().get("count", 0) == 0
        assert api.post(ASSESSMENTS, body, format="json").status_code == 404
        assert (
            api.patch(f"{ASSESSMENTS}{assessment.pk}/", {"version": 1}, format="json").status_code
            == 404
        )
    committee = api_client_for(make_user(org_a, Role.SELECTION_COMMITTEE))
    assert committee.get(f"{ASSESSMENTS}{assessment.pk}/").status_code == 200
    assert committee.post(ASSESSMENTS, body, format="json").status_code == 404
    response = committee.patch(
        f"{ASSESSMENTS}{assessment.pk}/", {"version": 1, "answers": {}}, format="json"
    )
    assert response.status_code == 404
    assert Assessment.objects.count() == 1


def test_the_schema_describes_the_endpoints(api_client_for, case_worker_a):
    schema = api_client_for(case_worker_a).get("/api/v1/schema/", {"format": "json"}).json()
    assert "/api/v1/assessments/" in schema["paths"]
    assert "/api/v1/assessment-templates/{id}/" in schema["paths"]
