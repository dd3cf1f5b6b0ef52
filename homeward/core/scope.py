"""The data scope: the one place that decides which records an actor may reach.

Every model that holds data an organisation owns declares where its owner is:

* ``scope_organisation_path``: lookup to the owning organisation's id (``"organisation"``,
  ``"household__organisation"``);
* ``scope_project_path`` (optional): lookup to the project the record belongs to.

Both paths follow foreign keys only (never a many-to-many), so filtering never duplicates rows.

Records of the registry also declare ``scope_household_path`` (``"pk"``, ``"household"``,
``"person__household"``): a household enrolled in a project is seen by the project's lead and
partners, whoever registered it, and so are its members and their documents.

An actor reaches a record with a capability when one of their memberships granting that
capability covers it: an unrestricted membership covers the organisation's own records and the
records of every project the organisation leads, implements as partner or funds; a membership
limited to projects covers the records of those projects only. Records out of scope are
answered with 404, so their existence is never confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from homeward.accounts.roles import Capability, capabilities_of


@dataclass(frozen=True)
class Scope:
    is_global: bool
    organisation_ids: frozenset[int]
    project_ids: frozenset[int]

    @property
    def is_empty(self) -> bool:
        return not (self.is_global or self.organisation_ids or self.project_ids)


EMPTY = Scope(is_global=False, organisation_ids=frozenset(), project_ids=frozenset())
GLOBAL = Scope(is_global=True, organisation_ids=frozenset(), project_ids=frozenset())


def scope_for(actor, capability: Capability) -> Scope:
    if actor.user is None:
        return GLOBAL if actor.is_system else EMPTY
    if not actor.user.is_active:
        return EMPTY
    if actor.user.is_superuser:
        return GLOBAL

    full_orgs: set[int] = set()
    projects: set[int] = set()
    for membership in actor.memberships:
        if capability not in capabilities_of(membership.role):
            continue
        limited_to = [project.pk for project in membership.projects.all()]
        if limited_to:
            projects.update(limited_to)
        else:
            full_orgs.add(membership.organisation_id)
    if full_orgs:
        projects.update(_projects_of(actor, frozenset(full_orgs)))
    return Scope(
        is_global=False, organisation_ids=frozenset(full_orgs), project_ids=frozenset(projects)
    )


def _projects_of(actor, organisations: frozenset[int]) -> frozenset[int]:
    """The projects ``organisations`` lead, implement or fund: asked once per actor, though
    a page asks for the scope of several capabilities (the navigation alone asks for six)."""
    from homeward.programmes.models import Project

    if organisations not in actor._projects_of:
        actor._projects_of[organisations] = frozenset(
            Project.objects.filter(
                Q(lead_organisation__in=organisations)
                | Q(partners__in=organisations)
                | Q(donors__in=organisations)
            ).values_list("pk", flat=True)
        )
    return actor._projects_of[organisations]


def scope_filter(model, scope: Scope) -> Q | None:
    """The condition a row of ``model`` must meet to be in ``scope`` (None: every row)."""
    if scope.is_global:
        return None
    condition = Q(pk__in=[])
    organisation_path = getattr(model, "scope_organisation_path", None)
    project_path = getattr(model, "scope_project_path", None)
    if organisation_path is None and project_path is None:
        raise TypeError(f"{model.__name__} declares no scope path and cannot be scoped.")
    if organisation_path and scope.organisation_ids:
        condition |= Q(**{f"{organisation_path}__in": scope.organisation_ids})
    if project_path and scope.project_ids:
        condition |= Q(**{f"{project_path}__in": scope.project_ids})
    household_path = getattr(model, "scope_household_path", None)
    if household_path and scope.project_ids:
        from homeward.casework.enrolment.models import Enrolment

        enrolled = Enrolment.objects.filter(project__in=scope.project_ids).values("household_id")
        condition |= Q(**{f"{household_path}__in": enrolled})
    return condition


def scoped(queryset: QuerySet, actor, capability: Capability) -> QuerySet:
    """``queryset`` limited to the rows ``actor`` may reach with ``capability``."""
    condition = scope_filter(queryset.model, actor.scope(capability))
    if condition is None:
        return queryset
    return queryset.filter(condition)


def get_or_404(queryset: QuerySet, **lookup):
    """The one row ``lookup`` finds in ``queryset``, else 404. A malformed id (text where a
    number or UUID is expected, a tampered form) is as unknown as a missing one."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError) as missing:
        raise Http404 from missing


def get_scoped_or_404(queryset: QuerySet, actor, capability: Capability, **lookup):
    return get_or_404(scoped(queryset, actor, capability), **lookup)


def require(actor, capability: Capability) -> None:
    """A page or endpoint that only some roles have is simply not there for the others."""
    if not actor.can(capability):
        raise Http404
