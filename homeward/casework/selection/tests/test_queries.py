"""The API's lists read what their rows need in a fixed number of queries, however many rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.casework.selection.services import selection_criteria_create

pytestmark = pytest.mark.django_db

NO_INCOME = "assessment.needs-vulnerability.no_income"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def _save_version(system, project, replaces):
    return selection_criteria_create(
        actor=system,
        project=project,
        conditions=[{"fact": NO_INCOME, "operator": "is true"}],
        criteria=[{"fact": NO_INCOME, "operator": "is true", "points": 5}],
        replaces=replaces,
    )


def test_the_criteria_list_asks_for_each_assessment_question_once(
    api_client_for, manager_a, system, project_a
):
    client = api_client_for(manager_a)
    url = "/api/v1/selection-criteria/?project=project-a"
    version = _save_version(system, project_a, None)
    client.get(url)  # the first request of a session asks for more than the list
    few = _queries(client, url)
    for _ in range(4):
        version = _save_version(system, project_a, version.number)
    assert _queries(client, url) == few
    described = client.get(url).json()["results"][0]["described"]
    assert described["criteria"][0].startswith("Needs")
