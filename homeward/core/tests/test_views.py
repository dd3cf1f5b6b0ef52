"""The core pages: health, the audit trail and its export, security headers."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from homeward.accounts.roles import Role
from homeward.core.models import AuditEvent, Job

pytestmark = pytest.mark.django_db


def test_health_answers_ok_with_the_database_vendor():
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"vendor": connection.vendor, "ok": True},
    }


def test_health_answers_503_when_the_database_fails(monkeypatch):
    from homeward.core import views

    class BrokenConnection:
        vendor = "sqlite"

        def cursor(self):
            raise RuntimeError("database gone")

    monkeypatch.setattr(views, "connection", BrokenConnection())
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"]["ok"] is False


def events_on(response) -> list[AuditEvent]:
    return list(response.context["page"].object_list)


@pytest.mark.parametrize("auditor", ["admin_a", "dpo_a"])
def test_an_auditor_of_a_sees_the_events_of_a_only(request, client_for, auditor, org_a, admin_b):
    user = request.getfixturevalue(auditor)
    response = client_for(user).get("/audit/")
    assert response.status_code == 200
    events = events_on(response)
    assert events
    assert {event.organisation_id for event in events} == {org_a.pk}
    assert b"Organisation A" in response.content
    assert b"admin-b" not in response.content


def test_the_superuser_sees_every_event(client_for, superuser, org_a, org_b):
    events = events_on(client_for(superuser).get("/audit/", {"page": 1}))
    assert {org_a.pk, org_b.pk} <= {event.organisation_id for event in events}


def test_the_audit_trail_filters_by_action_prefix(client_for, admin_a, manager_a):
    events = events_on(client_for(admin_a).get("/audit/", {"action": "user."}))
    assert {event.action for event in events} == {"user.create"}


def test_the_audit_trail_filters_by_actor(client_for, admin_a, manager_a):
    browser = client_for(admin_a)
    browser.post("/users/manager-a/", {"action": "deactivate"})
    events = events_on(browser.get("/audit/", {"actor": "ADMIN-A"}))
    assert [(event.action, event.target_label) for event in events] == [
        ("user.deactivate", "Manager-A")
    ]
    by_system = events_on(browser.get("/audit/", {"actor": "system"}))
    assert by_system
    assert {event.actor_label for event in by_system} == {"system"}


def test_events_about_the_accounts_of_a_reach_the_audit_trail_of_a(
    client_for, token_for, admin_a, dpo_a, manager_a, admin_b, manager_b
):
    from homeward.conftest import PASSWORD

    Client().post(
        "/accounts/login/", {"username": "manager-a", "password": PASSWORD}, REMOTE_ADDR="192.0.2.8"
    )
    token_for(manager_a)
    client_for(admin_a).post("/users/manager-a/", {"action": "deactivate"})
    client_for(admin_b).post("/users/manager-b/", {"action": "deactivate"})
    account_events = ["user.login", "api_token.create", "user.deactivate"]
    for auditor in (admin_a, dpo_a):
        events = events_on(client_for(auditor).get("/audit/", {"target_type": ""}))
        seen = [(e.action, e.target_label) for e in events if e.action in account_events]
        assert sorted(seen) == sorted(
            [
                ("user.login", "Manager-A"),
                ("api_token.create", f"{manager_a.api_tokens.get().prefix}… (Manager-A)"),
                ("user.deactivate", "Manager-A"),
            ]
        )


def test_the_audit_trail_filters_by_object(client_for, admin_a, manager_a, project_a):
    browser = client_for(admin_a)
    by_type = events_on(browser.get("/audit/", {"target_type": "programmes.project"}))
    assert {event.target_id for event in by_type} == {str(project_a.pk)}
    by_id = events_on(
        browser.get("/audit/", {"target_type": "accounts.user", "target_id": manager_a.pk})
    )
    assert [event.action for event in by_id] == ["user.create"]


def test_the_audit_trail_filters_by_date(client_for, admin_a):
    browser = client_for(admin_a)
    today = timezone.localdate()
    assert events_on(browser.get("/audit/", {"date_from": today, "date_to": today}))
    tomorrow = today + timedelta(days=1)
    assert not events_on(browser.get("/audit/", {"date_from": tomorrow}))
    assert not events_on(browser.get("/audit/", {"date_to": today - timedelta(days=1)}))


def test_an_impossible_date_range_is_a_form_error(client_for, admin_a):
    today = timezone.localdate()
    response = client_for(admin_a).get(
        "/audit/", {"date_from": today, "date_to": today - timedelta(days=1)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]


def test_the_audit_trail_is_paginated(system, client_for, admin_a, org_a):
    from homeward.accounts.services import organisation_update

    for number in range(55):
        organisation_update(
            actor=system, organisation=org_a, expected_version=None, name=f"A {number}"
        )
    browser = client_for(admin_a)
    first = browser.get("/audit/")
    assert len(events_on(first)) == 50
    assert b'rel="next"' in first.content
    second = browser.get("/audit/", {"page": 2})
    assert events_on(second)
    assert not set(events_on(first)) & set(events_on(second))


def test_the_export_button_starts_a_job_with_the_filters(
    client_for, dpo_a, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(dpo_a).post("/audit/export/", {"action": "membership."})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == f"/jobs/{job.pk}/"
    assert (job.kind, job.created_by, job.organisation) == ("audit.export", dpo_a, org_a)
    assert job.params == {"filters": {"action": "membership."}}


def test_an_invalid_export_request_starts_nothing(client_for, admin_a):
    response = client_for(admin_a).post("/audit/export/", {"date_from": "not a date"})
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_the_export_needs_a_post(client_for, admin_a):
    assert client_for(admin_a).get("/audit/export/").status_code == 405


def test_pages_carry_a_content_security_policy(client_for, manager_a):
    for response in (Client().get("/accounts/login/"), client_for(manager_a).get("/")):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        assert f'nonce="{nonce}"'.encode() in response.content
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_a_missing_page_is_the_own_404_page(client_for, manager_a):
    response = client_for(manager_a).get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]


def test_the_overview_lists_the_roles(client_for, make_user, org_a, project_a2):
    from homeward.accounts.roles import Role

    limited = make_user(org_a, Role.CASE_WORKER, projects=[project_a2])
    response = client_for(limited).get("/")
    assert response.status_code == 200
    assert b"Organisation A" in response.content
    assert b"project-a2" in response.content


def test_the_navigation_shows_what_the_role_may_use(client_for, make_user, org_a, project_a):
    def links(role):
        user = make_user(org_a, role)
        return {item["url"] for item in client_for(user).get("/").context["navigation"]}

    casework = {"/my-day/", "/registry/", "/referrals/", "/projects/", "/results/"}
    # Those who register households also import them from partners' files.
    imports = {"/imports/"}
    assert (
        links(Role.CASE_WORKER)
        == {"/", "/jobs/", "/contacts/", "/grievances/"} | casework | imports
    )
    # Managers resolve duplicates; the assistance overlap is one of the deduplication pages.
    assert (
        links(Role.PROJECT_MANAGER)
        == {"/", "/jobs/", "/grievances/", "/duplicates/"} | casework | imports
    )
    # M&E officers coordinate with partners: the overlap report has its own link for them.
    assert "/duplicates/overlap/" in links(Role.ME_OFFICER)
    assert "/duplicates/" not in links(Role.ME_OFFICER)
    # The information desk records calls and complaints but sees no one in the registry.
    assert links(Role.INFO_DESK_OPERATOR) == {
        "/",
        "/jobs/",
        "/my-day/",
        "/contacts/",
        "/grievances/",
        "/projects/",
        "/results/",
    }
    # Administrators manage accounts and projects, never casework: no link to a 404.
    assert links(Role.ADMINISTRATOR) == {
        "/",
        "/projects/",
        "/results/",
        "/organisations/",
        "/users/",
        "/audit/",
        "/jobs/",
    }
    assert links(Role.DONOR_VIEWER) == {"/", "/projects/", "/results/", "/jobs/"}


def test_health_answers_head_requests_of_load_balancers(client):
    response = client.head("/health/")
    assert response.status_code == 200


def test_a_change_of_a_field_named_items_is_shown_as_a_change(client_for, admin_a, org_a):
    # A template that looped over ``changes.items`` would call the dict's key instead.
    AuditEvent.objects.create(
        actor_label="system",
        organisation=org_a,
        action="delivery.update",
        target_type="assistance.delivery",
        changes={"items": {"before": "2 tools", "after": "3 tools"}},
        via="cli",
    )
    page = client_for(admin_a).get("/audit/?action=delivery").content.decode()
    assert "2 tools → 3 tools" in page
