"""Organisations, users and memberships: administrators manage their own organisation only."""

import pytest
from django.http import Http404

from homeward.accounts.models import Membership, Organisation, User
from homeward.accounts.roles import Capability, Role
from homeward.accounts.services import (
    api_token_create,
    membership_grant,
    membership_revoke,
    organisation_create,
    organisation_update,
    user_create,
    user_set_password,
)
from homeward.conftest import PASSWORD
from homeward.core.errors import ValidationError
from homeward.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_only_the_platform_creates_organisations(actor, admin_a, system):
    with pytest.raises(Http404):
        organisation_create(actor=actor(admin_a), code="new", name="New", kind="ngo")
    organisation_create(actor=system, code="new", name="New", kind="ngo")
    with pytest.raises(ValidationError) as refused:
        organisation_create(actor=system, code="new", name="Again", kind="ngo")
    assert set(refused.value.message_dict) == {"code"}
    assert Organisation.objects.filter(code="new").count() == 1


def test_an_administrator_changes_their_organisation_only(actor, admin_a, org_a, org_b):
    organisation_update(actor=actor(admin_a), organisation=org_a, expected_version=1, name="A2")
    with pytest.raises(Http404):
        organisation_update(
            actor=actor(admin_a), organisation=org_b, expected_version=1, name="Taken"
        )
    with pytest.raises(ValidationError):
        organisation_update(actor=actor(admin_a), organisation=org_a, expected_version=2, code="x")


def test_an_administrator_creates_users_in_their_organisation_only(actor, admin_a, org_a, org_b):
    user = user_create(
        actor=actor(admin_a),
        username="new-worker",
        password=PASSWORD,
        organisation=org_a,
        role=Role.CASE_WORKER,
    )
    membership = user.memberships.get()
    assert (membership.organisation, membership.role) == (org_a, Role.CASE_WORKER)
    assert AuditEvent.objects.filter(action="user.create", actor=admin_a).exists()
    assert AuditEvent.objects.filter(action="membership.grant", actor=admin_a).exists()
    with pytest.raises(Http404):
        user_create(
            actor=actor(admin_a),
            username="intruder",
            password=PASSWORD,
            organisation=org_b,
            role=Role.ADMINISTRATOR,
        )
    assert not User.objects.filter(username="intruder").exists()


def test_usernames_are_unique_whatever_the_case(system, org_a, manager_a):
    with pytest.raises(ValidationError) as refused:
        user_create(actor=system, username="MANAGER-A", organisation=org_a, role=Role.CASE_WORKER)
    assert set(refused.value.message_dict) == {"username"}


def test_a_user_without_a_password_cannot_log_in_with_one(system, org_a):
    user = user_create(actor=system, username="sso", organisation=org_a, role=Role.CASE_WORKER)
    assert not user.has_usable_password()


def test_a_membership_may_be_limited_to_projects_of_the_organisation(
    system, make_user, org_a, org_b, project_a, project_b
):
    user = make_user(org_a, Role.CASE_WORKER)
    with pytest.raises(ValidationError) as refused:
        membership_grant(
            actor=system,
            user=user,
            organisation=org_a,
            role=Role.ME_OFFICER,
            projects=[project_b],
        )
    assert set(refused.value.message_dict) == {"projects"}
    membership = membership_grant(
        actor=system, user=user, organisation=org_a, role=Role.ME_OFFICER, projects=[project_a]
    )
    assert list(membership.projects.all()) == [project_a]


def test_a_role_is_granted_once_and_may_be_granted_again_after_revoking(system, make_user, org_a):
    user = make_user(org_a, Role.CASE_WORKER)
    with pytest.raises(ValidationError) as refused:
        membership_grant(actor=system, user=user, organisation=org_a, role=Role.CASE_WORKER)
    assert set(refused.value.message_dict) == {"role"}
    membership_revoke(actor=system, membership=user.memberships.get())
    membership_grant(actor=system, user=user, organisation=org_a, role=Role.CASE_WORKER)
    assert Membership.objects.filter(user=user).count() == 2
    assert Membership.objects.filter(user=user, is_active=True).count() == 1


def test_an_unknown_role_is_refused(system, make_user, org_a):
    user = make_user(org_a, Role.CASE_WORKER)
    with pytest.raises(ValidationError) as refused:
        membership_grant(actor=system, user=user, organisation=org_a, role="king")
    assert set(refused.value.message_dict) == {"role"}


def test_a_revoked_membership_no_longer_grants_its_scope(system, actor, case_worker_a, project_a):
    assert actor(case_worker_a).can(Capability.VIEW_PROJECTS)
    membership_revoke(actor=system, membership=case_worker_a.memberships.get())
    assert not actor(case_worker_a).can(Capability.VIEW_PROJECTS)


def test_people_set_their_own_password_and_administrators_their_users(
    actor, admin_a, manager_a, manager_b
):
    user_set_password(actor=actor(manager_a), user=manager_a, password="Another-Pass-2026")
    user_set_password(actor=actor(admin_a), user=manager_a, password="Third-Pass-2026")
    with pytest.raises(Http404):
        user_set_password(actor=actor(admin_a), user=manager_b, password="Hijacked-2026")
    with pytest.raises(Http404):
        user_set_password(actor=actor(manager_b), user=manager_a, password="Hijacked-2026")
    manager_a.refresh_from_db()
    assert manager_a.check_password("Third-Pass-2026")
    # The password itself never reaches the audit trail.
    for event in AuditEvent.objects.filter(action="user.set_password"):
        assert event.changes == {}


def test_nobody_but_an_administrator_makes_a_token_for_somebody_else(
    actor, admin_a, case_worker_a, manager_a
):
    with pytest.raises(Http404):
        api_token_create(actor=actor(case_worker_a), user=manager_a)
    _token, secret = api_token_create(actor=actor(admin_a), user=manager_a)
    assert secret.startswith("hw_")
