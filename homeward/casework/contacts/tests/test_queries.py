"""The API's lists of contacts and grievances ask which linked households the reader may see
once for the whole list, not once per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.casework.contacts.services import contact_record, grievance_record

pytestmark = pytest.mark.django_db


def _record(cw, household, count: int) -> None:
    for index in range(count):
        contact_record(
            actor=cw,
            channel="phone",
            topic="housing",
            question=f"Question {index}",
            caller_name="Dragan Petrović",
            household=household,
        )
        grievance_record(
            actor=cw,
            channel="phone",
            category="complaint",
            description=f"Complaint {index}",
            complainant_name="Dragan Petrović",
            household=household,
        )


def _listed(api, path: str) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response.json()["results"]


@pytest.mark.parametrize("path", ["/api/v1/contacts/", "/api/v1/grievances/"])
def test_linked_households_are_asked_once_per_list(
    path, api_client_for, case_worker_a, cw, household_a, household_b
):
    api = api_client_for(case_worker_a)
    _record(cw, household_a, 1)
    few, _rows = _listed(api, path)
    _record(cw, household_a, 4)
    many, rows = _listed(api, path)
    assert many <= few
    assert {row["household"] for row in rows} == {household_a.number}


@pytest.mark.parametrize("path", ["/api/v1/contacts/", "/api/v1/grievances/"])
def test_the_desk_still_sees_no_household_in_a_list(
    path, api_client_for, info_desk_a, cw, household_a
):
    _record(cw, household_a, 2)
    _count, rows = _listed(api_client_for(info_desk_a), path)
    assert len(rows) == 2
    assert {row["household"] for row in rows} == {None}
