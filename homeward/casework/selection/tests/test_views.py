"""The selection pages: the project's selection page, the criteria editor, a ranking with what
changed, decisions, the project panel and "My day" — rendered strictly, for every role."""

import copy
from datetime import date

import pytest

from homeward.accounts.roles import Role, capabilities_of
from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.casework.selection.models import SelectionCriteria, SelectionRun
from homeward.casework.selection.services import (
    selection_criteria_create,
    selection_decide,
    selection_run,
)
from homeward.casework.selection.tests.pages import PAGES
from homeward.core.actors import Actor
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


class Undefined(str):
    def __contains__(self, key):
        return key == "%s"

    def __mod__(self, name):
        raise AssertionError(f"The template uses an undefined variable: {name}")


@pytest.fixture(autouse=True)
def strict_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = Undefined("%s")
    settings.TEMPLATES = templates


@pytest.fixture
def ranked(system, project_a, criteria_v1, family):
    """Two eligible families and one in private accommodation, ranked once."""
    mother = family(
        ("head", "female", 1985, {"single_parent": True}),
        ("child", "male", 2012, {"wg_walking": 4}),
        accommodation="informal_settlement",
    )
    big = family(("head", "male", 1975), ("spouse", "female", 1978), ("child", "male", 2010))
    private = family(accommodation="private")
    run = selection_run(actor=system, project=project_a)
    return run, mother, big, private


def selection_url(project):
    return f"/projects/{project.code}/selection/"


class TestEveryRole:
    @pytest.mark.parametrize("role", Role.values)
    def test_each_page_renders_for_the_roles_that_may_see_it(
        self, role, make_user, org_a, client_for, ranked, criteria_v1
    ):
        run = ranked[0]
        browser = client_for(make_user(org_a, role))
        values = {"selection_run": run.pk, "selection_criteria": criteria_v1.number}
        for name, (path, capability) in PAGES.items():
            response = browser.get(path.format(**values))
            expected = 200 if capability in capabilities_of(role) else 404
            assert response.status_code == expected, (role, name)

    def test_the_superuser_sees_every_page(self, superuser, client_for, ranked, criteria_v1):
        browser = client_for(superuser)
        values = {"selection_run": ranked[0].pk, "selection_criteria": criteria_v1.number}
        for name, (path, _capability) in PAGES.items():
            assert browser.get(path.format(**values)).status_code == 200, name

    def test_another_organisation_sees_none_of_it(self, manager_b, client_for, ranked):
        run = ranked[0]
        browser = client_for(manager_b)
        for path in (
            "/projects/project-a/selection/",
            "/projects/project-a/selection/criteria/1/",
            "/projects/project-a/selection/criteria/new/",
            f"/selection/runs/{run.pk}/",
        ):
            assert browser.get(path).status_code == 404, path
        assert browser.post("/projects/project-a/selection/run/").status_code == 404
        assert SelectionRun.objects.count() == 1


class TestSelectionPage:
    def test_the_committee_sees_the_ranking_explained_with_decisions_to_take(
        self, committee_a, client_for, ranked, project_a
    ):
        run, mother, big, private = ranked
        response = client_for(committee_a).get(selection_url(project_a))
        assert response.status_code == 200
        page = response.content.decode()
        rows = response.context["rows"]
        assert [row.household.number for row in rows] == [
            mother.number,
            big.number,
            private.number,
        ]
        assert "Household members: 2 points each, at most 10" in page
        assert "Fails: Accommodation is one of Collective centre, Informal settlement" in page
        assert "(value: Private accommodation)" in page
        assert "Ana Jovanović" in page  # the mother, head of the first family
        assert page.count('name="decision"') == 3
        # An ineligible candidate cannot be selected: the choice is not offered.
        private_row = rows[2]
        assert private_row.decidable
        assert 'action="/projects/project-a/selection/run/"' in page
        assert AuditEvent.objects.filter(
            action="selection_run.read", target_id=str(run.pk)
        ).exists()

    def test_a_case_worker_reads_but_neither_ranks_nor_decides(
        self, case_worker_a, client_for, ranked, project_a
    ):
        page = client_for(case_worker_a).get(selection_url(project_a)).content.decode()
        assert 'name="decision"' not in page
        assert "Rank now" not in page
        assert "New version of the criteria" not in page
        assert "Criterion by criterion" in page

    def test_before_any_criteria(self, manager_a, client_for, project_a):
        response = client_for(manager_a).get(selection_url(project_a))
        assert response.status_code == 200
        assert "No selection criteria have been defined" in response.content.decode()
        assert "Rank now" not in response.content.decode()


class TestRunning:
    def test_the_committee_ranks_and_lands_on_the_ranking(
        self, committee_a, client_for, ranked, project_a
    ):
        response = client_for(committee_a).post(
            f"/projects/{project_a.code}/selection/run/", {"criteria": "1"}
        )
        run = SelectionRun.objects.order_by("-pk").first()
        assert response.status_code == 302
        assert response.url == f"/selection/runs/{run.pk}/"
        assert run.previous == ranked[0]
        assert run.created_by_label == "committee-a"

    def test_a_case_worker_cannot_rank(self, case_worker_a, client_for, ranked, project_a):
        response = client_for(case_worker_a).post(f"/projects/{project_a.code}/selection/run/")
        assert response.status_code == 404
        assert SelectionRun.objects.count() == 1

    def test_without_criteria_it_says_so(self, manager_a, client_for, project_a, family):
        family()
        response = client_for(manager_a).post(
            f"/projects/{project_a.code}/selection/run/", follow=True
        )
        assert "Define the selection criteria of the project first." in response.content.decode()
        assert not SelectionRun.objects.exists()

    def test_the_ranking_page_shows_what_changed_and_why(
        self, system, manager_a, client_for, ranked, project_a
    ):
        _run, mother, _big, private = ranked
        selection_criteria_create(
            actor=system,
            project=project_a,
            conditions=[],
            criteria=[
                {"fact": "household.size", "points": 2, "per_unit": True, "max_points": 10},
                {"fact": "household.disability", "operator": "is true", "points": 1},
                {"fact": "household.single_parent", "operator": "is true", "points": 3},
            ],
            note="No accommodation condition",
            replaces=1,
        )
        second = selection_run(actor=system, project=project_a)
        response = client_for(manager_a).get(f"/selection/runs/{second.pk}/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "No longer fails “Accommodation is one of" in page
        assert "“A member with a disability”: 5 → 1 points (its weight changed)." in page
        # The big family keeps its score and rank: it is not listed.
        assert {change.household_number for change in response.context["changes"]} == {
            mother.number,
            private.number,
        }


class TestDeciding:
    def test_a_decision_is_recorded_with_its_reason_and_context(
        self, committee_a, client_for, ranked
    ):
        run, mother, _big, _private = ranked
        response = client_for(committee_a).post(
            f"/selection/runs/{run.pk}/decide/",
            {
                "enrolment": mother.enrolment.pk,
                "version": mother.enrolment.version,
                "decision": "selected",
                "reason": "First in the ranking",
                "back": "selection",
            },
        )
        assert response.status_code == 302
        assert response.url == f"/projects/project-a/selection/#candidate-{mother.enrolment.pk}"
        step = EnrolmentStep.objects.get(enrolment=mother.enrolment, to_status="selected")
        assert step.context["run"] == run.pk
        assert step.context["rank"] == 1
        assert step.reason == "First in the ranking"

    def test_a_refused_decision_keeps_what_was_typed_on_the_row(
        self, committee_a, client_for, ranked
    ):
        run, _mother, big, _private = ranked
        response = client_for(committee_a).post(
            f"/selection/runs/{run.pk}/decide/",
            {
                "enrolment": big.enrolment.pk,
                "version": big.enrolment.version,
                "decision": "rejected",
                "reason": "",
            },
        )
        assert response.status_code == 400
        row = next(r for r in response.context["rows"] if r.enrolment_id == big.enrolment.pk)
        assert row.form_errors == ["Give the reason for this decision."]
        assert row.form_decision == "rejected"
        assert Enrolment.objects.get(pk=big.enrolment.pk).status == "candidate"

    def test_a_decision_over_a_newer_one_is_a_conflict(
        self, actor, committee_a, manager_a, client_for, ranked
    ):
        run, _mother, big, _private = ranked
        read = big.enrolment.version
        selection_decide(
            actor=actor(manager_a),
            run=run,
            enrolment_id=big.enrolment.pk,
            decision="waitlisted",
            reason="Budget",
            expected_version=read,
        )
        response = client_for(committee_a).post(
            f"/selection/runs/{run.pk}/decide/",
            {
                "enrolment": big.enrolment.pk,
                "version": read,
                "decision": "selected",
                "reason": "We agreed",
            },
        )
        assert response.status_code == 409
        row = next(r for r in response.context["rows"] if r.enrolment_id == big.enrolment.pk)
        assert "Somebody else changed this record" in row.form_errors[0]
        assert row.form_reason == "We agreed"
        assert Enrolment.objects.get(pk=big.enrolment.pk).status == "waitlisted"

    def test_a_candidate_not_in_the_ranking(self, committee_a, client_for, ranked, family):
        run = ranked[0]
        newcomer = family()
        response = client_for(committee_a).post(
            f"/selection/runs/{run.pk}/decide/",
            {"enrolment": newcomer.enrolment.pk, "version": 1, "decision": "selected"},
        )
        assert response.status_code == 400
        assert "This candidate is not in this ranking." in response.content.decode()
        assert Enrolment.objects.get(pk=newcomer.enrolment.pk).status == "candidate"

    def test_who_may_not_decide(self, case_worker_a, manager_b, client_for, ranked):
        run, mother, _big, _private = ranked
        for user in (case_worker_a, manager_b):
            response = client_for(user).post(
                f"/selection/runs/{run.pk}/decide/",
                {"enrolment": mother.enrolment.pk, "version": 1, "decision": "selected"},
            )
            assert response.status_code == 404
        assert Enrolment.objects.get(pk=mother.enrolment.pk).status == "candidate"


class TestCriteriaEditor:
    def test_the_editor_starts_from_the_current_version(
        self, manager_a, client_for, criteria_v1, project_a
    ):
        response = client_for(manager_a).get("/projects/project-a/selection/criteria/new/")
        assert response.status_code == 200
        criteria = response.context["criteria"]
        assert [form.initial["fact"] for form in criteria.forms[:3]] == [
            "household.size",
            "household.disability",
            "household.single_parent",
        ]
        conditions = response.context["conditions"]
        assert conditions.forms[0].initial["value"] == "collective_centre, informal_settlement"
        assert response.context["form"].initial["replaces"] == 1

    def test_rows_become_a_new_version(self, manager_a, client_for, criteria_v1, project_a):
        data = {
            "replaces": "1",
            "note": "Children count more",
            "conditions-TOTAL_FORMS": "2",
            "conditions-INITIAL_FORMS": "0",
            "conditions-0-fact": "household.current_municipality",
            "conditions-0-operator": "in",
            "conditions-0-value": "Zvezdara, Palilula (Niš)",
            "conditions-1-fact": "",
            "criteria-TOTAL_FORMS": "3",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-fact": "household.children",
            "criteria-0-points": "2",
            "criteria-0-per_unit": "on",
            "criteria-0-max_points": "8",
            "criteria-1-fact": "household.accommodation",
            "criteria-1-operator": "=",
            "criteria-1-value": "collective_centre",
            "criteria-1-points": "4",
            "criteria-2-fact": "",
        }
        response = client_for(manager_a).post("/projects/project-a/selection/criteria/new/", data)
        assert response.status_code == 302
        assert response.url == "/projects/project-a/selection/criteria/2/"
        version = SelectionCriteria.objects.get(project=project_a, number=2)
        assert version.conditions == [
            {
                "fact": "household.current_municipality",
                "operator": "in",
                "value": ["RS-00-zvezdara", "RS-20-palilula"],
            }
        ]
        assert version.criteria == [
            {
                "fact": "household.children",
                "operator": "",
                "value": None,
                "points": 2,
                "per_unit": True,
                "max_points": 8,
            },
            {
                "fact": "household.accommodation",
                "operator": "=",
                "value": "collective_centre",
                "points": 4,
                "per_unit": False,
                "max_points": None,
            },
        ]
        assert version.note == "Children count more"
        detail = client_for(manager_a).get(response.url).content.decode()
        assert "Children under 18: 2 points each, at most 8" in detail

    def test_bad_rows_are_named_on_their_row_and_nothing_is_saved(
        self, manager_a, client_for, criteria_v1, project_a
    ):
        data = {
            "replaces": "1",
            "conditions-TOTAL_FORMS": "1",
            "conditions-INITIAL_FORMS": "0",
            "conditions-0-fact": "household.disability",
            "conditions-0-operator": ">=",
            "conditions-0-value": "1",
            "criteria-TOTAL_FORMS": "2",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-fact": "household.size",
            "criteria-0-operator": ">=",
            "criteria-0-value": "3",
            "criteria-0-points": "lots",
            "criteria-1-fact": "household.wealth",
            "criteria-1-operator": "=",
            "criteria-1-value": "1",
            "criteria-1-points": "1",
        }
        response = client_for(manager_a).post("/projects/project-a/selection/criteria/new/", data)
        assert response.status_code == 200
        conditions, criteria = response.context["conditions"], response.context["criteria"]
        assert "does not suit" in conditions.forms[0].errors["operator"][0]
        assert criteria.forms[0].errors["points"] == ["Give the points as a number."]
        assert "no fact Homeward knows" in criteria.forms[1].errors["fact"][0]
        assert SelectionCriteria.objects.count() == 1
        # What was typed is still there.
        assert 'value="lots"' in response.content.decode()

    def test_a_version_without_criteria_is_refused_above_the_form(
        self, manager_a, client_for, project_a
    ):
        data = {
            "replaces": "",
            "conditions-TOTAL_FORMS": "1",
            "conditions-INITIAL_FORMS": "0",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
        }
        response = client_for(manager_a).post("/projects/project-a/selection/criteria/new/", data)
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            "Give at least one scoring criterion."
        ]
        assert not SelectionCriteria.objects.exists()

    def test_more_rows(self, manager_a, client_for, project_a):
        data = {
            "replaces": "",
            "conditions-TOTAL_FORMS": "2",
            "conditions-INITIAL_FORMS": "0",
            "criteria-TOTAL_FORMS": "2",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-fact": "household.size",
            "criteria-0-operator": ">=",
            "criteria-0-value": "4",
            "criteria-0-points": "2",
            "more_criteria": "1",
        }
        response = client_for(manager_a).post("/projects/project-a/selection/criteria/new/", data)
        assert response.status_code == 200
        assert len(response.context["criteria"].forms) == 5
        assert response.context["criteria"].forms[0]["points"].value() == "2"
        assert not SelectionCriteria.objects.exists()

    def test_a_version_saved_meanwhile_is_not_overwritten(
        self, system, manager_a, client_for, criteria_v1, project_a
    ):
        selection_criteria_create(
            actor=system,
            project=project_a,
            conditions=[],
            criteria=[{"fact": "household.size", "operator": ">=", "value": 1, "points": 1}],
            replaces=1,
        )
        data = {
            "replaces": "1",
            "conditions-TOTAL_FORMS": "0",
            "conditions-INITIAL_FORMS": "0",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-fact": "household.children",
            "criteria-0-operator": ">=",
            "criteria-0-value": "2",
            "criteria-0-points": "7",
        }
        browser = client_for(manager_a)
        response = browser.post("/projects/project-a/selection/criteria/new/", data)
        assert response.status_code == 200
        assert "Somebody saved version 2" in response.content.decode()
        assert response.context["form"]["replaces"].value() == 2
        assert response.context["criteria"].forms[0]["points"].value() == "7"
        assert SelectionCriteria.objects.count() == 2
        # Saving again, knowingly, makes version 3.
        data["replaces"] = "2"
        assert browser.post("/projects/project-a/selection/criteria/new/", data).status_code == 302
        assert SelectionCriteria.objects.get(number=3).criteria[0]["points"] == 7

    def test_starting_from_an_older_version(self, system, manager_a, client_for, criteria_v1):
        selection_criteria_create(
            actor=system,
            project=criteria_v1.project,
            conditions=[],
            criteria=[{"fact": "household.size", "operator": ">=", "value": 1, "points": 1}],
            replaces=1,
        )
        response = client_for(manager_a).get("/projects/project-a/selection/criteria/new/?from=1")
        assert response.context["criteria"].forms[1].initial["fact"] == "household.disability"
        assert response.context["form"].initial["replaces"] == 2
        assert (
            client_for(manager_a)
            .get("/projects/project-a/selection/criteria/new/?from=9")
            .status_code
            == 404
        )

    def test_committee_members_and_case_workers_cannot_edit(
        self, committee_a, case_worker_a, client_for, project_a
    ):
        for user in (committee_a, case_worker_a):
            browser = client_for(user)
            assert browser.get("/projects/project-a/selection/criteria/new/").status_code == 404
            assert browser.post("/projects/project-a/selection/criteria/new/").status_code == 404


class TestProjectPanelAndMyDay:
    def test_a_donor_sees_the_criteria_but_no_ranking(
        self, donor_viewer, client_for, ranked, project_a
    ):
        from django.test import RequestFactory

        from homeward.casework.selection.panels import project_panel

        request = RequestFactory().get("/")
        request.actor = Actor(user=donor_viewer)
        panel = project_panel(request=request, project=project_a)
        assert panel.context["current"].number == 1
        assert panel.context["can_read_rankings"] is False
        assert panel.context["run"] is None
        assert "Household members: 2 points each, at most 10" in panel.context["criteria"]

    def test_the_project_page_links_to_the_selection(self, manager_a, client_for, ranked):
        page = client_for(manager_a).get("/projects/project-a/").content.decode()
        assert 'href="/projects/project-a/selection/"' in page
        assert 'href="/projects/project-a/selection/criteria/new/"' in page

    def test_the_committee_day_lists_rankings_awaiting_decisions(
        self, committee_a, case_worker_a, ranked
    ):
        from homeward.casework.selection.panels import agenda_items

        run = ranked[0]
        [item] = agenda_items(actor=Actor(user=committee_a), today=date(2026, 1, 1))
        assert item.is_approval
        assert item.url == f"/selection/runs/{run.pk}/"
        assert item.detail == "2 eligible candidates await a decision."
        assert agenda_items(actor=Actor(user=case_worker_a), today=date(2026, 1, 1)) == []

    def test_decided_candidates_leave_the_day(self, actor, committee_a, ranked):
        from homeward.casework.selection.panels import agenda_items

        run, mother, big, _private = ranked
        for household in (mother, big):
            selection_decide(
                actor=actor(committee_a),
                run=run,
                enrolment_id=household.enrolment.pk,
                decision="selected",
                expected_version=None,
            )
        assert agenda_items(actor=actor(committee_a), today=date(2026, 1, 1)) == []


class TestHouseholdPanel:
    def test_the_household_page_shows_its_standing(self, case_worker_a, client_for, ranked):
        run, mother, _big, private = ranked
        browser = client_for(case_worker_a)
        page = browser.get(f"/registry/households/{mother.number}/").content.decode()
        assert f'href="/selection/runs/{run.pk}/#candidate-{mother.enrolment.pk}"' in page
        assert "rank 1 of 2 eligible, 12 points" in page
        other = browser.get(f"/registry/households/{private.number}/").content.decode()
        assert "not eligible" in other
        assert "Accommodation is one of Collective centre, Informal settlement" in other

    def test_nothing_without_a_ranking(self, case_worker_a, client_for, family):
        household = family()
        page = client_for(case_worker_a).get(f"/registry/households/{household.number}/")
        assert page.status_code == 200
        assert 'id="selection"' not in page.content.decode()
