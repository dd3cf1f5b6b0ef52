"""The account commands an operator runs on the server."""

import io

import pytest
from django.core.management import CommandError, call_command

from homeward.accounts.models import Organisation, User
from homeward.conftest import PASSWORD
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def typed(monkeypatch):
    """What the operator pipes into the command."""

    def type_in(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return type_in


def test_organisation_create(db):
    assert "Created drc" in run(
        "organisation_create", "drc", "Danish Refugee Council", "--kind", "international"
    )
    assert Organisation.objects.get(code="drc").name == "Danish Refugee Council"
    event = AuditEvent.objects.get(action="organisation.create")
    assert (event.via, event.actor) == ("cli", None)
    with pytest.raises(CommandError, match="code"):
        run("organisation_create", "drc", "Again", "--kind", "ngo")


def test_user_create_reads_the_password_from_standard_input(typed, org_a):
    typed(PASSWORD + "\n")
    out = run("user_create", "new-worker", "--organisation", "org-a", "--role", "case_worker")
    assert "new-worker" in out
    user = User.objects.get(username="new-worker")
    assert user.check_password(PASSWORD)
    assert user.memberships.get().organisation == org_a


def test_user_create_refuses_a_weak_password_and_names_the_field(typed, org_a):
    typed("12345678\n")
    with pytest.raises(CommandError, match="password"):
        run("user_create", "weak", "--organisation", "org-a", "--role", "case_worker")
    assert not User.objects.filter(username="weak").exists()


def test_user_create_refuses_an_unknown_organisation(typed, db):
    typed(PASSWORD + "\n")
    with pytest.raises(CommandError, match="No organisation"):
        run("user_create", "lost", "--organisation", "nowhere", "--role", "case_worker")
