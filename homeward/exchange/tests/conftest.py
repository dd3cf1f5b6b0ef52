"""Import fixtures (files built in memory, the actor of A's case worker) and the families,
deliveries and activity the export tests share."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation

from homeward.core.actors import Actor
from homeward.exchange.imports.columns import TEMPLATE_COLUMNS
from homeward.geo.models import Area
from homeward.registry.services import household_register


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English whatever the machine's locale.
    with translation.override("en"):
        yield


def csv_bytes(rows, *, columns=None, delimiter=",", encoding="utf-8") -> bytes:
    """A CSV file of ``rows`` (dicts); ``columns`` defaults to the keys of the first row."""
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode(encoding)


def person_row(**values) -> dict:
    row = {
        "person_id": "P1",
        "household_id": "H1",
        "relationship_to_head": "head",
        "first_name": "Milica",
        "father_name": "Dragan",
        "last_name": "Petrović",
        "sex": "F",
        "date_of_birth": "1984-03-15",
        "national_id": "",
        "phone": "064 123 4567",
        "address": "Kralja Petra 12",
        "settlement": "Kraljevo",
        "current_municipality": "Kraljevo",
        "origin_municipality": "Gjilan",
        "displacement_status": "idp",
    }
    row.update(values)
    return row


@pytest.fixture
def family():
    """Three rows: a household of two and a household of one."""
    return [
        person_row(),
        person_row(
            person_id="P2",
            relationship_to_head="child",
            first_name="Jovan",
            sex="M",
            date_of_birth="15.06.2010",
            phone="",
        ),
        person_row(
            person_id="P3",
            household_id="H2",
            relationship_to_head="",
            first_name="Ana",
            last_name="Jovanović",
            date_of_birth="1950",
            current_municipality="Zvezdara",
        ),
    ]


__all__ = ["TEMPLATE_COLUMNS", "csv_bytes", "person_row"]


# The families, deliveries and activity the export tests (web, API and command line) share.
FORMULA = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def formula_household(case_worker_a, org_a, project_a):
    """A family whose address and settlement a spreadsheet would run as formulas (the registry
    refuses such a name, but an address is free text)."""
    return household_register(
        actor=Actor(user=case_worker_a),
        organisation=org_a,
        project=project_a,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "accommodation": "private",
            "address": FORMULA,
            "current_settlement": "=1+1",
        },
        members=[
            {
                "relationship_to_head": "head",
                "first_name": "Ana",
                "last_name": "Jovanović",
                "sex": "female",
                "date_of_birth": datetime.date(1980, 1, 1),
                "displacement_status": "idp",
            }
        ],
    )


@pytest.fixture
def household_b(manager_b, org_b, project_b):
    return household_register(
        actor=Actor(user=manager_b),
        organisation=org_b,
        project=project_b,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "accommodation": "private",
        },
        members=[
            {
                "relationship_to_head": "head",
                "first_name": "Besa",
                "last_name": "Krasniqi",
                "sex": "female",
                "date_of_birth": datetime.date(1975, 2, 2),
                "displacement_status": "returnee",
            }
        ],
    )


@pytest.fixture
def deliveries(system, project_a, household_a, formula_household):
    from homeward.casework.assistance.models import AssistanceType
    from homeward.casework.assistance.services import delivery_plan
    from homeward.casework.enrolment.services import enrolment_create, enrolment_transition

    for household in (household_a, formula_household):
        enrolment = enrolment_create(actor=system, project=project_a, household=household)
        enrolment_transition(
            actor=system, enrolment=enrolment, status="selected", expected_version=None
        )
    kit = AssistanceType.objects.get(code="aid-kit")
    return [
        delivery_plan(
            actor=system,
            project=project_a,
            household=household,
            assistance_type=kit,
            planned_value=Decimal("80"),
        )
        for household in (household_a, formula_household)
    ]


@pytest.fixture
def activity(system, project_a, household_a, case_worker_a):
    from homeward.casework.activities.tests.pages import placeholders

    values = placeholders(
        system=system,
        case_worker=case_worker_a,
        project=project_a,
        household=household_a,
        enrolment=None,
    )
    from homeward.casework.activities.models import Activity

    return Activity.objects.get(pk=values["activity"])
