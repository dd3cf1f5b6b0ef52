"""Roles and what each may do.

A role is granted through a membership (user × organisation × role, optionally limited to some
projects). What a role may do is a set of capabilities; the data scope of an actor is computed
per capability from the memberships whose role grants it, so a user who is a case worker in one
organisation and a donor viewer in another sees names only in the first.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    ME_OFFICER = "me_officer", _("M&E officer")
    CASE_WORKER = "case_worker", _("Case worker")
    INFO_DESK_OPERATOR = "info_desk_operator", _("Information desk operator")
    SELECTION_COMMITTEE = "selection_committee", _("Selection committee member")
    DONOR_VIEWER = "donor_viewer", _("Donor viewer")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")


class Capability(StrEnum):
    # Names, documents and everything else that identifies a person.
    VIEW_PERSONAL_DATA = "view_personal_data"
    EDIT_REGISTRY = "edit_registry"
    RECORD_CONTACTS = "record_contacts"
    RECORD_CASEWORK = "record_casework"
    DECIDE_SELECTION = "decide_selection"
    MANAGE_PROJECTS = "manage_projects"
    # Counts and percentages with small cells suppressed; never a name.
    VIEW_AGGREGATES = "view_aggregates"
    VIEW_PROJECTS = "view_projects"
    RUN_EXPORTS = "run_exports"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    HANDLE_DATA_REQUESTS = "handle_data_requests"
    # Run deduplication, decide the likely duplicates it finds, merge records and undo merges.
    RESOLVE_DUPLICATES = "resolve_duplicates"


C = Capability

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMINISTRATOR: frozenset(
        {C.VIEW_PROJECTS, C.VIEW_AGGREGATES, C.MANAGE_USERS, C.VIEW_AUDIT, C.MANAGE_PROJECTS}
    ),
    Role.PROJECT_MANAGER: frozenset(
        {
            C.VIEW_PERSONAL_DATA,
            C.EDIT_REGISTRY,
            C.RECORD_CASEWORK,
            C.DECIDE_SELECTION,
            C.MANAGE_PROJECTS,
            C.VIEW_PROJECTS,
            C.VIEW_AGGREGATES,
            C.RUN_EXPORTS,
            C.RESOLVE_DUPLICATES,
        }
    ),
    Role.ME_OFFICER: frozenset(
        {
            C.VIEW_PERSONAL_DATA,
            C.MANAGE_PROJECTS,
            C.VIEW_PROJECTS,
            C.VIEW_AGGREGATES,
            C.RUN_EXPORTS,
        }
    ),
    Role.CASE_WORKER: frozenset(
        {
            C.VIEW_PERSONAL_DATA,
            C.EDIT_REGISTRY,
            C.RECORD_CASEWORK,
            C.RECORD_CONTACTS,
            C.VIEW_PROJECTS,
        }
    ),
    Role.INFO_DESK_OPERATOR: frozenset({C.RECORD_CONTACTS, C.VIEW_PROJECTS}),
    Role.SELECTION_COMMITTEE: frozenset(
        {C.VIEW_PERSONAL_DATA, C.DECIDE_SELECTION, C.VIEW_PROJECTS}
    ),
    Role.DONOR_VIEWER: frozenset({C.VIEW_AGGREGATES, C.VIEW_PROJECTS}),
    Role.DATA_PROTECTION_OFFICER: frozenset(
        {
            C.VIEW_AUDIT,
            C.HANDLE_DATA_REQUESTS,
            C.VIEW_PERSONAL_DATA,
            C.RUN_EXPORTS,
            C.RESOLVE_DUPLICATES,
        }
    ),
}


def capabilities_of(role: str) -> frozenset[Capability]:
    return ROLE_CAPABILITIES.get(role, frozenset())


def roles_with(capability: Capability) -> list[str]:
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
