"""``/api/v1/selection-criteria/`` and ``/api/v1/selection-runs/``: the same services, scope and
refusals as the pages, in the API's one error format."""

import pytest

from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.casework.selection.models import SelectionCriteria, SelectionRun
from homeward.casework.selection.services import selection_criteria_create, selection_run
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db

CRITERIA = "/api/v1/selection-criteria/"
RUNS = "/api/v1/selection-runs/"

SIZE = {"fact": "household.size", "points": 2, "per_unit": True, "max_points": 10}


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    return error


@pytest.fixture
def ranked(system, project_a, criteria_v1, family):
    mother = family(
        ("head", "female", 1985, {"single_parent": True}),
        ("child", "male", 2012, {"wg_walking": 4}),
        accommodation="informal_settlement",
    )
    private = family(accommodation="private")
    return selection_run(actor=system, project=project_a), mother, private


class TestCriteria:
    def test_a_manager_saves_versions(self, api_client_for, manager_a, project_a):
        api = api_client_for(manager_a)
        first = api.post(
            CRITERIA,
            {
                "project": "project-a",
                "conditions": [
                    {"fact": "head.displacement_status", "operator": "=", "value": "idp"}
                ],
                "criteria": [SIZE],
                "note": "Start",
                "replaces": None,
            },
            format="json",
        )
        assert first.status_code == 201, first.content
        body = first.json()
        assert (body["project"], body["number"], body["is_current"]) == ("project-a", 1, True)
        assert body["described"] == {
            "conditions": ["Displacement status of the head = Internally displaced person"],
            "criteria": ["Household members: 2 points each, at most 10"],
        }
        second = api.post(
            CRITERIA,
            {"project": "project-a", "criteria": [SIZE], "replaces": 1},
            format="json",
        )
        assert second.json()["number"] == 2
        listed = api.get(CRITERIA, {"project": "project-a"}).json()["results"]
        assert [(v["number"], v["is_current"]) for v in listed] == [(2, True), (1, False)]
        assert api.get(f"{CRITERIA}{body['id']}/").json()["conditions"][0]["value"] == "idp"

    @pytest.mark.parametrize(
        ("criteria", "field"),
        [
            (
                [{"fact": "household.income", "operator": "=", "value": 1, "points": 1}],
                "criteria.0.fact",
            ),
            (
                [{"fact": "household.size", "operator": ">=", "value": 1, "points": "x"}],
                "criteria.0.points",
            ),
            (
                [{"fact": "household.disability", "operator": "<", "value": 1, "points": 1}],
                "criteria.0.operator",
            ),
            (
                [{"fact": "household.size", "operator": ">=", "value": [1], "points": 1}],
                "criteria.0.value",
            ),
            ({"fact": "household.size"}, "criteria"),
        ],
    )
    def test_bad_rules_answer_400_naming_the_field(self, api_client, project_a, criteria, field):
        response = api_client.post(
            CRITERIA,
            {"project": "project-a", "criteria": criteria, "replaces": None},
            format="json",
        )
        assert field in error_of(response, 400, "invalid")["fields"]
        assert not SelectionCriteria.objects.exists()

    def test_a_missing_replaces_is_refused(self, api_client, project_a):
        response = api_client.post(
            CRITERIA, {"project": "project-a", "criteria": [SIZE]}, format="json"
        )
        assert "replaces" in error_of(response, 400, "invalid")["fields"]

    def test_a_version_saved_meanwhile_answers_409(self, api_client, criteria_v1):
        response = api_client.post(
            CRITERIA, {"project": "project-a", "criteria": [SIZE], "replaces": None}, format="json"
        )
        error_of(response, 409, "conflict")
        assert SelectionCriteria.objects.count() == 1

    def test_projects_out_of_scope_are_not_there(
        self, api_client_for, manager_a, donor_viewer, project_b, project_a
    ):
        for user, code in (
            (manager_a, "project-b"),
            (manager_a, "no-such"),
            (donor_viewer, "project-a"),
        ):
            response = api_client_for(user).post(
                CRITERIA, {"project": code, "criteria": [SIZE], "replaces": None}, format="json"
            )
            error_of(response, 404, "not_found")
        assert not SelectionCriteria.objects.exists()

    def test_whoever_sees_the_project_reads_its_criteria(
        self, api_client_for, donor_viewer, manager_b, criteria_v1
    ):
        donor = api_client_for(donor_viewer)
        assert [v["number"] for v in donor.get(CRITERIA).json()["results"]] == [1]
        assert api_client_for(manager_b).get(CRITERIA).json()["results"] == []
        error_of(api_client_for(manager_b).get(f"{CRITERIA}{criteria_v1.pk}/"), 404, "not_found")
        error_of(api_client_for(manager_b).get(CRITERIA, {"project": "project-a"}), 400, "invalid")


class TestRuns:
    def test_ranking_through_the_api(self, api_client_for, make_user, org_a, ranked, project_a):
        from homeward.accounts.roles import Role

        _first, mother, private = ranked
        committee = make_user(org_a, Role.SELECTION_COMMITTEE)
        response = api_client_for(committee).post(RUNS, {"project": "project-a"}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["criteria_version"] == 1
        assert (body["candidate_count"], body["eligible_count"]) == (2, 1)
        first_row, second_row = body["candidates"]
        assert first_row["household_number"] == mother.number
        assert (first_row["rank"], first_row["score"], first_row["eligible"]) == (1, "12.00", True)
        assert first_row["explanation"]["criteria"] == [
            {
                "criterion": "Household members: 2 points each, at most 10",
                "value": "2",
                "points": "4",
            },
            {"criterion": "A member with a disability", "value": "yes", "points": "5"},
            {"criterion": "A single parent", "value": "yes", "points": "3"},
        ]
        assert second_row["household_number"] == private.number
        assert second_row["rank"] is None
        assert second_row["explanation"]["conditions"][0]["holds"] is False
        # Nothing changed since the first ranking.
        assert body["previous"] == _first.pk
        assert body["changes"] == []

    def test_an_unknown_version_is_a_field_error(self, api_client, ranked):
        response = api_client.post(
            RUNS, {"project": "project-a", "criteria_version": 7}, format="json"
        )
        assert "criteria_version" in error_of(response, 400, "invalid")["fields"]
        assert SelectionRun.objects.count() == 1

    def test_who_may_not_rank(self, api_client_for, case_worker_a, manager_b, ranked):
        for user in (case_worker_a, manager_b):
            response = api_client_for(user).post(RUNS, {"project": "project-a"}, format="json")
            error_of(response, 404, "not_found")
        assert SelectionRun.objects.count() == 1

    def test_reading_a_ranking_is_audited_and_scoped(
        self, api_client_for, case_worker_a, manager_b, donor_viewer, ranked
    ):
        run = ranked[0]
        body = api_client_for(case_worker_a).get(f"{RUNS}{run.pk}/").json()
        assert len(body["candidates"]) == 2
        assert AuditEvent.objects.filter(action="selection_run.read", actor=case_worker_a).exists()
        assert [r["id"] for r in api_client_for(case_worker_a).get(RUNS).json()["results"]] == [
            run.pk
        ]
        error_of(api_client_for(manager_b).get(f"{RUNS}{run.pk}/"), 404, "not_found")
        error_of(api_client_for(donor_viewer).get(RUNS), 404, "not_found")

    def test_changes_since_the_ranking_before(self, system, api_client, ranked, project_a):
        _first, mother, private = ranked
        selection_criteria_create(
            actor=system, project=project_a, conditions=[], criteria=[SIZE], replaces=1
        )
        second = selection_run(actor=system, project=project_a)
        changes = {
            change["household_number"]: change
            for change in api_client.get(f"{RUNS}{second.pk}/").json()["changes"]
        }
        assert changes[private.number]["before"]["eligible"] is False
        assert changes[private.number]["after"] == {"eligible": True, "score": "2.00", "rank": 2}
        assert changes[mother.number]["reasons"] == [
            "Criterion “A member with a disability” removed: 5 points no more.",
            "Criterion “A single parent” removed: 3 points no more.",
        ]


class TestDecide:
    def test_a_decision(self, api_client, ranked):
        run, mother, _private = ranked
        response = api_client.post(
            f"{RUNS}{run.pk}/decide/",
            {
                "enrolment": mother.enrolment.pk,
                "decision": "selected",
                "reason": "First",
                "version": mother.enrolment.version,
            },
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["decision"] == "selected"
        assert response.json()["enrolment_status"] == "selected"
        step = EnrolmentStep.objects.get(enrolment=mother.enrolment, to_status="selected")
        assert step.context == {"run": run.pk, "criteria_version": 1, "rank": 1, "score": "12.00"}

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"decision": "selected", "version": 1}, "enrolment"),
            ({"decision": "active", "version": 1, "enrolment": 0}, "decision"),
            ({"decision": "selected", "enrolment": 0}, "version"),
        ],
    )
    def test_bad_decisions_name_the_field(self, api_client, ranked, body, field):
        run, mother, _private = ranked
        if body.get("enrolment") == 0:
            body["enrolment"] = mother.enrolment.pk
        response = api_client.post(f"{RUNS}{run.pk}/decide/", body, format="json")
        assert field in error_of(response, 400, "invalid")["fields"]
        assert Enrolment.objects.get(pk=mother.enrolment.pk).status == "candidate"

    def test_a_candidate_not_in_the_ranking(self, api_client, ranked, family):
        run = ranked[0]
        newcomer = family()
        response = api_client.post(
            f"{RUNS}{run.pk}/decide/",
            {"enrolment": newcomer.enrolment.pk, "decision": "selected", "version": 1},
            format="json",
        )
        assert error_of(response, 400, "invalid")["fields"]["enrolment"] == [
            "This candidate is not in this ranking."
        ]

    def test_stale_and_illegal_decisions_answer_409(self, api_client, ranked):
        run, mother, _private = ranked
        url = f"{RUNS}{run.pk}/decide/"
        read = mother.enrolment.version
        api_client.post(
            url,
            {
                "enrolment": mother.enrolment.pk,
                "decision": "waitlisted",
                "reason": "Budget",
                "version": read,
            },
            format="json",
        )
        stale = api_client.post(
            url,
            {"enrolment": mother.enrolment.pk, "decision": "selected", "version": read},
            format="json",
        )
        error_of(stale, 409, "conflict")
        current = Enrolment.objects.get(pk=mother.enrolment.pk).version
        selected = api_client.post(
            url,
            {"enrolment": mother.enrolment.pk, "decision": "selected", "version": current},
            format="json",
        )
        assert selected.status_code == 200
        illegal = api_client.post(
            url,
            {
                "enrolment": mother.enrolment.pk,
                "decision": "waitlisted",
                "reason": "x",
                "version": selected.json()["enrolment_version"],
            },
            format="json",
        )
        error_of(illegal, 409, "transition_not_allowed")

    def test_others_cannot_decide(self, api_client_for, case_worker_a, manager_b, ranked):
        run, mother, _private = ranked
        for user in (case_worker_a, manager_b):
            response = api_client_for(user).post(
                f"{RUNS}{run.pk}/decide/",
                {"enrolment": mother.enrolment.pk, "decision": "selected", "version": 1},
                format="json",
            )
            error_of(response, 404, "not_found")
        assert Enrolment.objects.get(pk=mother.enrolment.pk).status == "candidate"
