"""A small world of casework in project A, made through the casework services, whose every
figure can be counted by hand (see ``World``), and a framework measuring it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from homeward.casework.activities.models import Participant
from homeward.casework.activities.services import (
    activity_create,
    participant_complete,
    session_attendance_record,
    session_create,
    session_transition,
)
from homeward.casework.assessments.models import AssessmentTemplate
from homeward.casework.assessments.services import assessment_record
from homeward.casework.assessments.tests.answers import durable_solutions_answers
from homeward.casework.assistance.models import AssistanceType
from homeward.casework.assistance.services import (
    delivery_approve,
    delivery_deliver,
    delivery_plan,
    delivery_verify,
    monitoring_visit_record,
)
from homeward.casework.enrolment.services import enrolment_create, enrolment_transition
from homeward.core.actors import Actor
from homeward.geo.models import Area
from homeward.registry.services import household_register
from homeward.results.services import indicator_create, result_create, target_set

AS_OF = datetime.date(2026, 6, 30)


@dataclass
class World:
    """Household A (Zvezdara): Dragan (m, 1970, idp), Milica (f, 2005, idp), enrolled as a
    household. Household B (Čukarica): Vesna (f, 1950, returnee, disability), Marko (m, 2022,
    returnee), Ana (f, 1990, returnee), Ana enrolled alone.

    Delivered: a grant to household A (10 March 2025; operating at the 12-month visit), an aid
    kit to Ana (1 May 2025, verified). Planned only: another aid kit to Ana. A business
    training held on 1 February 2025: Dragan (completed) and Ana attended, with 2 women and 1
    man of the municipality counted. Household B's durable solutions score rose between its
    assessments of April 2025 and January 2026."""

    household_a: object
    household_b: object
    grant: object
    aid_kit: object
    activity: object


@pytest.fixture
def world(system, project_a, household_a, case_worker_a, manager_a, org_a, make_user):
    worker = Actor(user=case_worker_a)
    manager = Actor(user=manager_a)
    household_b = household_register(
        actor=worker,
        organisation=org_a,
        project=project_a,
        household={
            "current_municipality": Area.objects.get(code="RS-00-cukarica"),
            "accommodation": "private",
            "origin_municipality": Area.objects.get(code="XK-gjilan"),
            "return_intention": "return",
        },
        members=[
            {
                "relationship_to_head": "head",
                "first_name": "Vesna",
                "last_name": "Jovanović",
                "sex": "female",
                "date_of_birth": datetime.date(1950, 8, 2),
                "displacement_status": "returnee",
                "wg_walking": 3,
            },
            {
                "relationship_to_head": "grandchild",
                "first_name": "Marko",
                "last_name": "Jovanović",
                "sex": "male",
                "date_of_birth": datetime.date(2022, 1, 15),
                "displacement_status": "returnee",
            },
            {
                "relationship_to_head": "child",
                "first_name": "Ana",
                "last_name": "Jovanović",
                "sex": "female",
                "date_of_birth": datetime.date(1990, 11, 20),
                "displacement_status": "returnee",
            },
        ],
    )
    ana = household_b.members.get(first_name="Ana")
    dragan = household_a.members.get(first_name="Dragan")

    for enrolment in (
        enrolment_create(
            actor=system, project=project_a, household=household_a, on=datetime.date(2025, 1, 10)
        ),
        enrolment_create(actor=system, project=project_a, person=ana, on=datetime.date(2025, 2, 1)),
    ):
        enrolment_transition(
            actor=system,
            enrolment=enrolment,
            status="selected",
            expected_version=None,
            on=enrolment.enrolled_on,
        )

    def deliver(code, household, handover_on, person=None):
        delivery = delivery_plan(
            actor=worker,
            project=project_a,
            household=household,
            person=person,
            assistance_type=AssistanceType.objects.get(code=code),
            planned_value=Decimal("1500") if code.endswith("grant-in-kind") else Decimal("100"),
        )
        delivery = delivery_approve(actor=manager, delivery=delivery, expected_version=None)
        return delivery_deliver(
            actor=worker,
            delivery=delivery,
            expected_version=None,
            handover_on=handover_on,
            actual_value=Decimal("1480") if code.endswith("grant-in-kind") else Decimal("95"),
        )

    grant = deliver("income-grant-in-kind", household_a, datetime.date(2025, 3, 10))
    for months, on, operating in ((6, datetime.date(2025, 9, 12), False), (12, None, True)):
        visit = grant.monitoring_visits.get(months_after=months)
        monitoring_visit_record(
            actor=worker,
            visit=visit,
            expected_version=None,
            visited_on=on or datetime.date(2026, 3, 15),
            business_operating=operating,
        )
    aid_kit = deliver("aid-kit", household_b, datetime.date(2025, 5, 1), person=ana)
    delivery_verify(actor=manager, delivery=aid_kit, expected_version=None)
    delivery_plan(
        actor=worker,
        project=project_a,
        household=household_b,
        person=ana,
        assistance_type=AssistanceType.objects.get(code="aid-kit"),
        planned_value=Decimal("100"),
    )

    activity = activity_create(
        actor=worker,
        project=project_a,
        kind="business_training",
        title="Start your business",
        planned_start=datetime.date(2025, 2, 1),
        planned_end=datetime.date(2025, 2, 1),
        sessions_planned=1,
    )
    session = session_create(actor=worker, activity=activity, date=datetime.date(2025, 2, 1))
    session_transition(actor=worker, session=session, status="held", expected_version=None)
    session_attendance_record(
        actor=worker,
        session=session,
        people=[dragan, ana],
        others=[{"category": "officials", "organisation_name": "Town hall", "women": 2, "men": 1}],
    )
    participant_complete(
        actor=worker,
        participant=Participant.objects.get(activity=activity, person=dragan),
        expected_version=None,
        completed_on=datetime.date(2025, 2, 5),
    )

    template = AssessmentTemplate.objects.get(code="durable-solutions", is_active=True)
    for on, employed in ((datetime.date(2025, 4, 1), False), (datetime.date(2026, 1, 10), True)):
        assessment_record(
            actor=worker,
            template=template,
            household=household_b,
            project=project_a,
            answers=durable_solutions_answers(member_employed=employed),
            assessed_on=on,
        )
    return World(
        household_a=household_a,
        household_b=household_b,
        grant=grant,
        aid_kit=aid_kit,
        activity=activity,
    )


@pytest.fixture
def framework(system, project_a):
    """``framework(rule, unit, disaggregations=..., targets=...)`` → an indicator of project A
    under one output."""
    made = {}

    def make(rule, unit, *, disaggregations=(), targets=(), code=None, baseline=None):
        if "output" not in made:
            objective = result_create(
                actor=system, project=project_a, level="objective", code="SO", statement="Return"
            )
            outcome = result_create(
                actor=system,
                project=project_a,
                level="outcome",
                code="R1",
                statement="Livelihoods",
                parent=objective,
            )
            made["output"] = result_create(
                actor=system,
                project=project_a,
                level="output",
                code="1.1",
                statement="Grants and training",
                parent=outcome,
            )
        made["n"] = made.get("n", 0) + 1
        indicator = indicator_create(
            actor=system,
            project=project_a,
            result=made["output"],
            code=code or f"I{made['n']}",
            name=f"Indicator {made['n']}",
            unit=unit,
            rule=rule,
            baseline=baseline,
            disaggregations=list(disaggregations),
        )
        for label, start, end, value in targets:
            target_set(
                actor=system, indicator=indicator, label=label, start=start, end=end, value=value
            )
        return indicator

    return make
