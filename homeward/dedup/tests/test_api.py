"""The deduplication API: the same pairs, decisions and merges as the pages, the same scope
(404 outside it), and bad input named field by field."""

from __future__ import annotations

import pytest

from homeward.dedup.models import CandidatePair, DedupRun, Merge
from homeward.registry.models import Person

pytestmark = pytest.mark.django_db

PAIRS = "/api/v1/duplicate-pairs/"


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_the_pairs_in_scope_best_first_with_filters(api_client_for, manager_a, dedup_pairs):
    api = api_client_for(manager_a)
    response = api.get(PAIRS)
    assert response.status_code == 200
    assert _ids(response) == [dedup_pairs.ab.pk, dedup_pairs.wives.pk]
    assert _ids(api.get(PAIRS, {"min_probability": "0.95"})) == [dedup_pairs.ab.pk]
    assert _ids(api.get(PAIRS, {"status": "not_same,unsure"})) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "pending,maybe"}, "status"),
        ({"min_probability": "high"}, "min_probability"),
        ({"project": "no-such-project"}, "project"),
    ],
)
def test_a_bad_filter_is_named(api_client_for, manager_a, dedup_pairs, params, field):
    response = api_client_for(manager_a).get(PAIRS, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_one_pair_with_both_records_and_the_evidence(
    api_client_for, dpo_a, dedup_pairs, dedup_people
):
    response = api_client_for(dpo_a).get(f"{PAIRS}{dedup_pairs.ab.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert [person["first_name"] for person in body["people"]] == ["Dragan", "Драган"]
    assert body["people"][0]["national_id"] == dedup_people.dragan_a.national_id
    assert body["evidence"] == [
        {
            "field": "first_name",
            "field_label": "first name",
            "level": "exact",
            "level_label": "the same",
            "bayes_factor": 40.0,
            "direction": "for",
            "strength": "40 times more likely the same",
        }
    ]


def test_out_of_scope_and_wrong_roles_get_404(
    api_client_for, manager_b, case_worker_a, admin_a, dedup_pairs
):
    pair = dedup_pairs.ab
    outsider = api_client_for(manager_b)
    for response in (
        outsider.get(f"{PAIRS}{pair.pk}/"),
        outsider.post(f"{PAIRS}{pair.pk}/decide/", {"decision": "not_same"}, format="json"),
        outsider.post(f"{PAIRS}{pair.pk}/merge/", {"keep": pair.person_a}, format="json"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    for user in (case_worker_a, admin_a):
        api = api_client_for(user)
        for path in (PAIRS, "/api/v1/dedup-runs/", "/api/v1/merges/"):
            assert api.get(path).status_code == 404, (user, path)
        assert api.post("/api/v1/dedup-runs/", {}, format="json").status_code == 404
    assert CandidatePair.objects.get(pk=pair.pk).status == "pending"


def test_decide_and_a_decision_made_meanwhile_is_refused(
    api_client_for, manager_a, dpo_a, dedup_pairs
):
    pair = dedup_pairs.ab
    first = api_client_for(dpo_a).post(
        f"{PAIRS}{pair.pk}/decide/",
        {"decision": "not_same", "note": "Other father.", "expected_status": "pending"},
        format="json",
    )
    assert first.status_code == 200
    assert (first.json()["status"], first.json()["decided_by"]) == ("not_same", dpo_a.username)
    second = api_client_for(manager_a).post(
        f"{PAIRS}{pair.pk}/decide/",
        {"decision": "unsure", "expected_status": "pending"},
        format="json",
    )
    assert second.status_code == 400
    assert "since you opened it" in str(second.json()["error"]["fields"])
    assert CandidatePair.objects.get(pk=pair.pk).status == "not_same"


def test_a_decision_needs_a_known_decision_and_the_status_read(
    api_client_for, manager_a, dedup_pairs
):
    response = api_client_for(manager_a).post(
        f"{PAIRS}{dedup_pairs.ab.pk}/decide/", {"decision": "same"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"decision", "expected_status"}


def test_merge_with_an_unknown_record_is_refused(
    api_client_for, manager_a, dedup_pairs, dedup_people
):
    response = api_client_for(manager_a).post(
        f"{PAIRS}{dedup_pairs.wives.pk}/merge/", {"keep": dedup_people.marko.pk}, format="json"
    )
    assert response.status_code == 400
    assert "keep" in response.json()["error"]["fields"]
    assert not Merge.objects.exists()


def test_merge_then_undo(api_client_for, manager_a, dedup_pairs, dedup_people):
    api = api_client_for(manager_a)
    pair, kept, merged = dedup_pairs.wives, dedup_people.ljiljana_a, dedup_people.ljiljana_b
    response = api.post(
        f"{PAIRS}{pair.pk}/merge/",
        {
            "keep": kept.pk,
            "note": "Same JMBG on paper.",
            "expected_version_kept": kept.version,
            "expected_version_merged": merged.version,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kept"], body["merged"], body["undone_at"]) == (kept.pk, merged.pk, None)
    assert _ids(api.get("/api/v1/merges/")) == [body["id"]]
    merged_pair = api.get(f"{PAIRS}{pair.pk}/").json()
    assert merged_pair["status"] == "same"
    # The record merged away is gone: null in its place.
    expected = [pk if pk == kept.pk else None for pk in (pair.person_a, pair.person_b)]
    assert [person and person["id"] for person in merged_pair["people"]] == expected
    assert api.get(f"/api/v1/merges/{body['id']}/").json()["merged_by"] == manager_a.username

    undone = api.post(f"/api/v1/merges/{body['id']}/undo/")
    assert undone.status_code == 200
    assert undone.json()["undone_by"] == manager_a.username
    assert Person.objects.filter(pk=merged.pk).exists()
    again = api.post(f"/api/v1/merges/{body['id']}/undo/")
    assert again.status_code == 400


def test_a_merge_refused_by_the_service_says_why(
    api_client_for, manager_a, dedup_pairs, dedup_people
):
    response = api_client_for(manager_a).post(
        f"{PAIRS}{dedup_pairs.ab.pk}/merge/", {"keep": dedup_people.dragan_a.pk}, format="json"
    )
    assert response.status_code == 400
    assert "Make another member the head" in str(response.json()["error"]["fields"])


def test_start_a_run_answers_202_with_its_job(api_client_for, manager_a, project_a):
    api = api_client_for(manager_a)
    response = api.post(
        "/api/v1/dedup-runs/",
        {"coverage": "project", "project": project_a.code, "threshold": 0.95},
        format="json",
    )
    assert response.status_code == 202
    run = DedupRun.objects.get()
    assert response.json() == {
        "run": run.pk,
        "job": str(run.job_id),
        "status": "queued",
        "url": f"/api/v1/dedup-runs/{run.pk}/",
        "job_url": f"/api/v1/jobs/{run.job_id}/",
    }
    assert _ids(api.get("/api/v1/dedup-runs/")) == [run.pk]
    detail = api.get(f"/api/v1/dedup-runs/{run.pk}/").json()
    assert (detail["coverage"], detail["project"], detail["threshold"]) == (
        "project",
        project_a.code,
        0.95,
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"coverage": "project"}, "project"),
        ({"coverage": "project", "project": "project-b"}, "project"),
        ({"coverage": "import", "people_import": 12345}, "people_import"),
        ({"coverage": "everything"}, "coverage"),
        ({"threshold": 1.5}, "threshold"),
    ],
)
def test_a_bad_run_is_refused_with_the_field_named(
    api_client_for, manager_a, project_b, data, field
):
    response = api_client_for(manager_a).post("/api/v1/dedup-runs/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not DedupRun.objects.exists()


def test_the_schema_describes_the_endpoints(api_client_for, manager_a):
    schema = api_client_for(manager_a).get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/dedup-runs/"]
    assert "post" in paths["/api/v1/duplicate-pairs/{id}/decide/"]
    assert "post" in paths["/api/v1/duplicate-pairs/{id}/merge/"]
    assert "post" in paths["/api/v1/merges/{id}/undo/"]
