from django.http import Http404
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.core.actors import Actor
from homeward.core.audit import audit_record, diff, snapshot
from homeward.core.concurrency import update_versioned
from homeward.core.errors import ValidationError
from homeward.core.services import service
from homeward.programmes.models import Project

_FIELDS = ["code", "title", "lead_organisation", "start_date", "end_date"]


def can_manage_projects_of(actor: Actor, organisation: Organisation) -> bool:
    """Projects are defined and changed by the lead organisation's managers."""
    scope = actor.scope(Capability.MANAGE_PROJECTS)
    return scope.is_global or organisation.pk in scope.organisation_ids


def _require_manager(actor: Actor, organisation: Organisation) -> None:
    if not can_manage_projects_of(actor, organisation):
        raise Http404


@service
def project_create(
    *,
    actor: Actor,
    code: str,
    title: str,
    lead_organisation: Organisation,
    start_date,
    end_date,
    partners=(),
    donors=(),
) -> Project:
    _require_manager(actor, lead_organisation)
    if Project.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A project with this code already exists.")})
    project = Project(
        code=code,
        title=title,
        lead_organisation=lead_organisation,
        start_date=start_date,
        end_date=end_date,
    )
    project.full_clean()
    project.save()
    project.partners.set(partners)
    project.donors.set(donors)
    changes = diff({}, snapshot(project, _FIELDS))
    changes["partners"] = {"before": None, "after": sorted(o.code for o in partners)}
    changes["donors"] = {"before": None, "after": sorted(o.code for o in donors)}
    audit_record(actor=actor, action="project.create", target=project, changes=changes)
    return project


@service
def project_update(
    *, actor: Actor, project: Project, expected_version: int | None, **changes
) -> Project:
    _require_manager(actor, project.lead_organisation)
    update_versioned(
        actor=actor,
        instance=project,
        action="project.update",
        changes=changes,
        editable={"title", "start_date", "end_date"},
        expected_version=expected_version,
    )
    return project
