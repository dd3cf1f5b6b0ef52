"""Recording and correcting assessments: every answer checked, scores computed, versions of
templates and of assessments respected, the durable solutions profile, the data scope."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.casework.assessments.loading import DATA
from homeward.casework.assessments.models import AssessmentTemplate
from homeward.casework.assessments.selectors import (
    assessment_get,
    assessment_list,
    durable_solutions_profile,
    latest_answers,
    latest_scores,
)
from homeward.casework.assessments.services import (
    assessment_template_publish,
    assessment_update,
)
from homeward.casework.assessments.tests.answers import durable_solutions_answers, needs_answers
from homeward.casework.enrolment.services import enrolment_create
from homeward.core.actors import Actor
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_recording_checks_scores_and_audits(record, needs_template, household_a, project_a):
    assessment = record(needs_template, needs_answers(), project=project_a)
    assert assessment.scores["total"] == 81
    assert assessment.organisation.code == "org-a"
    assert assessment.assessed_by.username == "caseworker-a"
    assert assessment.version == 1
    event = AuditEvent.objects.get(action="assessment.record")
    assert event.target_id == str(assessment.pk)
    assert event.organisation.code == "org-a"
    assert event.changes["household"]["after"] == household_a.number
    assert event.changes["answers.no_income"] == {"before": None, "after": True}
    assert event.changes["scores.total"]["after"] == 81


def test_bad_answers_save_nothing_and_name_every_question(record, needs_template):
    with pytest.raises(ValidationError) as refused:
        record(needs_template, needs_answers(tenure="palace", employed_members="x"))
    assert set(refused.value.message_dict) == {"tenure", "employed_members"}
    assert not AuditEvent.objects.filter(action="assessment.record").exists()


def test_the_date_cannot_be_in_the_future(record, needs_template):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        record(needs_template, needs_answers(), on=tomorrow)
    assert refused.value.message_dict == {"assessed_on": ["The date cannot be in the future."]}


def test_the_person_must_belong_to_the_household(record, needs_template, household_b):
    stranger = household_b.members.get()
    with pytest.raises(ValidationError) as refused:
        record(needs_template, needs_answers(), person=stranger)
    assert "person" in refused.value.message_dict


def test_a_project_the_household_is_not_in_is_refused(record, needs_template, project_a2):
    with pytest.raises(ValidationError) as refused:
        record(needs_template, needs_answers(), project=project_a2)
    assert "is not in project project-a2" in refused.value.message_dict["project"][0]


def test_an_enrolled_household_may_be_assessed_for_the_project(
    record, needs_template, household_a, project_a2, system
):
    enrolment_create(actor=system, project=project_a2, household=household_a)
    assessment = record(needs_template, needs_answers(), project=project_a2)
    assert assessment.project == project_a2


def test_other_organisations_and_roles_without_casework_cannot_record(
    record, needs_template, case_worker_b, make_user, org_a
):
    with pytest.raises(Http404):
        record(needs_template, needs_answers(), user=case_worker_b)
    committee = make_user(org_a, Role.SELECTION_COMMITTEE)
    with pytest.raises(Http404):
        record(needs_template, needs_answers(), user=committee)


def test_a_new_template_version_leaves_recorded_assessments_alone(
    record, needs_template, system, case_worker_a
):
    assessment = record(needs_template, needs_answers())
    definition = {
        "sections": [
            {
                "code": "income",
                "title": {
                    "en": "Income",
                    "sr": "Приходи",
                    "sr_latn": "Prihodi",
                    "sq": "Të ardhurat",
                },
                "questions": [
                    {
                        "code": "no_income",
                        "type": "yes_no",
                        "label": {
                            "en": "No income?",
                            "sr": "Без прихода?",
                            "sr_latn": "Bez prihoda?",
                            "sq": "Pa të ardhura?",
                        },
                        "required": True,
                        "scores": {"yes": 50, "no": 0},
                    }
                ],
            }
        ]
    }
    newer = assessment_template_publish(
        actor=system,
        code="needs-vulnerability",
        kind="needs_vulnerability",
        titles={"en": "Needs", "sr": "Потребе", "sr_latn": "Potrebe", "sq": "Nevojat"},
        definition=definition,
    )
    assert newer.version == 2
    needs_template.refresh_from_db()
    assert not needs_template.is_active
    assessment.refresh_from_db()
    assert assessment.template_id == needs_template.pk
    assert assessment.scores["total"] == 81
    # A correction is checked and scored against the version it answered, not the newer one.
    updated = assessment_update(
        actor=Actor(user=case_worker_a),
        assessment=assessment,
        expected_version=assessment.version,
        answers=needs_answers(has_debts=False),
    )
    assert updated.template_id == needs_template.pk
    assert updated.scores["total"] == 81 - 10
    # The old version is no longer offered for new assessments.
    with pytest.raises(ValidationError) as refused:
        record(needs_template, needs_answers())
    assert "template" in refused.value.message_dict


def test_publishing_templates_is_for_the_system_and_refuses_bad_definitions(
    system, case_worker_a, manager_a
):
    titles = {"en": "X", "sr": "Икс", "sr_latn": "Iks", "sq": "X"}
    with pytest.raises(Http404):
        assessment_template_publish(
            actor=Actor(user=manager_a), code="x", kind="other", titles=titles, definition={}
        )
    with pytest.raises(ValidationError) as refused:
        assessment_template_publish(
            actor=system, code="x", kind="other", titles=titles, definition={"sections": []}
        )
    assert "definition" in refused.value.message_dict
    assert not AssessmentTemplate.objects.filter(code="x").exists()


def test_an_update_needs_the_version_read(record, ds_template, case_worker_a, manager_a):
    assessment = record(ds_template, durable_solutions_answers())
    stale = assessment.version
    first = assessment_update(
        actor=Actor(user=manager_a),
        assessment=assessment_get(actor=Actor(user=manager_a), pk=assessment.pk),
        expected_version=stale,
        answers=durable_solutions_answers(voted=True),
    )
    assert first.version == stale + 1
    assert first.scores["criteria"]["7"] == 88  # 7 of 8
    with pytest.raises(ConflictError):
        assessment_update(
            actor=Actor(user=case_worker_a),
            assessment=assessment_get(actor=Actor(user=case_worker_a), pk=assessment.pk),
            expected_version=stale,
            answers=durable_solutions_answers(feels_safe="safe"),
        )
    assessment.refresh_from_db()
    assert assessment.answers["feels_safe"] == "mostly_safe"
    event = AuditEvent.objects.get(action="assessment.update")
    assert event.changes["answers.voted"] == {"before": False, "after": True}


def test_an_update_checks_the_answers_and_the_date(record, ds_template, case_worker_a):
    assessment = record(ds_template, durable_solutions_answers())
    with pytest.raises(ValidationError) as refused:
        assessment_update(
            actor=Actor(user=case_worker_a),
            assessment=assessment,
            expected_version=assessment.version,
            answers=durable_solutions_answers(feels_safe=None),
            assessed_on=timezone.localdate() + timedelta(days=3),
        )
    assert set(refused.value.message_dict) == {"feels_safe", "assessed_on"}


def test_the_profile_shows_the_criteria_in_order_and_how_they_moved(
    record, ds_template, household_a, case_worker_a
):
    record(ds_template, durable_solutions_answers(), on=date(2024, 5, 10))
    record(
        ds_template,
        durable_solutions_answers(
            member_employed=True, depends_on_aid=False, enough_food=True, feels_safe="unsafe"
        ),
        on=date(2025, 5, 10),
    )
    profile = durable_solutions_profile(actor=Actor(user=case_worker_a), household=household_a)
    assert [point.assessment.assessed_on for point in profile.points] == [
        date(2024, 5, 10),
        date(2025, 5, 10),
    ]
    assert [criterion.number for criterion in profile.criteria] == list(range(1, 9))
    assert profile.criteria[0].label == "Long-term safety, security and freedom of movement"
    movement = {c.number: (c.previous, c.score, c.direction, c.change) for c in profile.criteria}
    assert movement[1] == (75, 63, "down", -12)  # 5 of 8 now
    assert movement[2] == (60, 80, "up", 20)
    assert movement[3] == (38, 88, "up", 50)
    assert movement[4] == (50, 50, "same", 0)
    assert profile.history()[2] == ("3. Access to employment and livelihoods", [38, 88])


def test_the_profile_of_one_assessment_has_nothing_to_compare(
    record, ds_template, household_a, case_worker_a
):
    record(ds_template, durable_solutions_answers())
    profile = durable_solutions_profile(actor=Actor(user=case_worker_a), household=household_a)
    assert profile.previous is None
    assert all(criterion.direction == "" for criterion in profile.criteria)


def test_reading_is_scoped(record, needs_template, household_a, manager_b, make_user, org_a):
    assessment = record(needs_template, needs_answers())
    with pytest.raises(Http404):
        assessment_get(actor=Actor(user=manager_b), pk=assessment.pk)
    assert not assessment_list(actor=Actor(user=manager_b)).exists()
    for role in (Role.DONOR_VIEWER, Role.INFO_DESK_OPERATOR, Role.ADMINISTRATOR):
        outsider = make_user(org_a, role)
        with pytest.raises(Http404):
            assessment_get(actor=Actor(user=outsider), pk=assessment.pk)
    committee = make_user(org_a, Role.SELECTION_COMMITTEE)
    assert assessment_get(actor=Actor(user=committee), pk=assessment.pk) == assessment


def test_a_partner_sees_the_assessments_of_households_enrolled_in_its_project(
    record, needs_template, household_a, project_a, org_b, make_user, system
):
    assessment = record(needs_template, needs_answers(), project=project_a)
    project_a.partners.add(org_b)
    partner = make_user(org_b, Role.CASE_WORKER)
    enrolment_create(actor=system, project=project_a, household=household_a)
    assert assessment_get(actor=Actor(user=partner), pk=assessment.pk) == assessment


def test_latest_answers_of_many_households_in_one_query(
    record, needs_template, ds_template, household_a, household_b, case_worker_b
):
    record(
        needs_template,
        needs_answers(no_income=False, income_sources=["pension"]),
        on=date(2024, 1, 1),
    )
    record(needs_template, needs_answers(), on=date(2025, 1, 1))
    record(needs_template, needs_answers(tenure="owned"), on=date(2023, 1, 1))
    record(ds_template, durable_solutions_answers(), on=date(2025, 6, 1))
    record(
        needs_template,
        needs_answers(no_income=False, income_sources=["agriculture"]),
        user=case_worker_b,
        household=household_b,
    )
    with CaptureQueriesContext(connection) as queries:
        latest = latest_answers(
            household_ids=[household_a.pk, household_b.pk, 999999],
            template_code="needs-vulnerability",
        )
    assert len(queries) == 1
    assert set(latest) == {household_a.pk, household_b.pk}
    assert latest[household_a.pk]["no_income"] is True
    assert latest[household_a.pk]["tenure"] == "collective_centre"
    assert latest[household_b.pk]["income_sources"] == ["agriculture"]
    scores = latest_scores(household_ids=[household_a.pk], template_code="durable-solutions")
    assert scores[household_a.pk]["total"] == 60


def test_the_command_publishes_a_new_version(tmp_path, needs_template):
    body = json.loads((DATA / "needs-vulnerability.json").read_text(encoding="utf-8"))
    body["definition"]["sections"][0]["questions"][0]["scores"] = {"yes": 12, "no": 0}
    file = tmp_path / "needs-v2.json"
    file.write_text(json.dumps(body), encoding="utf-8")
    call_command("assessment_template_publish", str(file))
    current = AssessmentTemplate.objects.get(code="needs-vulnerability", is_active=True)
    assert current.version == 2
    assert current.question("no_income")["scores"]["yes"] == 12
    body["definition"]["sections"][0]["questions"][0]["type"] = "slider"
    file.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(CommandError, match="the type must be one of"):
        call_command("assessment_template_publish", str(file))
    assert AssessmentTemplate.objects.filter(code="needs-vulnerability").count() == 2
