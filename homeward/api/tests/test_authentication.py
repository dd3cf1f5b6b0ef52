"""Bearer tokens: the only way in to the API besides the browser session."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from homeward import cli
from homeward.accounts.models import ApiToken
from homeward.accounts.services import api_token_revoke, user_set_active

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def bearer(secret: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return api


def assert_unauthorised(response):
    assert response.status_code == 401, response.content
    error = response.json()["error"]
    assert set(error) >= {"status", "code", "message"}
    assert error["status"] == 401
    assert error["code"] in {"authentication_failed", "not_authenticated"}
    assert error["message"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_valid_token_works(token_for, manager_a, org_a):
    response = bearer(token_for(manager_a)).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "manager-a"
    assert body["memberships"] == [
        {"organisation": "org-a", "role": "project_manager", "projects": []}
    ]


def test_the_token_keyword_is_accepted_too(token_for, manager_a):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(manager_a)}")
    assert api.get(ME).status_code == 200


def test_no_token_is_401():
    assert_unauthorised(APIClient().get(ME))


@pytest.mark.parametrize("secret", ["hw_not-a-real-token", "something-else", "hw_a hw_b"])
def test_a_wrong_token_is_401(token_for, manager_a, secret):
    token_for(manager_a)
    assert_unauthorised(bearer(secret).get(ME))


def test_a_revoked_token_is_401(system, token_for, manager_a):
    secret = token_for(manager_a)
    api_token_revoke(actor=system, token=ApiToken.objects.get(user=manager_a))
    assert_unauthorised(bearer(secret).get(ME))


def test_an_expired_token_is_401(token_for, manager_a):
    secret = token_for(manager_a, expires_at=timezone.now() - timedelta(seconds=1))
    assert_unauthorised(bearer(secret).get(ME))
    still_valid = token_for(manager_a, expires_at=timezone.now() + timedelta(days=1))
    assert bearer(still_valid).get(ME).status_code == 200


def test_a_deactivated_user_is_401(system, token_for, manager_a):
    secret = token_for(manager_a)
    user_set_active(actor=system, user=manager_a, is_active=False)
    assert_unauthorised(bearer(secret).get(ME))


def test_only_the_digest_is_stored(token_for, manager_a):
    secret = token_for(manager_a)
    token = ApiToken.objects.get(user=manager_a)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix)
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert secret not in stored


def test_using_a_token_records_when_it_was_last_used(token_for, manager_a):
    secret = token_for(manager_a)
    assert ApiToken.objects.get().last_used_at is None
    bearer(secret).get(ME)
    assert ApiToken.objects.get().last_used_at is not None


def test_the_api_token_command_prints_a_token_that_works(manager_a):
    out = StringIO()
    call_command("api_token", "manager-a", "--name", "reporting", stdout=out)
    secret = out.getvalue().strip()
    assert bearer(secret).get(ME).json()["username"] == "manager-a"
    assert ApiToken.objects.get(user=manager_a).name == "reporting"


@pytest.mark.django_db(transaction=True)
def test_the_homeward_command_line_prints_a_token_that_works(manager_a, capsys):
    # A command closes the database connections when it ends, so no test transaction here.
    cli.main(["homeward", "api-token", "manager-a"])
    secret = capsys.readouterr().out.strip()
    assert secret.startswith("hw_")
    assert bearer(secret).get(ME).status_code == 200


def test_the_api_token_command_refuses_unknown_and_deactivated_users(system, manager_a):
    with pytest.raises(CommandError, match="No user"):
        call_command("api_token", "nobody", stdout=StringIO())
    user_set_active(actor=system, user=manager_a, is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        call_command("api_token", "manager-a", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_a_token_created_on_my_account_page_works(client_for, manager_a):
    response = client_for(manager_a).post("/accounts/me/", {"form": "token", "name": "laptop"})
    assert response.status_code == 200
    secret = response.context["new_token"]
    assert secret.encode() in response.content
    assert bearer(secret).get(ME).status_code == 200
    # Shown once: the page shows only the prefix afterwards.
    assert secret.encode() not in client_for(manager_a).get("/accounts/me/").content


def test_a_token_revoked_on_my_account_page_stops_working(client_for, token_for, manager_a):
    secret = token_for(manager_a)
    token = ApiToken.objects.get(user=manager_a)
    response = client_for(manager_a).post("/accounts/me/", {"form": "revoke", "token": token.pk})
    assert response.status_code == 302
    assert_unauthorised(bearer(secret).get(ME))


def test_a_session_works_on_the_api_too(client_for, manager_a):
    assert client_for(manager_a).get(ME).json()["username"] == "manager-a"
