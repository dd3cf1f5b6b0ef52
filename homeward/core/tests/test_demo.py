"""``homeward demo``: the demo data, loaded once however often the command runs."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from homeward.accounts.models import Membership, Organisation, User
from homeward.core.models import AuditEvent
from homeward.demo import DEMO_PASSWORD, ORGANISATIONS, PROJECTS, USERS
from homeward.programmes.models import Project

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "projects": Project.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


@pytest.fixture
def demo():
    out = StringIO()
    call_command("demo", no_serve=True, households=0, stdout=out)
    return out.getvalue()


def test_the_demo_loads_its_data_once(demo):
    first = counts()
    assert first["organisations"] == len(ORGANISATIONS)
    assert first["projects"] == len(PROJECTS)
    assert first["users"] == len(USERS)
    out = StringIO()
    call_command("demo", no_serve=True, households=0, stdout=out)
    assert counts() == first
    assert "0 organisations, 0 projects and 0 users added" in out.getvalue()


def test_the_demo_prints_the_logins(demo):
    assert DEMO_PASSWORD in demo
    for user in USERS:
        assert user.username in demo


def test_the_demo_users_can_log_in(demo):
    for user in USERS:
        response = Client().post(
            "/accounts/login/", {"username": user.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, user.username
        assert response.url == "/"


def test_the_demo_is_made_through_the_services(demo):
    assert AuditEvent.objects.filter(action="project.create", via="cli").count() == len(PROJECTS)
    assert AuditEvent.objects.filter(action="user.create", actor=None).count() == len(USERS)


def test_the_demo_roles_see_what_their_role_allows(demo):
    from homeward.core.actors import Actor
    from homeward.programmes.selectors import project_list

    def projects_of(username):
        actor = Actor(user=User.objects.get(username=username))
        return {project.code for project in project_list(actor=actor)}

    assert projects_of("manager") == {"odrzivi-povratak", "step-forward"}
    assert projects_of("donor") == {"odrzivi-povratak", "step-forward"}
    assert projects_of("asb-caseworker") == {"asb-reintegration-ii"}
    assert projects_of("dpo") == set()
    admin = User.objects.get(username="admin")
    assert set(admin.memberships.values_list("organisation__code", flat=True)) == {
        "demo-ngo",
        "kragujevac",
    }
