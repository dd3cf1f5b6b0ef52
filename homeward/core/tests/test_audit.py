"""The audit trail: written in the transaction of its change, never changed afterwards."""

import datetime
import decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from homeward.accounts.models import Organisation
from homeward.accounts.services import organisation_update, user_set_active
from homeward.core.audit import AuditOutsideTransaction, audit_read, audit_record, diff, snapshot
from homeward.core.models import AuditEvent
from homeward.core.services import UnauditedChange, service

pytestmark = pytest.mark.django_db


@service
def organisation_rename_then_fail(*, actor, organisation, name):
    before = snapshot(organisation, ["name"])
    organisation.name = name
    organisation.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="organisation.rename",
        target=organisation,
        changes=diff(before, snapshot(organisation, ["name"])),
    )
    raise RuntimeError("something went wrong after the audit row was written")


@service
def organisation_rename_unaudited(*, actor, organisation, name):
    organisation.name = name
    organisation.save(update_fields=["name"])


def test_a_failing_service_leaves_neither_change_nor_audit_row(system, org_a):
    with pytest.raises(RuntimeError):
        organisation_rename_then_fail(actor=system, organisation=org_a, name="Renamed")
    assert Organisation.objects.get(pk=org_a.pk).name == "Organisation A"
    assert not AuditEvent.objects.filter(action="organisation.rename").exists()


def test_a_service_that_changes_state_without_audit_raises_and_rolls_back(system, org_a):
    with pytest.raises(UnauditedChange):
        organisation_rename_unaudited(actor=system, organisation=org_a, name="Renamed")
    assert Organisation.objects.get(pk=org_a.pk).name == "Organisation A"


def test_a_service_that_finds_nothing_to_change_writes_no_row(system, org_a):
    before = AuditEvent.objects.count()
    result = organisation_update(
        actor=system, organisation=org_a, expected_version=org_a.version, name=org_a.name
    )
    assert result == org_a
    assert AuditEvent.objects.count() == before


def test_a_service_takes_keyword_arguments_and_an_actor(org_a):
    with pytest.raises(TypeError, match="keyword arguments only"):
        organisation_update(org_a)
    with pytest.raises(TypeError, match="needs actor"):
        organisation_update(actor="someone", organisation=org_a, expected_version=None)


@pytest.fixture
def event(system, org_a) -> AuditEvent:
    return AuditEvent.objects.filter(action="organisation.create", organisation=org_a).get()


def test_an_audit_row_cannot_be_saved_again_or_deleted(event):
    event.action = "forged"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()


def test_the_audit_queryset_cannot_update_or_delete(event):
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", ["forged", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "organisation.create"


def test_postgresql_refuses_a_raw_delete(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is emptied with DELETE, so only UPDATE is blocked")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_raises(system):
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=system, action="nothing.done")
    assert not AuditEvent.objects.filter(action="nothing.done").exists()


def test_a_ui_change_records_actor_address_channel_and_changes(client_for, manager_a):
    response = client_for(manager_a).post(
        "/accounts/me/",
        {"form": "preferences", "preferred_language": "sq"},
        REMOTE_ADDR="198.51.100.23",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.update")
    assert event.actor == manager_a
    assert event.actor_label == "manager-a"
    assert event.ip_address == "198.51.100.23"
    assert event.via == AuditEvent.Via.UI
    assert event.target_type == "accounts.user"
    assert event.target_id == str(manager_a.pk)
    assert event.changes == {"preferred_language": {"before": "", "after": "sq"}}


def test_an_api_change_records_the_api_channel(api_client, manager_a, project_a):
    response = api_client.patch(
        "/api/v1/projects/project-a/",
        {"version": project_a.version, "title": "Return with dignity"},
        format="json",
        REMOTE_ADDR="2001:db8::5",
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="project.update")
    assert (event.actor, event.via, event.ip_address) == (manager_a, "api", "2001:db8::5")
    assert event.organisation_id == project_a.lead_organisation_id
    assert event.changes == {
        "title": {"before": "Project project-a", "after": "Return with dignity"}
    }


def test_a_command_records_the_cli_channel_and_the_system_actor(manager_a, capsys):
    call_command("api_token", "manager-a")
    event = AuditEvent.objects.get(action="api_token.create")
    assert (event.actor, event.actor_label, event.via, event.ip_address) == (
        None,
        "system",
        "cli",
        None,
    )
    assert event.changes == {"user": {"before": None, "after": "manager-a"}}


def test_the_creating_service_records_every_field_as_new(org_a):
    event = AuditEvent.objects.get(action="organisation.create", organisation=org_a)
    assert event.changes == {
        "code": {"before": None, "after": "org-a"},
        "kind": {"before": None, "after": "ngo"},
        "name": {"before": None, "after": "Organisation A"},
    }


def test_a_rejected_change_through_a_service_is_not_audited(system, admin_a, actor, manager_b):
    # The administrator of A may not deactivate B's user: 404, and nothing is written.
    from django.http import Http404

    before = AuditEvent.objects.count()
    with pytest.raises(Http404):
        user_set_active(actor=actor(admin_a), user=manager_b, is_active=False)
    assert AuditEvent.objects.count() == before
    manager_b.refresh_from_db()
    assert manager_b.is_active


def test_audit_read_records_a_look_at_a_record(actor, manager_a, project_a):
    event = audit_read(actor=actor(manager_a, ip_address="192.0.2.1"), target=project_a)
    assert (event.action, event.target_id, event.ip_address) == (
        "project.read",
        str(project_a.pk),
        "192.0.2.1",
    )


def test_changes_are_stored_as_json(system, org_a, manager_a):
    changes = {
        "when": {"before": None, "after": datetime.date(2026, 1, 1)},
        "amount": {"before": decimal.Decimal("1.50"), "after": None},
        "organisation": {"before": None, "after": org_a},
        "user": {"before": manager_a, "after": None},
    }
    with transaction.atomic():
        event = audit_record(actor=system, action="test.json", changes=changes)
    event.refresh_from_db()
    assert event.changes == {
        "when": {"before": None, "after": "2026-01-01"},
        "amount": {"before": "1.50", "after": None},
        # A record is named by its code where it has one, by its id otherwise.
        "organisation": {"before": None, "after": "org-a"},
        "user": {"before": manager_a.pk, "after": None},
    }


@service
def organisation_rename_through_another_service(*, actor, organisation, name):
    # Delegates its whole change, and so its audit row, to a service it calls.
    return organisation_update(
        actor=actor, organisation=organisation, expected_version=organisation.version, name=name
    )


def test_a_service_that_delegates_its_change_counts_the_inner_audit_row(system, org_a):
    organisation_rename_through_another_service(
        actor=system, organisation=org_a, name="Renamed inside"
    )
    assert Organisation.objects.get(pk=org_a.pk).name == "Renamed inside"
    assert (
        AuditEvent.objects.filter(action="organisation.update", target_id=str(org_a.pk)).count()
        == 1
    )
