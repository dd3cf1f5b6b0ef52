from homeward.accounts.roles import Capability
from homeward.core.scope import get_scoped_or_404, scoped
from homeward.programmes.models import Project

_RELATED = ("partners", "donors", "municipalities__parent")


def project_list(*, actor):
    return scoped(
        Project.objects.select_related("lead_organisation").prefetch_related(*_RELATED),
        actor,
        Capability.VIEW_PROJECTS,
    )


def project_get(*, actor, code: str) -> Project:
    return get_scoped_or_404(
        Project.objects.select_related("lead_organisation").prefetch_related(*_RELATED),
        actor,
        Capability.VIEW_PROJECTS,
        code=code,
    )
