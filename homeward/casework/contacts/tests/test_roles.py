"""Every page and endpoint of this app, role by role: 200 for the roles that may see it, 404
for the others, rendered strictly. Grievances are read by those who record contacts and by
managers (project managers, M&E officers), which no single capability says, so their check
lives here rather than in ``core/tests/test_pages.py``; the other pages are checked in both."""

import pytest

from homeward.accounts.roles import Capability, Role, capabilities_of
from homeward.casework.contacts.tests import pages

pytestmark = pytest.mark.django_db

GRIEVANCE_READERS = {
    Role.CASE_WORKER,
    Role.INFO_DESK_OPERATOR,
    Role.PROJECT_MANAGER,
    Role.ME_OFFICER,
}
GRIEVANCE_PAGES = {
    "grievances": "/grievances/",
    "grievance": "/grievances/{grievance}/",
    "grievance-new": "/grievances/new/",
}
GRIEVANCE_API = {
    "grievance-list": "/api/v1/grievances/",
    "grievance-detail": "/api/v1/grievances/{grievance}/",
}


@pytest.fixture
def values(system, case_worker_a, project_a, household_a):
    from homeward.casework.enrolment.services import enrolment_create

    enrolment = enrolment_create(actor=system, project=project_a, household=household_a)
    return {"household": household_a.number} | pages.placeholders(
        system=system,
        case_worker=case_worker_a,
        project=project_a,
        household=household_a,
        enrolment=enrolment,
    )


def _expected(role, capability) -> int:
    return 200 if capability in capabilities_of(role) else 404


@pytest.mark.parametrize("role", Role.values)
def test_pages_answer_each_role(role, make_user, org_a, values, client_for):
    browser = client_for(make_user(org_a, role))
    for name, (path, capability) in pages.PAGES.items():
        response = browser.get(path.format(**values))
        assert response.status_code == _expected(role, capability), (role, name)
    for name, path in GRIEVANCE_PAGES.items():
        response = browser.get(path.format(**values))
        assert response.status_code == (200 if role in GRIEVANCE_READERS else 404), (role, name)


@pytest.mark.parametrize("role", Role.values)
def test_api_answers_each_role(role, make_user, org_a, values, api_client_for):
    api = api_client_for(make_user(org_a, role))
    for name, (path, capability) in pages.API_ENDPOINTS.items():
        response = api.get(path.format(**values))
        assert response.status_code == _expected(role, capability), (role, name)
    for name, path in GRIEVANCE_API.items():
        response = api.get(path.format(**values))
        expected = 200 if role in GRIEVANCE_READERS else 404
        assert response.status_code == expected, (role, name)
        if expected == 404:
            assert response.json()["error"]["code"] == "not_found"


def test_the_superuser_sees_every_page(superuser, values, client_for):
    browser = client_for(superuser)
    paths = [path for path, _capability in pages.PAGES.values()] + list(GRIEVANCE_PAGES.values())
    for path in paths:
        assert browser.get(path.format(**values)).status_code == 200, path


def test_another_organisation_sees_none_of_them(manager_b, make_user, org_b, values, client_for):
    for user in (
        manager_b,
        make_user(org_b, Role.CASE_WORKER),
        make_user(org_b, "info_desk_operator"),
    ):
        browser = client_for(user)
        for path in (
            "/referrals/{referral}/",
            "/contacts/{contact}/",
            "/grievances/{grievance}/",
            "/referrals/{referral}/edit/",
            "/referrals/new/{household}/",
        ):
            assert browser.get(path.format(**values)).status_code == 404, (user, path)


def test_the_page_lists_are_complete():
    """Every url name of this app is checked here or in ``pages.ELSEWHERE``."""
    from homeward.casework.contacts import urls

    names = {pattern.name for pattern in urls.urlpatterns}
    assert names <= set(pages.PAGES) | set(GRIEVANCE_PAGES) | set(pages.ELSEWHERE)


def test_grievance_readers_are_those_the_access_rules_name(make_user, org_a):
    """The list above is what ``may_read_grievances`` decides, not a second opinion."""
    from homeward.casework.contacts.access import may_read_grievances
    from homeward.core.actors import Actor

    for role in Role.values:
        actor = Actor(user=make_user(org_a, role))
        assert may_read_grievances(actor) == (role in GRIEVANCE_READERS), role
    assert Capability.RECORD_CONTACTS in capabilities_of(Role.INFO_DESK_OPERATOR)
