"""How casework shows itself on pages that belong to other apps, and on the case worker's day.

A casework app may have a ``panels`` module with any of:

* ``household_panel(*, request, household) -> Panel | None``: a section of the household page;
* ``project_panel(*, request, project) -> Panel | None``: a section of the project page;
* ``agenda_items(*, actor, today) -> list[AgendaItem]``: what is due for the case worker's day;
* ``HOUSEHOLD_HISTORY`` (target type → path to the household) and ``HISTORY_ACTIONS`` (action →
  label): the audit rows of its records that the household's history tells.

Each returns only what the actor's scope lets them see (None or [] when nothing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from importlib import import_module

from homeward.casework import CASEWORK_APPS


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


@dataclass
class AgendaItem:
    """One thing due: a follow-up visit, an overdue referral, a pending approval."""

    kind: str  # what kind of work, translated: "Grant monitoring visit"
    title: str  # whom or what it is about: "H-000012 · Petrović"
    due_on: datetime.date | None
    url: str
    detail: str = ""
    # Work waiting for somebody's decision rather than for a date.
    is_approval: bool = False

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_on is not None and self.due_on < today


# Apps outside casework that add to the same pages.
OTHER_PANEL_MODULES = ("homeward.results.panels", "homeward.exchange.panels")


def _panel_modules():
    for name in (
        *(f"homeward.casework.{app}.panels" for app in CASEWORK_APPS),
        *OTHER_PANEL_MODULES,
    ):
        try:
            yield import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise


def household_history_events(*, actor, household):
    """The audit rows of the casework records of ``household`` that ``actor`` may see, as a
    condition on ``AuditEvent``: one query per kind of record, each through the data scope."""
    from django.apps import apps
    from django.db.models import Q

    from homeward.accounts.roles import Capability
    from homeward.core.scope import scoped

    condition = Q(pk__in=[])
    for module in _panel_modules():
        for target_type, path in getattr(module, "HOUSEHOLD_HISTORY", {}).items():
            model = apps.get_model(target_type)
            records = scoped(
                model.objects.filter(**{path: household}), actor, Capability.VIEW_PERSONAL_DATA
            )
            ids = [str(pk) for pk in records.values_list("pk", flat=True)]
            if ids:
                condition |= Q(target_type=target_type, target_id__in=ids)
    return condition


def history_actions() -> dict:
    """How every casework action reads in a household's history."""
    labels = {}
    for module in _panel_modules():
        labels.update(getattr(module, "HISTORY_ACTIONS", {}))
    return labels


def household_panels(*, request, household) -> list[Panel]:
    panels = []
    for module in _panel_modules():
        make = getattr(module, "household_panel", None)
        panel = make(request=request, household=household) if make else None
        if panel is not None:
            panels.append(panel)
    return panels


def project_panels(*, request, project) -> list[Panel]:
    panels = []
    for module in _panel_modules():
        make = getattr(module, "project_panel", None)
        panel = make(request=request, project=project) if make else None
        if panel is not None:
            panels.append(panel)
    return panels


def has_agenda(actor) -> bool:
    """Whether work can fall due for ``actor``: casework, contacts, selection decisions, or
    approvals in projects whose people they may see."""
    from homeward.accounts.roles import Capability as C

    return (
        actor.can(C.RECORD_CASEWORK)
        or actor.can(C.RECORD_CONTACTS)
        or actor.can(C.DECIDE_SELECTION)
        or (actor.can(C.MANAGE_PROJECTS) and actor.can(C.VIEW_PERSONAL_DATA))
    )


def agenda(*, actor, today: datetime.date) -> list[AgendaItem]:
    """Everything due for ``actor``: overdue first, then by date, approvals last."""
    items: list[AgendaItem] = []
    for module in _panel_modules():
        collect = getattr(module, "agenda_items", None)
        if collect is not None:
            items.extend(collect(actor=actor, today=today))
    far = datetime.date.max
    return sorted(items, key=lambda item: (item.is_approval, item.due_on or far, item.title))
