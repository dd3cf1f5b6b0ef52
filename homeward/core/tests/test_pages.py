"""Every page of ``homeward/urls.py`` renders for the roles that may see it and is a 404 for
the others; templates are rendered strictly, so a misspelt variable fails the test."""

import copy
from collections.abc import Callable
from importlib import import_module

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from homeward.accounts.roles import Capability, Role, capabilities_of
from homeward.casework import CASEWORK_APPS
from homeward.core.jobs import job_start

pytestmark = pytest.mark.django_db


class UndefinedVariable(str):
    """``string_if_invalid`` that fails the test on the first variable that does not exist."""

    def __contains__(self, key):
        return key == "%s"

    def __mod__(self, name):
        raise AssertionError(f"The template uses an undefined variable: {name}")


@pytest.fixture(autouse=True)
def strict_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = UndefinedVariable("%s")
    settings.TEMPLATES = templates


# url name → (path, capability needed; None: every signed-in user). Paths of one person's
# records use the placeholders filled in by ``world`` below.
PAGES = {
    "home": ("/", None),
    "my-day": ("/my-day/", None),
    "my-account": ("/accounts/me/", None),
    "password-change": ("/accounts/password/", None),
    "jobs": ("/jobs/", None),
    "job": ("/jobs/{job}/", None),
    "job-progress": ("/jobs/{job}/progress/", None),
    "projects": ("/projects/", Capability.VIEW_PROJECTS),
    "project": ("/projects/project-a/", Capability.VIEW_PROJECTS),
    "project-edit": ("/projects/project-a/edit/", Capability.MANAGE_PROJECTS),
    "project-new": ("/projects/new/", Capability.MANAGE_PROJECTS),
    "organisations": ("/organisations/", Capability.MANAGE_USERS),
    "organisation": ("/organisations/org-a/", Capability.MANAGE_USERS),
    "users": ("/users/", Capability.MANAGE_USERS),
    "user-new": ("/users/new/", Capability.MANAGE_USERS),
    "user": ("/users/caseworker-a/", Capability.MANAGE_USERS),
    "audit": ("/audit/", Capability.VIEW_AUDIT),
    "registry": ("/registry/", Capability.VIEW_PERSONAL_DATA),
    "household-register": ("/registry/register/", Capability.EDIT_REGISTRY),
    "national-id-check": (
        "/registry/check-jmbg/?national_id={national_id}",
        Capability.EDIT_REGISTRY,
    ),
    "household": ("/registry/households/{household}/", Capability.VIEW_PERSONAL_DATA),
    "household-edit": ("/registry/households/{household}/edit/", Capability.EDIT_REGISTRY),
    "person-add": ("/registry/households/{household}/add-member/", Capability.EDIT_REGISTRY),
    "household-split": ("/registry/households/{household}/split/", Capability.EDIT_REGISTRY),
    "household-change-head": (
        "/registry/households/{household}/head/",
        Capability.EDIT_REGISTRY,
    ),
    "person-edit": ("/registry/people/{person}/edit/", Capability.EDIT_REGISTRY),
    "person-move": ("/registry/people/{person}/move/", Capability.EDIT_REGISTRY),
    "person-documents": ("/registry/people/{person}/documents/", Capability.EDIT_REGISTRY),
}
# The API's endpoints that answer a GET, with the same placeholders: 404 for those who may
# not see them, exactly like the pages.
API_ENDPOINTS = {
    "area-list": ("/api/v1/areas/", None),
    "area-detail": ("/api/v1/areas/XK-gjilan/", None),
    "household-list": ("/api/v1/households/", Capability.VIEW_PERSONAL_DATA),
    "household-detail": ("/api/v1/households/{household}/", Capability.VIEW_PERSONAL_DATA),
    "person-list": ("/api/v1/people/", Capability.VIEW_PERSONAL_DATA),
    "person-detail": ("/api/v1/people/{person}/", Capability.VIEW_PERSONAL_DATA),
}
# Pages tested elsewhere or not rendered from a template: name → where.
ELSEWHERE = {
    "health": "test_views.py",
    "login": "accounts/tests/test_login.py",
    "logout": "accounts/tests/test_login.py",
    "audit-export": "test_jobs.py, test_views.py",
    "job-download": "test_jobs.py",
    "set_language": "below",
    "api-schema": "api/tests/test_schema.py",
    "api-docs": "api/tests/test_schema.py",
    "api-me": "api/tests/test_authentication.py",
    "person-consent": "registry/tests/test_views.py (POST only)",
    "consent-withdraw": "registry/tests/test_views.py (POST only)",
    "household-members": "registry/tests/test_api.py (POST only)",
    # The other router endpoints: api/tests/test_api.py and test_scope.py.
}

# Each casework app, and the results and exchange apps, list their own pages in ``tests/pages.py``.
CASEWORK_PAGES = [
    *(import_module(f"homeward.casework.{app}.tests.pages") for app in CASEWORK_APPS),
    import_module("homeward.results.tests.pages"),
    import_module("homeward.exchange.tests.pages"),
    import_module("homeward.dedup.tests.pages"),
]
for _module in CASEWORK_PAGES:
    PAGES |= _module.PAGES
    API_ENDPOINTS |= _module.API_ENDPOINTS
    ELSEWHERE |= _module.ELSEWHERE


def url_names(resolver=None) -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            names |= url_names(pattern)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_templates_are_rendered_strictly():
    from django.template import engines

    with pytest.raises(AssertionError, match="misspelt"):
        engines["django"].from_string("{{ misspelt }}").render({})


def test_every_page_is_covered():
    api = {"api-root"} | {
        f"{basename}-{kind}"
        for basename in ("organisation", "project", "audit-event", "job")
        for kind in ("list", "detail")
    }
    assert url_names() == set(PAGES) | set(ELSEWHERE) | set(API_ENDPOINTS) | api


@pytest.fixture
def user_in_role(make_user, org_a, project_a, case_worker_a):
    def make(role):
        return make_user(org_a, role)

    return make


@pytest.fixture
def casework_placeholders(system, case_worker_a, project_a, household_a) -> dict:
    """The casework records the paths name: A's household is enrolled in project A and
    selected, and each casework app adds what its pages show."""
    from homeward.casework.enrolment.services import enrolment_create, enrolment_transition

    enrolment = enrolment_create(actor=system, project=project_a, household=household_a)
    enrolment_transition(
        actor=system, enrolment=enrolment, status="selected", expected_version=None
    )
    values = {"enrolment": enrolment.pk}
    for module in CASEWORK_PAGES:
        values |= module.placeholders(
            system=system,
            case_worker=case_worker_a,
            project=project_a,
            household=household_a,
            enrolment=enrolment,
        )
    return values


@pytest.fixture
def placeholders(household_a, casework_placeholders) -> Callable[..., dict]:
    """What fills the paths' placeholders: a job of ``user``'s, A's household and the
    casework records of ``casework_placeholders``."""

    def fill(user) -> dict:
        from homeward.core.actors import Actor

        job = job_start(
            actor=Actor(user=user), kind="audit.export", params={}, organisation_id=None
        )
        head = household_a.members.get(relationship_to_head="head")
        return {
            "job": job.pk,
            "household": household_a.number,
            "person": head.pk,
            "national_id": head.national_id,
        } | casework_placeholders

    return fill


@pytest.mark.parametrize("role", Role.values)
def test_every_page_renders_for_the_roles_that_may_see_it(
    role, user_in_role, client_for, placeholders
):
    user = user_in_role(role)
    values = placeholders(user)
    browser = client_for(user)
    capabilities = capabilities_of(role)
    for name, (path, capability) in PAGES.items():
        response = browser.get(path.format(**values))
        expected = 200 if capability is None or capability in capabilities else 404
        assert response.status_code == expected, (role, name, response.status_code)


@pytest.mark.parametrize("role", Role.values)
def test_every_api_endpoint_answers_the_roles_that_may_see_it(
    role, user_in_role, api_client_for, placeholders
):
    user = user_in_role(role)
    values = placeholders(user)
    api = api_client_for(user)
    capabilities = capabilities_of(role)
    for name, (path, capability) in API_ENDPOINTS.items():
        response = api.get(path.format(**values))
        expected = 200 if capability is None or capability in capabilities else 404
        assert response.status_code == expected, (role, name, response.status_code)
        if expected == 404:
            assert response.json()["error"]["code"] == "not_found", (role, name)


def test_every_page_renders_for_the_superuser(client_for, superuser, placeholders):
    values = placeholders(superuser)
    browser = client_for(superuser)
    for name, (path, _capability) in PAGES.items():
        assert browser.get(path.format(**values)).status_code == 200, name


def test_a_user_without_any_role_sees_the_overview_only(client_for, db):
    from homeward.accounts.models import User

    nobody = User.objects.create_user("nobody")
    browser = client_for(nobody)
    home = browser.get("/")
    assert home.status_code == 200
    assert [item["url"] for item in home.context["navigation"]] == ["/", "/jobs/"]
    for path in ("/projects/", "/audit/", "/users/", "/organisations/", "/registry/"):
        assert browser.get(path).status_code == 404


def test_every_page_sends_an_anonymous_visitor_to_log_in(
    project_a, household_a, casework_placeholders
):
    browser = Client()
    head = household_a.members.get(relationship_to_head="head")
    values = {
        "job": "00000000-0000-0000-0000-000000000000",
        "household": household_a.number,
        "person": head.pk,
        "national_id": head.national_id,
    } | casework_placeholders
    for name, (path, _capability) in PAGES.items():
        response = browser.get(path.format(**values))
        assert response.status_code == 302, name
        assert response.url.startswith("/accounts/login/?next="), name


def test_the_language_switch_redirects_back():
    response = Client().post("/i18n/setlang/", {"language": "sq", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.url == "/accounts/login/"


def test_the_login_page_renders_strictly():
    assert Client().get("/accounts/login/").status_code == 200


def test_the_not_found_page_renders_strictly(client_for, case_worker_a):
    assert client_for(case_worker_a).get("/audit/").status_code == 404
    assert Client().get("/no-such-page/").status_code == 404
