"""What every part of casework shares: who may work in a project, and status life cycles."""

from __future__ import annotations

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability, capabilities_of
from homeward.core.actors import Actor
from homeward.core.errors import TransitionNotAllowed, ValidationError
from homeward.core.scope import Scope

# Counts below this are shown as "fewer than 5" to whoever may not see the people: a donor
# could otherwise tell who they are.
SMALL_CELL = 5


def household_member(household, person_id):
    """The member ``person_id`` of ``household`` (None for none named): a person of another
    household is refused, naming the field."""
    if person_id is None:
        return None
    person = household.members.filter(pk=person_id).first()
    if person is None:
        raise ValidationError({"person": _("This person is not a member of the household.")})
    return person


def project_in_scope(actor: Actor, project, capability: Capability) -> bool:
    scope: Scope = actor.scope(capability)
    return scope.is_global or project.pk in scope.project_ids


def household_in_scope(
    actor: Actor, household, capability: Capability = Capability.VIEW_PERSONAL_DATA
) -> bool:
    """Whether ``actor`` reaches ``household`` with ``capability``: casework on a family
    needs the family first."""
    from homeward.core.scope import scoped
    from homeward.registry.models import Household

    return scoped(Household.objects.filter(pk=household.pk), actor, capability).exists()


def require_project(actor: Actor, project, capability: Capability) -> None:
    """Work in a project needs ``capability`` there; without it the project is not there."""
    if not project_in_scope(actor, project, capability):
        raise Http404


def acting_organisation(
    actor: Actor, project, capability: Capability, organisation: Organisation | None = None
) -> Organisation:
    """The organisation on whose behalf ``actor`` records work in ``project``.

    A person with memberships in two organisations of the project names one; otherwise it is
    the one they have. A command or job acting for the system must name it.
    """
    involved = _involved_organisation_ids(project)
    if organisation is not None:
        if organisation.pk not in involved:
            raise Http404
        if actor.scope(capability).is_global:
            return organisation
        for membership in actor.memberships:
            if membership.organisation_id == organisation.pk and capability in capabilities_of(
                membership.role
            ):
                return organisation
        raise Http404
    if actor.user is None or actor.scope(capability).is_global:
        return project.lead_organisation
    for membership in actor.memberships:
        if membership.organisation_id in involved and capability in capabilities_of(
            membership.role
        ):
            return membership.organisation
    # A membership limited to this project, in an organisation that is not a partner.
    for membership in actor.memberships:
        if capability in capabilities_of(membership.role) and any(
            limited.pk == project.pk for limited in membership.projects.all()
        ):
            return membership.organisation
    raise Http404


def _involved_organisation_ids(project) -> set[int]:
    ids = {project.lead_organisation_id}
    ids.update(project.partners.values_list("pk", flat=True))
    return ids


def check_transition(record: models.Model, target: str, *, field: str = "status") -> None:
    """Refuse a change of status that ``type(record).TRANSITIONS`` does not declare, naming
    both statuses as people read them."""
    current = getattr(record, field)
    allowed = type(record).TRANSITIONS.get(current, ())
    if target in allowed:
        return
    labels = dict(record._meta.get_field(field).flatchoices)
    current_label = labels.get(current, current)
    target_label = labels.get(target, target)
    if allowed:
        message = _(
            "A record that is “%(current)s” cannot become “%(target)s”. It can become: %(allowed)s."
        ) % {
            "current": current_label,
            "target": target_label,
            "allowed": ", ".join(f"“{labels.get(name, name)}”" for name in allowed),
        }
    else:
        message = _("A record that is “%(current)s” cannot change any more.") % {
            "current": current_label
        }
    raise TransitionNotAllowed(
        message,
        details={"field": field, "from": current, "to": target, "allowed": list(allowed)},
    )
