"""This app's pages and endpoints, for every role of organisation A: 200 for those whose role
has the capability, 404 for the others, templates rendered strictly. The same check as
``core/tests/test_pages.py`` makes for every app, run on this app alone."""

import copy

import pytest

from homeward.accounts.roles import Role, capabilities_of
from homeward.casework.activities.tests import pages
from homeward.core.tests.test_pages import UndefinedVariable

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def strict_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = UndefinedVariable("%s")
    settings.TEMPLATES = templates


@pytest.fixture
def values(system, case_worker_a, project_a, household_a):
    from homeward.casework.enrolment.services import enrolment_create

    enrolment = enrolment_create(actor=system, project=project_a, household=household_a)
    return pages.placeholders(
        system=system,
        case_worker=case_worker_a,
        project=project_a,
        household=household_a,
        enrolment=enrolment,
    )


@pytest.mark.parametrize("role", Role.values)
def test_pages_answer_by_role(role, make_user, org_a, client_for, values):
    browser = client_for(make_user(org_a, role))
    capabilities = capabilities_of(role)
    for name, (path, capability) in pages.PAGES.items():
        response = browser.get(path.format(**values))
        expected = 200 if capability in capabilities else 404
        assert response.status_code == expected, (role, name, response.status_code)


@pytest.mark.parametrize("role", Role.values)
def test_api_answers_by_role(role, make_user, org_a, api_client_for, values):
    api = api_client_for(make_user(org_a, role))
    capabilities = capabilities_of(role)
    for name, (path, capability) in pages.API_ENDPOINTS.items():
        response = api.get(path.format(**values))
        expected = 200 if capability in capabilities else 404
        assert response.status_code == expected, (role, name, response.status_code)


def test_pages_render_for_the_superuser(superuser, client_for, values):
    browser = client_for(superuser)
    for name, (path, _capability) in pages.PAGES.items():
        assert browser.get(path.format(**values)).status_code == 200, name


def test_other_organisations_see_nothing(manager_b, client_for, api_client_for, values):
    """B's manager works in B's project only: every page and endpoint of A's is 404."""
    browser, api = client_for(manager_b), api_client_for(manager_b)
    for name, (path, _capability) in pages.PAGES.items():
        assert browser.get(path.format(**values)).status_code == 404, name
    for name, (path, _capability) in pages.API_ENDPOINTS.items():
        if name.endswith("-list"):
            assert api.get(path).json()["count"] == 0, name
        else:
            assert api.get(path.format(**values)).status_code == 404, name
