"""Reading people imports through the actor's data scope.

An import names people (its problems quote their cells), so it is read with the capability of
those who import: editing the registry for the organisation or project it was made for.
"""

from __future__ import annotations

from django.db.models import F

from homeward.accounts.roles import Capability
from homeward.core.scope import get_scoped_or_404, require, scoped
from homeward.exchange.models import ImportDuplicate, ImportProblem, PeopleImport
from homeward.registry.models import Person


def import_list(*, actor):
    require(actor, Capability.EDIT_REGISTRY)
    return scoped(
        PeopleImport.objects.select_related("organisation", "project", "created_by"),
        actor,
        Capability.EDIT_REGISTRY,
    )


def import_get(*, actor, pk) -> PeopleImport:
    require(actor, Capability.EDIT_REGISTRY)
    return get_scoped_or_404(
        PeopleImport.objects.select_related("organisation", "project", "created_by", "job"),
        actor,
        Capability.EDIT_REGISTRY,
        pk=pk,
    )


def import_problems(people_import: PeopleImport, *, severity: str = ""):
    problems = ImportProblem.objects.filter(people_import=people_import)
    if severity:
        problems = problems.filter(severity=severity)
    # The file's own problems (no row) first, on every database.
    return problems.order_by(F("row").asc(nulls_first=True), "id")


def import_duplicates(people_import: PeopleImport):
    return ImportDuplicate.objects.filter(people_import=people_import).order_by("row", "id")


def visible_people(*, actor, ids) -> dict[int, Person]:
    """Of the people ``ids``, those ``actor`` may see, by id: a likely duplicate registered
    by another organisation is named to nobody who may not see it."""
    ids = {pk for pk in ids if pk}
    if not ids:
        return {}
    people = scoped(
        Person.objects.filter(pk__in=ids).select_related("household"),
        actor,
        Capability.VIEW_PERSONAL_DATA,
    )
    return {person.pk: person for person in people}
