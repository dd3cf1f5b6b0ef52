"""Casework in project A whose reports can be checked by hand, and a framework measuring it.

* Six women of Čukarica (born 1976 to 1981), each in her own household, were each handed an aid kit
  in May 2025: a group of 6, shown.
* Household A (Dragan and Milica Petrović, Zvezdara) was handed an income grant in March 2025:
  2 people, suppressed.
* A business training, held on 3 June 2025 (no municipality given), was attended by Dragan and
  five of the women: 1 person of Zvezdara (suppressed) and 5 of Čukarica (shown).
"""

import datetime
from decimal import Decimal

import pytest

from homeward.casework.activities.services import (
    activity_create,
    session_attendance_record,
    session_create,
    session_transition,
)
from homeward.casework.assistance.models import AssistanceType
from homeward.casework.assistance.services import delivery_approve, delivery_deliver, delivery_plan
from homeward.casework.enrolment.services import enrolment_create, enrolment_transition
from homeward.core.actors import Actor, system_actor
from homeward.geo.models import Area
from homeward.registry.services import household_register
from homeward.results.services import indicator_create, result_create, target_set

AS_OF = datetime.date(2025, 12, 31)
WOMEN = [
    ("Jelena", "Stojanović"),
    ("Snežana", "Marković"),
    ("Biljana", "Ilić"),
    ("Gordana", "Nikolić"),
    ("Vesna", "Đorđević"),
    ("Ljiljana", "Pavlović"),
]
# Every name a report must never carry.
NAMES = [name for pair in WOMEN for name in pair] + ["Dragan", "Milica", "Petrović", "Milan"]


def _select(project, household):
    enrolment = enrolment_create(
        actor=system_actor(), project=project, household=household, on=datetime.date(2025, 1, 10)
    )
    enrolment_transition(
        actor=system_actor(),
        enrolment=enrolment,
        status="selected",
        expected_version=None,
        on=enrolment.enrolled_on,
    )


def _deliver(worker, manager, project, household, code, handover_on, value):
    _select(project, household)
    delivery = delivery_plan(
        actor=worker,
        project=project,
        household=household,
        assistance_type=AssistanceType.objects.get(code=code),
        planned_value=value,
    )
    delivery = delivery_approve(actor=manager, delivery=delivery, expected_version=None)
    return delivery_deliver(
        actor=worker,
        delivery=delivery,
        expected_version=None,
        handover_on=handover_on,
        actual_value=value,
    )


@pytest.fixture
def casework(project_a, household_a, case_worker_a, manager_a, org_a):
    worker = Actor(user=case_worker_a)
    manager = Actor(user=manager_a)
    cukarica = Area.objects.get(code="RS-00-cukarica")
    women = []
    for number, (first_name, last_name) in enumerate(WOMEN, start=1):
        household = household_register(
            actor=worker,
            organisation=org_a,
            project=project_a,
            household={"current_municipality": cukarica, "accommodation": "private"},
            members=[
                {
                    "relationship_to_head": "head",
                    "first_name": first_name,
                    "last_name": last_name,
                    "sex": "female",
                    "date_of_birth": datetime.date(1975 + number, number, 2 * number),
                    "displacement_status": "idp",
                }
            ],
        )
        women.append(household.members.get())
        _deliver(
            worker,
            manager,
            project_a,
            household,
            "aid-kit",
            datetime.date(2025, 5, number),
            Decimal("100"),
        )
    _deliver(
        worker,
        manager,
        project_a,
        household_a,
        "income-grant-in-kind",
        datetime.date(2025, 3, 10),
        Decimal("1500"),
    )
    activity = activity_create(
        actor=worker,
        project=project_a,
        kind="business_training",
        title="Start your business",
        planned_start=datetime.date(2025, 6, 1),
        planned_end=datetime.date(2025, 6, 30),
        sessions_planned=1,
    )
    session = session_create(actor=worker, activity=activity, date=datetime.date(2025, 6, 3))
    session_transition(actor=worker, session=session, status="held", expected_version=None)
    dragan = household_a.members.get(first_name="Dragan")
    session_attendance_record(actor=worker, session=session, people=[dragan, *women[:5]])
    return {"women": women, "activity": activity}


@pytest.fixture
def framework(system, project_a, casework):
    """An outcome measured by the share of women among those given aid kits, an output
    measured by the people given aid kits (by sex and age) and by the people of households
    given a grant (suppressed)."""
    objective = result_create(
        actor=system, project=project_a, level="objective", code="SO", statement="Durable return"
    )
    outcome = result_create(
        actor=system,
        project=project_a,
        level="outcome",
        code="R1",
        statement="Livelihoods improved",
        parent=objective,
    )
    output = result_create(
        actor=system,
        project=project_a,
        level="output",
        code="1.1",
        statement="Families equipped",
        parent=outcome,
    )
    share = indicator_create(
        actor=system,
        project=project_a,
        result=outcome,
        code="R1.a",
        name="Share of women among people given aid kits",
        unit="percentage",
        rule={
            "kind": "share_women",
            "among": {
                "kind": "assistance_delivered",
                "count": "members",
                "assistance_types": ["aid-kit"],
            },
        },
    )
    kits = indicator_create(
        actor=system,
        project=project_a,
        result=output,
        code="1.1.a",
        name="People given an aid kit",
        unit="people",
        rule={"kind": "assistance_delivered", "count": "members", "assistance_types": ["aid-kit"]},
        baseline=Decimal(0),
        disaggregations=["sex", "age_band"],
    )
    grants = indicator_create(
        actor=system,
        project=project_a,
        result=output,
        code="1.1.b",
        name="People of families given a grant",
        unit="people",
        rule={"kind": "assistance_delivered", "count": "members", "grants_only": True},
        disaggregations=["sex"],
    )
    for indicator, value in ((share, 40), (kits, 40), (grants, 25)):
        target_set(
            actor=system,
            indicator=indicator,
            label="Project",
            start=project_a.start_date,
            end=project_a.end_date,
            value=value,
        )
    return {"share": share, "kits": kits, "grants": grants}
