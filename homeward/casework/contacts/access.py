"""Who may read and write referrals, contacts and grievances.

* Referrals name a household and share its data: read with the capability to see personal data,
  written by case workers and managers (``RECORD_CASEWORK``).
* Contacts are the information desk's log: read and written with ``RECORD_CONTACTS`` (desk
  operators and case workers). Managers see counts on the project page, never the log.
* Grievances are received by whoever holds ``RECORD_CONTACTS`` and handled by them, or by those
  who manage projects and may see personal data (project managers, M&E officers), who alone
  read the sensitive ones.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.casework.common import acting_organisation, household_in_scope, require_project
from homeward.core.actors import Actor
from homeward.core.errors import ValidationError
from homeward.core.scope import GLOBAL, Scope, scope_filter
from homeward.registry.models import Household

C = Capability


def handler_scope(actor: Actor) -> Scope:
    """Where ``actor`` may handle every grievance, sensitive ones included: where they manage
    projects and may see personal data, both."""
    manage = actor.scope(C.MANAGE_PROJECTS)
    personal = actor.scope(C.VIEW_PERSONAL_DATA)
    if manage.is_global and personal.is_global:
        return GLOBAL
    if manage.is_global or personal.is_global:
        return personal if manage.is_global else manage
    return Scope(
        is_global=False,
        organisation_ids=manage.organisation_ids & personal.organisation_ids,
        project_ids=manage.project_ids & personal.project_ids,
    )


def may_read_grievances(actor: Actor) -> bool:
    return actor.can(C.RECORD_CONTACTS) or not handler_scope(actor).is_empty


def scoped_grievances(queryset: QuerySet, actor: Actor) -> QuerySet:
    from homeward.casework.contacts.models import Grievance

    handler = handler_scope(actor)
    if handler.is_global:
        return queryset
    condition = Q(pk__in=[])
    if not handler.is_empty:
        condition |= scope_filter(Grievance, handler)
    receiver = actor.scope(C.RECORD_CONTACTS)
    if receiver.is_global:
        condition |= ~Q(category=Grievance.Category.SENSITIVE)
    elif not receiver.is_empty:
        condition |= scope_filter(Grievance, receiver) & ~Q(category=Grievance.Category.SENSITIVE)
    return queryset.filter(condition)


def may_handle(actor: Actor, grievance) -> bool:
    from homeward.casework.contacts.models import Grievance

    return scoped_grievances(Grievance.objects.filter(pk=grievance.pk), actor).exists()


def household_visible(actor: Actor, household: Household) -> bool:
    return household_in_scope(actor, household)


def check_household_link(actor: Actor, household: Household | None) -> None:
    """Only somebody who may see the registry links a contact or grievance to a household;
    a desk operator never learns whether a caller is registered."""
    if household is None:
        return
    if not actor.can(C.VIEW_PERSONAL_DATA):
        raise ValidationError(
            {"household": _("Linking a registered household needs access to the registry.")}
        )
    if not household_visible(actor, household):
        raise ValidationError({"household": _("No household with this number is open to you.")})


def recording_organisation(
    actor: Actor,
    capability: Capability,
    *,
    project=None,
    organisation: Organisation | None = None,
) -> Organisation:
    """The organisation on whose behalf ``actor`` records: in a project, one of its
    organisations (``acting_organisation``); otherwise one of the actor's own where they hold
    ``capability`` without a limit to projects."""
    if project is not None:
        require_project(actor, project, capability)
        return acting_organisation(actor, project, capability, organisation)
    scope = actor.scope(capability)
    if scope.is_global:
        if organisation is None:
            raise ValidationError({"organisation": _("Say on whose behalf this is recorded.")})
        return organisation
    own = sorted(scope.organisation_ids)
    if not own:
        if scope.is_empty:
            raise Http404
        raise ValidationError({"project": _("Choose one of the projects you work on.")})
    if organisation is not None:
        if organisation.pk not in own:
            raise Http404
        return organisation
    if len(own) > 1:
        raise ValidationError({"organisation": _("Say on whose behalf this is recorded.")})
    return Organisation.objects.get(pk=own[0])
