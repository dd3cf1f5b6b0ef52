"""Projects: created and changed only by the managers of the lead organisation, audited."""

from datetime import date

import pytest
from django.http import Http404

from homeward.core.errors import ValidationError
from homeward.core.models import AuditEvent
from homeward.programmes.models import Project
from homeward.programmes.services import project_create, project_update

pytestmark = pytest.mark.django_db


def create(actor, lead, code="new-project", **extra):
    values = {
        "title": "New",
        "start_date": date(2026, 1, 1),
        "end_date": date(2026, 12, 31),
    } | extra
    return project_create(actor=actor, code=code, lead_organisation=lead, **values)


def test_a_manager_creates_a_project_of_their_organisation(actor, manager_a, org_a, org_b):
    project = create(actor(manager_a), org_a, partners=[org_b])
    assert project.involves(org_b)
    event = AuditEvent.objects.get(action="project.create", target_id=str(project.pk))
    assert event.organisation_id == org_a.pk
    assert event.changes["partners"] == {"before": None, "after": ["org-b"]}
    assert event.changes["start_date"] == {"before": None, "after": "2026-01-01"}


def test_a_manager_cannot_create_a_project_for_another_organisation(actor, manager_a, org_b):
    with pytest.raises(Http404):
        create(actor(manager_a), org_b)
    assert not Project.objects.filter(code="new-project").exists()


def test_a_role_without_project_management_cannot_create(actor, case_worker_a, org_a):
    with pytest.raises(Http404):
        create(actor(case_worker_a), org_a)


def test_a_duplicate_code_names_the_field(system, org_a, project_a):
    with pytest.raises(ValidationError) as refused:
        create(system, org_a, code="project-a")
    assert set(refused.value.message_dict) == {"code"}


def test_a_project_cannot_end_before_it_starts(system, org_a):
    with pytest.raises(ValidationError):
        create(system, org_a, end_date=date(2025, 1, 1))
    assert not Project.objects.filter(code="new-project").exists()


def test_only_some_fields_may_change(system, project_a):
    with pytest.raises(ValidationError) as refused:
        project_update(actor=system, project=project_a, expected_version=None, code="other")
    assert set(refused.value.message_dict) == {"code"}


def test_a_partner_cannot_change_the_project(system, actor, make_user, org_a, org_b):
    from homeward.accounts.roles import Role

    shared = create(system, org_a, code="shared", partners=[org_b])
    partner_manager = make_user(org_b, Role.PROJECT_MANAGER)
    with pytest.raises(Http404):
        project_update(
            actor=actor(partner_manager), project=shared, expected_version=1, title="Taken"
        )


def test_an_update_records_before_and_after(actor, manager_a, project_a):
    project_update(
        actor=actor(manager_a),
        project=project_a,
        expected_version=1,
        title="Renamed",
        end_date=date(2027, 6, 30),
    )
    event = AuditEvent.objects.get(action="project.update")
    assert event.changes == {
        "end_date": {"before": "2026-12-31", "after": "2027-06-30"},
        "title": {"before": "Project project-a", "after": "Renamed"},
    }
