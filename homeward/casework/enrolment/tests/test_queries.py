"""Lists read their rows' related records in a fixed number of queries, however many rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def test_the_api_list_reads_every_enrolments_steps_at_once(
    api_client_for, manager_a, project_a, org_a, register, case_worker_a, enrol
):
    client = api_client_for(manager_a)
    url = "/api/v1/enrolments/?project=project-a"
    enrol(project_a, register(case_worker_a, org_a, project_a), status="active")
    client.get(url)  # the first request of a session asks for more than the list
    few = _queries(client, url)
    for _ in range(4):
        enrol(project_a, register(case_worker_a, org_a, project_a), status="active")
    many = _queries(client, url)
    assert many == few
    steps = client.get(url).json()["results"][0]["steps"]
    assert [step["to_status"] for step in steps] == ["candidate", "selected", "active"]
