"""How casework shows itself on pages that belong to other apps, and on the case worker's day.

A casework app may have a ``panels`` module with any of:

* ``household_panel(*, request, household) -> Panel | None``: a section of the household page;
* ``project_panel(*, request, project) -> Panel | None``: a section of the project page;
* ``agenda_items(*, actor, today) -> list[AgendaItem]``: what is due for the case worker's day.

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


def _panel_modules():
    for app in CASEWORK_APPS:
        try:
            yield import_module(f"homeward.casework.{app}.panels")
        except ModuleNotFoundError as missing:
            if missing.name != f"homeward.casework.{app}.panels":
                raise


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
