"""The pages where administrators manage users and where people manage their own account."""

import pytest

from homeward.accounts.models import Membership, User
from homeward.accounts.roles import Role
from homeward.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def new_user(**changes) -> dict:
    return {
        "username": "new-worker",
        "first_name": "Nova",
        "last_name": "Radnica",
        "email": "nova@example.org",
        "organisation": "org-a",
        "role": Role.CASE_WORKER,
        "password": PASSWORD,
    } | changes


def test_an_administrator_creates_a_user(client_for, admin_a, org_a):
    response = client_for(admin_a).post("/users/new/", new_user())
    assert response.status_code == 302
    assert response.url == "/users/new-worker/"
    user = User.objects.get(username="new-worker")
    assert user.check_password(PASSWORD)
    assert list(user.memberships.values_list("organisation__code", "role")) == [
        ("org-a", "case_worker")
    ]


def test_a_user_cannot_be_created_in_another_organisation(client_for, admin_a, org_b):
    response = client_for(admin_a).post("/users/new/", new_user(organisation="org-b"))
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert not User.objects.filter(username="new-worker").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"username": "admin-a"}, "username"), ({"password": "password"}, "password")],
)
def test_the_form_names_the_field_at_fault(client_for, admin_a, changes, field):
    response = client_for(admin_a).post("/users/new/", new_user(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]


def test_an_administrator_grants_and_revokes_a_role(client_for, admin_a, case_worker_a):
    browser = client_for(admin_a)
    granted = browser.post(
        "/users/caseworker-a/",
        {"action": "grant", "organisation": "org-a", "role": Role.SELECTION_COMMITTEE},
    )
    assert granted.status_code == 302
    membership = Membership.objects.get(user=case_worker_a, role=Role.SELECTION_COMMITTEE)
    again = browser.post(
        "/users/caseworker-a/",
        {"action": "grant", "organisation": "org-a", "role": Role.SELECTION_COMMITTEE},
    )
    assert again.status_code == 200
    assert again.context["form"].errors["role"]
    revoked = browser.post(
        "/users/caseworker-a/", {"action": "revoke", "membership": membership.pk}
    )
    assert revoked.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active


def test_an_administrator_deactivates_and_activates_a_user(client_for, admin_a, case_worker_a):
    browser = client_for(admin_a)
    browser.post("/users/caseworker-a/", {"action": "deactivate"})
    case_worker_a.refresh_from_db()
    assert not case_worker_a.is_active
    browser.post("/users/caseworker-a/", {"action": "activate"})
    case_worker_a.refresh_from_db()
    assert case_worker_a.is_active


def test_a_role_in_another_organisation_cannot_be_revoked(
    client_for, system, admin_a, admin_b, case_worker_a, org_b
):
    from homeward.accounts.services import membership_grant

    foreign = membership_grant(
        actor=system, user=case_worker_a, organisation=org_b, role=Role.CASE_WORKER
    )
    response = client_for(admin_a).post(
        "/users/caseworker-a/", {"action": "revoke", "membership": foreign.pk}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_a_person_sets_their_preferred_language(client_for, manager_a):
    response = client_for(manager_a).post(
        "/accounts/me/", {"form": "preferences", "preferred_language": "sr-latn"}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "sr-latn"
    manager_a.refresh_from_db()
    assert manager_a.preferred_language == "sr-latn"


def test_the_organisation_page_lists_its_members(client_for, admin_a, case_worker_a):
    response = client_for(admin_a).get("/organisations/org-a/")
    assert [m.user for m in response.context["members"]] == [admin_a, case_worker_a]


@pytest.mark.parametrize("malformed", ["abc", "999999", ""])
def test_a_tampered_form_is_404_not_a_server_error(
    client_for, admin_a, case_worker_a, manager_b, malformed
):
    from homeward.accounts.services import api_token_create
    from homeward.core.actors import Actor

    # Somebody else's token id is as unknown as a malformed one.
    other, _secret = api_token_create(actor=Actor(user=manager_b), user=manager_b)
    for token in (malformed, other.pk):
        response = client_for(case_worker_a).post(
            "/accounts/me/", {"form": "revoke", "token": token}
        )
        assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    response = client_for(admin_a).post(
        "/users/caseworker-a/", {"action": "revoke", "membership": malformed}
    )
    assert response.status_code == 404


def test_a_user_whose_role_was_revoked_leaves_the_organisation_list(
    client_for, admin_a, make_user, org_a, system
):
    from homeward.accounts.services import membership_revoke

    leaver = make_user(org_a, Role.CASE_WORKER, username="leaver")
    membership_revoke(actor=system, membership=leaver.memberships.get())
    response = client_for(admin_a).get("/users/")
    assert "leaver" not in response.content.decode()
    assert client_for(admin_a).get("/users/leaver/").status_code == 404


def test_an_administrator_sees_only_the_roles_held_in_their_organisations(
    client_for, admin_a, make_user, org_a, org_b, system
):
    from homeward.accounts.services import membership_grant

    shared = make_user(org_a, Role.CASE_WORKER, username="shared")
    membership_grant(actor=system, user=shared, organisation=org_b, role=Role.ME_OFFICER)
    client = client_for(admin_a)
    for page in ("/users/", "/users/shared/"):
        content = client.get(page).content.decode()
        assert org_a.name in content or org_a.code in content
        assert org_b.name not in content
        assert org_b.code not in content


def test_a_person_changes_their_password_and_stays_logged_in(client_for, manager_a):
    from homeward.core.models import AuditEvent

    browser = client_for(manager_a)
    response = browser.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Kragujevac-2026-river",
            "new_password2": "Kragujevac-2026-river",
        },
    )
    assert response.status_code == 302
    manager_a.refresh_from_db()
    assert manager_a.check_password("Kragujevac-2026-river")
    assert browser.get("/accounts/me/").status_code == 200
    assert AuditEvent.objects.filter(action="user.set_password", target_id=str(manager_a.pk))


def test_a_wrong_current_password_changes_nothing(client_for, manager_a):
    response = client_for(manager_a).post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "Kragujevac-2026-river",
            "new_password2": "Kragujevac-2026-river",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    manager_a.refresh_from_db()
    assert manager_a.check_password(PASSWORD)
