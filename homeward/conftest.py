"""Shared fixtures: two organisations (A and B), each leading a project, users in several roles,
an ``actor`` factory and clients logged in through the UI session or an API token.

Everything is made through the services, as the application itself makes it.
"""

from collections.abc import Callable
from datetime import date
from itertools import count

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from homeward.accounts.models import Organisation, User
from homeward.accounts.roles import Role
from homeward.accounts.services import (
    api_token_create,
    membership_grant,
    membership_revoke,
    organisation_create,
    user_create,
)
from homeward.core.actors import Actor, system_actor
from homeward.geo.models import Area
from homeward.programmes.models import Project
from homeward.programmes.services import project_create
from homeward.registry.jmbg import make_jmbg
from homeward.registry.models import Household
from homeward.registry.services import household_register

PASSWORD = "Kosovo-Polje-2026!"  # noqa: S105 - the test users' password


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Argon2 is the deliberately slow default (one test proves it is); tests hash with MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    # The settings are production's (DEBUG off); the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    yield
    # A request in Serbian leaves Serbian active in this thread: the next test starts in English
    # whatever ran before it.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def system() -> Actor:
    return system_actor(via="cli")


@pytest.fixture
def actor() -> Callable[..., Actor]:
    """``actor(user, via="api", ip_address="203.0.113.7")``; ``actor(None)`` is the system."""

    def make(user: User | None, *, via: str = "ui", ip_address: str | None = None) -> Actor:
        return Actor(user=user, via=via, ip_address=ip_address)

    return make


def _organisation(system, code, name, kind=Organisation.Kind.NGO) -> Organisation:
    return organisation_create(actor=system, code=code, name=name, kind=kind)


@pytest.fixture
def org_a(db, system) -> Organisation:
    return _organisation(system, "org-a", "Organisation A")


@pytest.fixture
def org_b(db, system) -> Organisation:
    return _organisation(system, "org-b", "Organisation B")


@pytest.fixture
def donor_org(db, system) -> Organisation:
    return _organisation(system, "donor", "The Donor", Organisation.Kind.DONOR)


def _project(system, code, lead, **extra) -> Project:
    return project_create(
        actor=system,
        code=code,
        title=f"Project {code}",
        lead_organisation=lead,
        start_date=date(2025, 1, 1),
        end_date=date(2026, 12, 31),
        **extra,
    )


@pytest.fixture
def project_a(system, org_a, donor_org) -> Project:
    """Led by A and funded by the donor."""
    return _project(system, "project-a", org_a, donors=[donor_org])


@pytest.fixture
def project_a2(system, org_a) -> Project:
    """A second project of A, for memberships limited to one project."""
    return _project(system, "project-a2", org_a)


@pytest.fixture
def project_b(system, org_b) -> Project:
    return _project(system, "project-b", org_b)


@pytest.fixture
def make_user(db, system) -> Callable[..., User]:
    """``make_user(organisation, role, projects=[...])``: a user holding one membership."""
    numbers = count(1)

    def make(
        organisation: Organisation,
        role: str,
        *,
        username: str | None = None,
        projects=(),
        password: str = PASSWORD,
    ) -> User:
        username = username or f"{role.replace('_', '-')}-{organisation.code}-{next(numbers)}"
        user = user_create(
            actor=system,
            username=username,
            first_name=username.title(),
            password=password,
            organisation=organisation,
            role=role,
        )
        if projects:
            membership_revoke(actor=system, membership=user.memberships.get())
            membership_grant(
                actor=system, user=user, organisation=organisation, role=role, projects=projects
            )
        return user

    return make


@pytest.fixture
def admin_a(make_user, org_a) -> User:
    return make_user(org_a, Role.ADMINISTRATOR, username="admin-a")


@pytest.fixture
def manager_a(make_user, org_a, project_a) -> User:
    return make_user(org_a, Role.PROJECT_MANAGER, username="manager-a")


@pytest.fixture
def case_worker_a(make_user, org_a, project_a) -> User:
    return make_user(org_a, Role.CASE_WORKER, username="caseworker-a")


@pytest.fixture
def dpo_a(make_user, org_a) -> User:
    return make_user(org_a, Role.DATA_PROTECTION_OFFICER, username="dpo-a")


@pytest.fixture
def admin_b(make_user, org_b) -> User:
    return make_user(org_b, Role.ADMINISTRATOR, username="admin-b")


@pytest.fixture
def manager_b(make_user, org_b, project_b) -> User:
    return make_user(org_b, Role.PROJECT_MANAGER, username="manager-b")


@pytest.fixture
def donor_viewer(make_user, donor_org) -> User:
    return make_user(donor_org, Role.DONOR_VIEWER, username="donor-viewer")


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("root", password=PASSWORD)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A browser with ``user`` logged in."""

    def make(user: User) -> Client:
        browser = Client()
        browser.force_login(user)
        return browser

    return make


@pytest.fixture
def token_for(system) -> Callable[..., str]:
    def make(user: User, **extra) -> str:
        _token, secret = api_token_create(actor=system, user=user, **extra)
        return secret

    return make


@pytest.fixture
def api_client_for(token_for) -> Callable[[User], APIClient]:
    """An API client that sends ``Authorization: Bearer <token>`` of ``user``."""

    def make(user: User) -> APIClient:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
        return api

    return make


@pytest.fixture
def api_client(api_client_for, manager_a) -> APIClient:
    """A's project manager on the API."""
    return api_client_for(manager_a)


# The people of ``household_a``: what the tests type in to find them again.
HEAD_A = {
    "relationship_to_head": "head",
    "first_name": "Dragan",
    "father_name": "Milan",
    "last_name": "Petrović",
    "sex": "male",
    "date_of_birth": date(1970, 5, 12),
    "national_id": make_jmbg(date(1970, 5, 12), region_code=91, sex="male", serial=123),
    "phone": "064 123 4567",
    "displacement_status": "idp",
}
CHILD_A = {
    "relationship_to_head": "child",
    "first_name": "Milica",
    "last_name": "Petrović",
    "sex": "female",
    "date_of_birth": date(2005, 3, 1),
    "national_id": make_jmbg(date(2005, 3, 1), region_code=71, sex="female", serial=45),
    "displacement_status": "idp",
    "chronic_illness": True,
}


@pytest.fixture
def household_a(case_worker_a, org_a, project_a) -> Household:
    """A displaced family registered by A's case worker in project A: the head (Dragan Petrović,
    from Gjilan, living in a collective centre in Zvezdara) and his daughter Milica."""
    return household_register(
        actor=Actor(user=case_worker_a),
        organisation=org_a,
        project=project_a,
        household={
            "current_municipality": Area.objects.get(code="RS-00-zvezdara"),
            "current_settlement": "Mirijevo",
            "accommodation": "collective_centre",
            "origin_municipality": Area.objects.get(code="XK-gjilan"),
            "origin_settlement": "Šilovo",
            "return_intention": "undecided",
        },
        members=[dict(HEAD_A), dict(CHILD_A)],
    )
