"""Optimistic concurrency: a save over somebody else's newer save is refused, not silent."""

import pytest

from homeward.accounts.models import Organisation
from homeward.accounts.services import organisation_update
from homeward.core.concurrency import save_versioned
from homeward.core.errors import ConflictError
from homeward.core.models import AuditEvent
from homeward.programmes.models import Project
from homeward.programmes.services import project_update

pytestmark = pytest.mark.django_db


def test_two_people_edit_the_same_version_and_the_second_is_refused(
    actor, manager_a, make_user, org_a, project_a
):
    from homeward.accounts.roles import Role

    colleague = make_user(org_a, Role.PROJECT_MANAGER)
    mine = Project.objects.get(pk=project_a.pk)
    theirs = Project.objects.get(pk=project_a.pk)
    assert mine.version == theirs.version == 1

    project_update(actor=actor(manager_a), project=mine, expected_version=1, title="Mine")
    assert mine.version == 2

    with pytest.raises(ConflictError) as conflict:
        project_update(actor=actor(colleague), project=theirs, expected_version=1, title="Theirs")
    assert conflict.value.status == 409
    assert conflict.value.details == {
        "your_version": 1,
        "current_version": 2,
        "current_values": {"title": "Mine"},
    }
    stored = Project.objects.get(pk=project_a.pk)
    assert (stored.title, stored.version) == ("Mine", 2)
    assert AuditEvent.objects.filter(action="project.update").count() == 1


def test_every_save_bumps_the_version(system, org_a):
    organisation_update(actor=system, organisation=org_a, expected_version=1, name="One")
    organisation_update(actor=system, organisation=org_a, expected_version=2, name="Two")
    assert Organisation.objects.get(pk=org_a.pk).version == 3


def test_no_expected_version_means_overwrite(system, org_a):
    stale = Organisation.objects.get(pk=org_a.pk)
    organisation_update(actor=system, organisation=org_a, expected_version=None, name="First")
    organisation_update(actor=system, organisation=stale, expected_version=None, name="Second")
    assert Organisation.objects.get(pk=org_a.pk).name == "Second"


def test_saving_a_deleted_record_is_a_conflict(system, org_b):
    from datetime import date

    project = Project(
        code="gone",
        title="Gone",
        lead_organisation=org_b,
        start_date=date(2025, 1, 1),
        end_date=date(2025, 2, 1),
        pk=987654,
    )
    with pytest.raises(ConflictError) as conflict:
        save_versioned(project, expected_version=1, fields=["title"])
    assert conflict.value.details == {"deleted": True}


def test_only_the_named_fields_are_written(system, project_a):
    other = Project.objects.get(pk=project_a.pk)
    other.title = "Not saved"
    other.end_date = project_a.end_date.replace(year=2027)
    save_versioned(other, expected_version=1, fields=["end_date"])
    stored = Project.objects.get(pk=project_a.pk)
    assert (stored.title, stored.end_date.year, stored.version) == ("Project project-a", 2027, 2)
    assert other.version == 2
