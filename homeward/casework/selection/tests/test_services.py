"""Criteria versions, rankings with their explanations, decisions and comparisons, through the
services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from homeward.casework.enrolment.models import Enrolment, EnrolmentStep
from homeward.casework.selection.facts import household_facts
from homeward.casework.selection.models import SelectionCandidate, SelectionCriteria, SelectionRun
from homeward.casework.selection.selectors import compare_runs
from homeward.casework.selection.services import (
    selection_criteria_create,
    selection_decide,
    selection_run,
)
from homeward.core.errors import ConflictError, TransitionNotAllowed, ValidationError
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def rows_of(run):
    return {row.household.number: row for row in run.candidates.select_related("household")}


@pytest.fixture
def three_families(family):
    """The big family (6, collective centre), the single mother with a disabled child
    (3, informal settlement) and the older man in private accommodation (ineligible)."""
    big = family(
        ("head", "male", 1975),
        ("spouse", "female", 1978),
        ("child", "male", 2005),
        ("child", "female", 2010),
        ("child", "female", 2012),
        ("child", "male", 2016),
        enrolled_on=date(2025, 2, 1),
    )
    mother = family(
        ("head", "female", 1985, {"single_parent": True}),
        ("child", "male", 2012, {"wg_walking": 4}),
        ("child", "female", 2014),
        accommodation="informal_settlement",
        enrolled_on=date(2025, 3, 1),
    )
    alone = family(
        ("head", "male", 1950, {"older_person_alone": True}),
        accommodation="private",
        enrolled_on=date(2025, 1, 15),
    )
    return big, mother, alone


class TestFacts:
    def test_registry_facts_are_computed_for_many_households_in_two_queries(
        self, three_families, django_assert_num_queries
    ):
        big, mother, alone = three_families
        keys = [
            "household.size",
            "household.children",
            "household.older_people",
            "household.disability",
            "household.members_with_disability",
            "household.female_headed",
            "household.single_parent",
            "household.accommodation",
            "head.displacement_status",
            "household.current_municipality",
            "household.origin_municipality",
            "household.return_intention",
        ]
        with django_assert_num_queries(2):
            facts = household_facts([big.pk, mother.pk, alone.pk], keys, on=date(2026, 1, 1))
        assert facts[big.pk]["household.size"] == 6
        # Born in June 2005: 20 on 1 January 2026, so three children under 18.
        assert facts[big.pk]["household.children"] == 3
        assert facts[big.pk]["household.disability"] is False
        assert facts[big.pk]["household.female_headed"] is False
        assert facts[mother.pk]["household.disability"] is True
        assert facts[mother.pk]["household.members_with_disability"] == 1
        assert facts[mother.pk]["household.female_headed"] is True
        assert facts[mother.pk]["household.single_parent"] is True
        assert facts[mother.pk]["household.accommodation"] == "informal_settlement"
        assert facts[alone.pk]["household.older_people"] == 1
        assert facts[alone.pk]["head.displacement_status"] == "idp"
        assert facts[alone.pk]["household.current_municipality"] == "RS-00-zvezdara"
        assert facts[alone.pk]["household.origin_municipality"] == "XK-gjilan"
        assert facts[alone.pk]["household.return_intention"] == "return"

    def test_ages_are_counted_on_the_day_of_the_ranking(self, family):
        household = family(("head", "female", 1990), ("child", "male", 2008))
        before = household_facts([household.pk], ["household.children"], on=date(2026, 5, 31))
        after = household_facts([household.pk], ["household.children"], on=date(2026, 6, 1))
        assert before[household.pk]["household.children"] == 1
        assert after[household.pk]["household.children"] == 0

    def test_an_answer_of_an_assessment_has_no_value_without_one(self, family):
        household = family()
        facts = household_facts([household.pk], ["assessment.needs.no_income"], on=date(2026, 1, 1))
        assert facts[household.pk]["assessment.needs.no_income"] is None


class TestCriteria:
    def test_versions_count_up_and_never_change(self, system, project_a, criteria_v1):
        v2 = selection_criteria_create(
            actor=system,
            project=project_a,
            conditions=[],
            criteria=[{"fact": "household.children", "points": 1, "per_unit": True}],
            replaces=1,
        )
        assert (criteria_v1.number, v2.number) == (1, 2)
        criteria_v1.refresh_from_db()
        assert criteria_v1.conditions[0]["value"] == ["collective_centre", "informal_settlement"]
        assert len(criteria_v1.criteria) == 3
        assert not criteria_v1.is_current
        assert v2.is_current
        assert AuditEvent.objects.filter(action="selection_criteria.create").count() == 2

    def test_a_saved_version_cannot_be_altered(self, criteria_v1):
        criteria_v1.criteria = []
        with pytest.raises(TypeError, match="never changes"):
            criteria_v1.save()
        criteria_v1.refresh_from_db()
        assert len(criteria_v1.criteria) == 3

    def test_a_version_saved_meanwhile_is_not_replaced_silently(
        self, system, project_a, criteria_v1
    ):
        rule = [{"fact": "household.size", "operator": ">=", "value": 3, "points": 1}]
        selection_criteria_create(
            actor=system, project=project_a, conditions=[], criteria=rule, replaces=1
        )
        with pytest.raises(ConflictError):
            selection_criteria_create(
                actor=system, project=project_a, conditions=[], criteria=rule, replaces=1
            )
        assert SelectionCriteria.objects.filter(project=project_a).count() == 2

    def test_values_are_stored_as_their_type(self, system, project_a):
        version = selection_criteria_create(
            actor=system,
            project=project_a,
            conditions=[
                {"fact": "household.size", "operator": ">=", "value": "2"},
                {
                    "fact": "household.accommodation",
                    "operator": "in",
                    "value": "Collective centre, informal_settlement",
                },
                {"fact": "household.current_municipality", "operator": "=", "value": "Zvezdara"},
                {"fact": "household.female_headed", "operator": "=", "value": "no"},
            ],
            criteria=[{"fact": "household.disability", "operator": "is true", "points": "2.5"}],
            replaces=None,
        )
        assert [condition["value"] for condition in version.conditions] == [
            2,
            ["collective_centre", "informal_settlement"],
            "RS-00-zvezdara",
            False,
        ]
        assert version.criteria[0]["points"] == 2.5

    @pytest.mark.parametrize(
        ("conditions", "criteria", "field", "message"),
        [
            (
                [{"fact": "household.wealth", "operator": "=", "value": 1}],
                [{"fact": "household.size", "operator": ">=", "value": 1, "points": 1}],
                "conditions.0.fact",
                "no fact Homeward knows",
            ),
            (
                [],
                [{"fact": "household.disability", "operator": ">=", "value": 1, "points": 1}],
                "criteria.0.operator",
                "does not suit",
            ),
            (
                [{"fact": "household.accommodation", "operator": "is true"}],
                [{"fact": "household.size", "operator": ">=", "value": 1, "points": 1}],
                "conditions.0.operator",
                "does not suit",
            ),
            (
                [],
                [{"fact": "household.size", "operator": ">=", "value": 3, "points": "many"}],
                "criteria.0.points",
                "as a number",
            ),
            (
                [],
                [{"fact": "household.size", "operator": ">=", "value": "three", "points": 1}],
                "criteria.0.value",
                "Give a number",
            ),
            (
                [{"fact": "household.accommodation", "operator": "=", "value": "palace"}],
                [{"fact": "household.size", "operator": ">=", "value": 1, "points": 1}],
                "conditions.0.value",
                "Choose one of",
            ),
            (
                [{"fact": "household.current_municipality", "operator": "=", "value": "Atlantis"}],
                [{"fact": "household.size", "operator": ">=", "value": 1, "points": 1}],
                "conditions.0.value",
                "municipality",
            ),
            (
                [],
                [{"fact": "household.disability", "points": 1, "per_unit": True}],
                "criteria.0.per_unit",
                "Only a number",
            ),
            (
                [],
                [
                    {
                        "fact": "household.disability",
                        "operator": "is true",
                        "points": 1,
                        "max_points": 5,
                    }
                ],
                "criteria.0.max_points",
                "Only points per unit",
            ),
            ([], [], "criteria", "at least one"),
            ("size > 3", [], "conditions", "as a list"),
            (
                [],
                [{"fact": "household.size", "operator": "=", "value": 1, "points": 5000}],
                "criteria.0.points",
                "at most 1000",
            ),
            (
                [],
                [{"fact": "assessment.needs", "operator": "is true", "points": 1}],
                "criteria.0.fact",
                "no fact",
            ),
        ],
    )
    def test_bad_rules_are_refused_naming_the_field(
        self, system, project_a, conditions, criteria, field, message
    ):
        with pytest.raises(ValidationError) as refused:
            selection_criteria_create(
                actor=system,
                project=project_a,
                conditions=conditions,
                criteria=criteria,
                replaces=None,
            )
        assert message in " ".join(refused.value.message_dict[field])
        assert not SelectionCriteria.objects.exists()
        assert not AuditEvent.objects.filter(action="selection_criteria.create").exists()

    def test_every_bad_row_is_named_at_once(self, system, project_a):
        with pytest.raises(ValidationError) as refused:
            selection_criteria_create(
                actor=system,
                project=project_a,
                conditions=[{"fact": "nope", "operator": "=", "value": 1}],
                criteria=[
                    {"fact": "household.size", "operator": ">=", "value": 1, "points": "x"},
                    {"fact": "household.children", "operator": "is true", "points": 1},
                ],
                replaces=None,
            )
        assert set(refused.value.message_dict) == {
            "conditions.0.fact",
            "criteria.0.points",
            "criteria.1.operator",
        }

    def test_only_the_lead_organisations_managers_define_criteria(
        self, actor, project_a, case_worker_a, committee_a, manager_b, manager_a, me_officer_a
    ):
        rule = [{"fact": "household.size", "operator": ">=", "value": 1, "points": 1}]
        for user in (case_worker_a, committee_a, manager_b):
            with pytest.raises(Http404):
                selection_criteria_create(
                    actor=actor(user),
                    project=project_a,
                    conditions=[],
                    criteria=rule,
                    replaces=None,
                )
        assert not SelectionCriteria.objects.exists()
        version = selection_criteria_create(
            actor=actor(me_officer_a),
            project=project_a,
            conditions=[],
            criteria=rule,
            replaces=None,
        )
        selection_criteria_create(
            actor=actor(manager_a), project=project_a, conditions=[], criteria=rule, replaces=1
        )
        assert version.created_by == me_officer_a


class TestRanking:
    def test_candidates_are_scored_ranked_and_explained(
        self, system, project_a, criteria_v1, three_families
    ):
        big, mother, alone = three_families
        run = selection_run(actor=system, project=project_a, criteria=criteria_v1)
        rows = rows_of(run)
        assert (run.candidate_count, run.eligible_count) == (3, 2)
        # 6 members × 2 = 12, capped at 10.
        assert rows[big.number].score == Decimal(10)
        # 3 members × 2 = 6, a disabled child 5, a single parent 3.
        assert rows[mother.number].score == Decimal(14)
        assert [rows[mother.number].rank, rows[big.number].rank] == [1, 2]
        explained = rows[mother.number].criteria
        assert [(line["fact"], line["actual"], line["earned"]) for line in explained] == [
            ("household.size", 3, "6"),
            ("household.disability", True, "5"),
            ("household.single_parent", True, "3"),
        ]
        assert rows[big.number].criteria[0]["earned"] == "10"
        # Not in a collective centre or informal settlement: not eligible, and it says why.
        assert rows[alone.number].eligible is False
        assert rows[alone.number].rank is None
        assert rows[alone.number].failed_conditions == [
            {
                "fact": "household.accommodation",
                "operator": "in",
                "value": ["collective_centre", "informal_settlement"],
                "actual": "private",
                "holds": False,
            }
        ]
        event = AuditEvent.objects.get(action="selection.run")
        assert event.changes["candidates"]["after"] == 3

    def test_only_candidates_and_the_waiting_list_are_ranked(
        self, system, project_a, criteria_v1, family
    ):
        waiting = family()
        selected = family()
        from homeward.casework.enrolment.services import enrolment_transition

        enrolment_transition(
            actor=system,
            enrolment=waiting.enrolment,
            status="waitlisted",
            expected_version=None,
            reason="Budget",
        )
        enrolment_transition(
            actor=system, enrolment=selected.enrolment, status="selected", expected_version=None
        )
        candidate = family()
        run = selection_run(actor=system, project=project_a)
        assert set(rows_of(run)) == {waiting.number, candidate.number}
        assert rows_of(run)[waiting.number].status_then == "waitlisted"

    def test_ties_go_to_more_vulnerable_members_then_to_the_earlier_enrolment(
        self, system, project_a, family
    ):
        selection_criteria_create(
            actor=system,
            project=project_a,
            conditions=[],
            criteria=[{"fact": "household.size", "operator": ">=", "value": 1, "points": 1}],
            replaces=None,
        )
        late = family(enrolled_on=date(2025, 5, 1))
        early = family(enrolled_on=date(2025, 4, 1))
        ill = family(
            ("head", "male", 1970, {"chronic_illness": True}), enrolled_on=date(2025, 6, 1)
        )
        run = selection_run(actor=system, project=project_a)
        rows = rows_of(run)
        assert {row.score for row in rows.values()} == {Decimal(1)}
        assert [rows[ill.number].rank, rows[early.number].rank, rows[late.number].rank] == [1, 2, 3]
        # The same list ranks the same way every time.
        again = rows_of(selection_run(actor=system, project=project_a))
        assert [again[h.number].rank for h in (ill, early, late)] == [1, 2, 3]

    def test_a_value_not_recorded_meets_no_condition_and_scores_nothing(
        self, system, project_a, family
    ):
        household = family(return_intention="")
        selection_criteria_create(
            actor=system,
            project=project_a,
            conditions=[
                {"fact": "household.return_intention", "operator": "!=", "value": "resettle"}
            ],
            criteria=[
                {
                    "fact": "household.return_intention",
                    "operator": "=",
                    "value": "return",
                    "points": 4,
                }
            ],
            replaces=None,
        )
        row = rows_of(selection_run(actor=system, project=project_a))[household.number]
        assert row.eligible is False
        assert row.criteria[0]["actual"] is None
        assert row.score == 0

    def test_ages_are_counted_on_the_day_of_the_ranking(self, system, project_a, family):
        selection_criteria_create(
            actor=system,
            project=project_a,
            conditions=[],
            criteria=[{"fact": "household.children", "points": 1, "per_unit": True}],
            replaces=None,
        )
        household = family(("head", "female", 1980), ("child", "male", 2007))
        then = selection_run(actor=system, project=project_a, on=date(2025, 5, 31))
        assert then.ran_on == date(2025, 5, 31)
        assert rows_of(then)[household.number].score == 1
        now = selection_run(actor=system, project=project_a)
        assert rows_of(now)[household.number].score == 0
        with pytest.raises(ValidationError) as refused:
            selection_run(
                actor=system, project=project_a, on=timezone.localdate() + timedelta(days=1)
            )
        assert "on" in refused.value.message_dict

    def test_a_ranking_needs_criteria_of_its_own_project(
        self, system, project_a, project_b, family
    ):
        family()
        with pytest.raises(ValidationError) as refused:
            selection_run(actor=system, project=project_a)
        assert "criteria" in refused.value.message_dict
        other = selection_criteria_create(
            actor=system,
            project=project_b,
            conditions=[],
            criteria=[{"fact": "household.size", "operator": ">=", "value": 1, "points": 1}],
            replaces=None,
        )
        with pytest.raises(ValidationError) as refused:
            selection_run(actor=system, project=project_a, criteria=other)
        assert "another project" in refused.value.message_dict["criteria"][0]
        assert not SelectionRun.objects.exists()

    def test_who_may_rank(
        self,
        actor,
        project_a,
        criteria_v1,
        family,
        case_worker_a,
        me_officer_a,
        manager_b,
        manager_a,
        committee_a,
    ):
        family()
        for user in (case_worker_a, me_officer_a, manager_b):
            with pytest.raises(Http404):
                selection_run(actor=actor(user), project=project_a)
        assert not SelectionRun.objects.exists()
        selection_run(actor=actor(manager_a), project=project_a)
        selection_run(actor=actor(committee_a), project=project_a)
        assert SelectionRun.objects.count() == 2

    def test_an_old_version_still_ranks_as_it_did(
        self, system, project_a, criteria_v1, three_families
    ):
        _big, _mother, _alone = three_families
        selection_criteria_create(
            actor=system,
            project=project_a,
            conditions=[],
            criteria=[{"fact": "household.children", "points": 1, "per_unit": True}],
            replaces=1,
        )
        first = selection_run(actor=system, project=project_a, criteria=criteria_v1)
        again = selection_run(actor=system, project=project_a, criteria=criteria_v1)
        assert again.criteria.number == 1
        assert {n: (r.score, r.rank) for n, r in rows_of(first).items()} == {
            n: (r.score, r.rank) for n, r in rows_of(again).items()
        }


class TestDecisions:
    @pytest.fixture
    def ranked(self, system, project_a, criteria_v1, three_families):
        return selection_run(actor=system, project=project_a), three_families

    def test_a_decision_moves_the_enrolment_and_records_what_it_rested_on(
        self, actor, committee_a, ranked
    ):
        run, (_big, mother, _alone) = ranked
        row = selection_decide(
            actor=actor(committee_a),
            run=run,
            enrolment_id=mother.enrolment.pk,
            decision="selected",
            reason="Highest score",
            expected_version=mother.enrolment.version,
        )
        assert row.decision == "selected"
        assert row.decided_by_label == "committee-a"
        enrolment = Enrolment.objects.get(pk=mother.enrolment.pk)
        assert enrolment.status == "selected"
        step = EnrolmentStep.objects.get(enrolment=enrolment, to_status="selected")
        assert step.reason == "Highest score"
        assert step.context == {"run": run.pk, "criteria_version": 1, "rank": 1, "score": "14.00"}
        assert AuditEvent.objects.filter(action="selection.decide").count() == 1
        assert AuditEvent.objects.filter(action="enrolment.transition").count() == 1

    def test_waiting_list_and_rejection_need_a_reason(self, actor, manager_a, ranked):
        run, (big, _mother, alone) = ranked
        with pytest.raises(ValidationError) as refused:
            selection_decide(
                actor=actor(manager_a),
                run=run,
                enrolment_id=big.enrolment.pk,
                decision="waitlisted",
                reason="  ",
                expected_version=big.enrolment.version,
            )
        assert "reason" in refused.value.message_dict
        selection_decide(
            actor=actor(manager_a),
            run=run,
            enrolment_id=alone.enrolment.pk,
            decision="rejected",
            reason="Not in collective accommodation",
            expected_version=alone.enrolment.version,
        )
        assert Enrolment.objects.get(pk=big.enrolment.pk).status == "candidate"
        assert SelectionCandidate.objects.get(run=run, enrolment=big.enrolment).decision == ""

    def test_an_ineligible_candidate_cannot_be_selected(self, actor, manager_a, ranked):
        run, (_big, _mother, alone) = ranked
        with pytest.raises(ValidationError) as refused:
            selection_decide(
                actor=actor(manager_a),
                run=run,
                enrolment_id=alone.enrolment.pk,
                decision="selected",
                expected_version=None,
            )
        assert "eligibility" in refused.value.message_dict["decision"][0]
        assert Enrolment.objects.get(pk=alone.enrolment.pk).status == "candidate"

    def test_a_candidate_not_in_the_ranking_is_refused(self, actor, manager_a, ranked, family):
        run, _families = ranked
        newcomer = family()
        for enrolment_id in (newcomer.enrolment.pk, "abc", None):
            with pytest.raises(ValidationError) as refused:
                selection_decide(
                    actor=actor(manager_a),
                    run=run,
                    enrolment_id=enrolment_id,
                    decision="selected",
                    expected_version=None,
                )
            assert "not in this ranking" in refused.value.message_dict["enrolment"][0]
        assert Enrolment.objects.get(pk=newcomer.enrolment.pk).status == "candidate"

    def test_an_unknown_decision_is_refused(self, actor, manager_a, ranked):
        run, (big, _mother, _alone) = ranked
        with pytest.raises(ValidationError) as refused:
            selection_decide(
                actor=actor(manager_a),
                run=run,
                enrolment_id=big.enrolment.pk,
                decision="active",
                expected_version=None,
            )
        assert "decision" in refused.value.message_dict

    def test_decisions_are_taken_on_the_latest_ranking(
        self, system, actor, manager_a, ranked, project_a
    ):
        run, (big, _mother, _alone) = ranked
        newer = selection_run(actor=system, project=project_a)
        with pytest.raises(ValidationError) as refused:
            selection_decide(
                actor=actor(manager_a),
                run=run,
                enrolment_id=big.enrolment.pk,
                decision="selected",
                expected_version=None,
            )
        assert f"#{newer.pk}" in refused.value.message_dict["run"][0]

    def test_two_decisions_on_the_same_candidate_do_not_overwrite(
        self, actor, manager_a, committee_a, ranked
    ):
        run, (big, _mother, _alone) = ranked
        read = big.enrolment.version
        selection_decide(
            actor=actor(committee_a),
            run=run,
            enrolment_id=big.enrolment.pk,
            decision="waitlisted",
            reason="Budget",
            expected_version=read,
        )
        # The manager opened the list before the committee's decision.
        with pytest.raises(ConflictError):
            selection_decide(
                actor=actor(manager_a),
                run=run,
                enrolment_id=big.enrolment.pk,
                decision="selected",
                expected_version=read,
            )
        row = SelectionCandidate.objects.get(run=run, enrolment=big.enrolment)
        assert row.decision == "waitlisted"
        assert Enrolment.objects.get(pk=big.enrolment.pk).status == "waitlisted"

    def test_a_decision_the_life_cycle_does_not_allow_is_refused(self, actor, manager_a, ranked):
        run, (big, _mother, _alone) = ranked
        selection_decide(
            actor=actor(manager_a),
            run=run,
            enrolment_id=big.enrolment.pk,
            decision="selected",
            expected_version=None,
        )
        with pytest.raises(TransitionNotAllowed):
            selection_decide(
                actor=actor(manager_a),
                run=run,
                enrolment_id=big.enrolment.pk,
                decision="rejected",
                reason="Changed our minds",
                expected_version=None,
            )
        row = SelectionCandidate.objects.get(run=run, enrolment=big.enrolment)
        assert row.decision == "selected"

    def test_a_waiting_list_candidate_can_be_selected_later(self, actor, manager_a, ranked):
        run, (big, _mother, _alone) = ranked
        selection_decide(
            actor=actor(manager_a),
            run=run,
            enrolment_id=big.enrolment.pk,
            decision="waitlisted",
            reason="Budget for one family only",
            expected_version=None,
        )
        row = selection_decide(
            actor=actor(manager_a),
            run=run,
            enrolment_id=big.enrolment.pk,
            decision="selected",
            reason="A place freed up",
            expected_version=None,
        )
        assert row.decision == "selected"
        steps = EnrolmentStep.objects.filter(enrolment=big.enrolment).order_by("pk")
        assert [step.to_status for step in steps] == ["candidate", "waitlisted", "selected"]

    def test_who_may_decide(self, actor, case_worker_a, me_officer_a, committee_b, ranked):
        run, (big, _mother, _alone) = ranked
        for user in (case_worker_a, me_officer_a, committee_b):
            with pytest.raises(Http404):
                selection_decide(
                    actor=actor(user),
                    run=run,
                    enrolment_id=big.enrolment.pk,
                    decision="selected",
                    expected_version=None,
                )
        assert Enrolment.objects.get(pk=big.enrolment.pk).status == "candidate"

    def test_a_decision_cannot_be_dated_in_the_future(self, actor, manager_a, ranked):
        run, (big, _mother, _alone) = ranked
        with pytest.raises(ValidationError) as refused:
            selection_decide(
                actor=actor(manager_a),
                run=run,
                enrolment_id=big.enrolment.pk,
                decision="selected",
                expected_version=None,
                on=timezone.localdate() + timedelta(days=1),
            )
        assert "on" in refused.value.message_dict
        assert SelectionCandidate.objects.get(run=run, enrolment=big.enrolment).decision == ""


class TestComparison:
    def test_a_new_version_shows_who_moved_and_why(
        self, system, project_a, criteria_v1, three_families, family
    ):
        big, mother, alone = three_families
        first = selection_run(actor=system, project=project_a)
        selection_criteria_create(
            actor=system,
            project=project_a,
            # Private accommodation is no longer excluded; the big family gains per child.
            conditions=[],
            criteria=[
                {"fact": "household.size", "points": 2, "per_unit": True, "max_points": 10},
                {"fact": "household.disability", "operator": "is true", "points": 2},
                {"fact": "household.single_parent", "operator": "is true", "points": 3},
                {"fact": "household.children", "points": 2, "per_unit": True},
            ],
            note="Children count",
            replaces=1,
        )
        newcomer = family()
        second = selection_run(actor=system, project=project_a)
        assert second.previous == first
        changes = {change.household_number: change for change in compare_runs(first, second)}
        # Big: 10 + 4 children × 2 = 18 (the 2005 child is over 18 in 2026 and later).
        big_change = changes[big.number]
        assert big_change.before.rank == 2
        assert big_change.after.rank == 1
        assert any("New criterion “Children under 18" in reason for reason in big_change.reasons)
        mother_change = changes[mother.number]
        assert any(
            "“A member with a disability”: 5 → 2 points (its weight changed)" in reason
            for reason in mother_change.reasons
        )
        alone_change = changes[alone.number]
        assert (alone_change.before.eligible, alone_change.after.eligible) == (False, True)
        assert any("No longer fails “Accommodation is one of" in r for r in alone_change.reasons)
        assert changes[newcomer.number].kind == "new"

    def test_a_change_in_the_registry_is_named_as_the_reason(
        self, system, project_a, criteria_v1, family
    ):
        from homeward.registry.services import household_update

        household = family(("head", "male", 1970))
        first = selection_run(actor=system, project=project_a)
        household.refresh_from_db()
        household_update(
            actor=system,
            household=household,
            expected_version=household.version,
            accommodation="private",
        )
        second = selection_run(actor=system, project=project_a, criteria=criteria_v1)
        [change] = compare_runs(first, second)
        assert change.before.eligible
        assert not change.after.eligible
        assert change.reasons == [
            "Now fails “Accommodation is one of Collective centre, Informal settlement” "
            "(value: Private accommodation)."
        ]

    def test_a_decided_candidate_leaves_the_next_ranking(
        self, system, actor, manager_a, project_a, criteria_v1, three_families
    ):
        _big, mother, _alone = three_families
        first = selection_run(actor=system, project=project_a)
        selection_decide(
            actor=actor(manager_a),
            run=first,
            enrolment_id=mother.enrolment.pk,
            decision="selected",
            expected_version=None,
        )
        second = selection_run(actor=system, project=project_a)
        changes = {change.household_number: change for change in compare_runs(first, second)}
        assert changes[mother.number].kind == "gone"

    def test_nothing_changed_lists_nobody(self, system, project_a, criteria_v1, three_families):
        first = selection_run(actor=system, project=project_a)
        second = selection_run(actor=system, project=project_a)
        assert compare_runs(first, second) == []


def test_a_candidate_passed_by_another_is_told_so(system, project_a, family):
    size = {"fact": "household.size", "points": 2, "per_unit": True}
    bigger = family(("head", "male", 1970), ("spouse", "female", 1972), ("child", "male", 2010))
    single = family(("head", "female", 1980, {"single_parent": True}), ("child", "male", 2012))
    selection_criteria_create(
        actor=system, project=project_a, conditions=[], criteria=[size], replaces=None
    )
    first = selection_run(actor=system, project=project_a)
    selection_criteria_create(
        actor=system,
        project=project_a,
        conditions=[],
        criteria=[size, {"fact": "household.single_parent", "operator": "is true", "points": 3}],
        replaces=1,
    )
    second = selection_run(actor=system, project=project_a)
    changes = {change.household_number: change for change in compare_runs(first, second)}
    assert (changes[bigger.number].before.rank, changes[bigger.number].after.rank) == (1, 2)
    assert changes[bigger.number].reasons == ["Same score; others moved around it."]
    assert changes[single.number].reasons == ["New criterion “A single parent”: 3 points."]


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (
            {"fact": "household.size", "points": 1, "per_unit": True},
            "Household members: 1 point each",
        ),
        (
            {"fact": "household.children", "points": 2.5, "per_unit": True, "max_points": 5},
            "Children under 18: 2.5 points each, at most 5",
        ),
        ({"fact": "household.disability", "operator": "is true"}, "A member with a disability"),
        (
            {"fact": "household.current_municipality", "operator": "=", "value": "XK-gjilan"},
            "Current municipality = Gjilan / Gnjilane",
        ),
        (
            {"fact": "household.female_headed", "operator": "=", "value": False},
            "Headed by a woman = no",
        ),
    ],
)
def test_rules_read_as_people_write_them(rule, text):
    from homeward.casework.selection.rules import describe

    assert describe(rule) == text
