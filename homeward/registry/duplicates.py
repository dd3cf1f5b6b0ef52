"""The duplicate warning at registration: who in the registry looks like the person being entered.

Three rules, each cheap enough to run before every save because each is an indexed lookup:

* ``national_id``: the same valid JMBG;
* ``name_and_birth``: the same folded first and last name and the same date of birth (the same
  year where either date is only a year);
* ``similar_name_and_birth``: the same folded last name, a first name one typo away, and a date of
  birth at most a year apart.

The registry is searched as a whole, across organisations: a family registered by a municipality
must not be registered again by an NGO unseen. A match outside the case worker's scope is
reported without anything that would identify the person or the organisation holding the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.roles import Capability
from homeward.core.names import fold, within_one_edit
from homeward.core.scope import scoped
from homeward.registry.models import Person

RULES = {
    "national_id": gettext_lazy("same JMBG"),
    "name_and_birth": gettext_lazy("same name and date of birth"),
    "similar_name_and_birth": gettext_lazy(
        "same last name, a first name one letter apart and a date of birth within a year"
    ),
}


@dataclass
class DuplicateCandidate:
    person_id: int
    matched_on: str
    person: Person | None  # None when it lies outside the actor's scope

    @property
    def visible(self) -> bool:
        return self.person is not None

    @property
    def rule(self) -> str:
        return str(RULES[self.matched_on])

    def describe(self) -> str:
        if self.person is None:
            return _(
                "A person whose record you may not see, held by another organisation or "
                "project (%(rule)s). Your data protection officer can resolve it with theirs."
            ) % {"rule": self.rule}
        person = self.person
        born = (
            date_format(person.date_of_birth, "SHORT_DATE_FORMAT") if person.date_of_birth else ""
        )
        return _("%(name)s, born %(born)s, household %(household)s (%(rule)s)") % {
            "name": person.full_name,
            "born": born or "?",
            "household": person.household.number,
            "rule": self.rule,
        }

    def as_dict(self) -> dict:
        row = {"matched_on": self.matched_on, "rule": self.rule, "visible": self.visible}
        if self.person is not None:
            row |= {
                "person": self.person.pk,
                "name": self.person.full_name,
                "date_of_birth": self.person.date_of_birth,
                "household": self.person.household.number,
            }
        row["message"] = self.describe()
        return row


def _same_birth(entered: dict, other: Person) -> bool:
    born = entered.get("date_of_birth")
    if born is None or other.date_of_birth is None:
        return False
    if entered.get("date_of_birth_estimated") or other.date_of_birth_estimated:
        return born.year == other.date_of_birth.year
    return born == other.date_of_birth


def _close_birth(entered: dict, other: Person) -> bool:
    born = entered.get("date_of_birth")
    if born is None or other.date_of_birth is None:
        return False
    return abs((born - other.date_of_birth).days) <= 366


def find_duplicates(*, actor, person: dict, exclude: int | None = None) -> list[DuplicateCandidate]:
    """The people already registered who are likely ``person`` (a dict of the person's fields),
    each with the first rule that matched, most certain first."""
    national_id = person.get("national_id") or ""
    first_key = fold(person.get("first_name") or "")
    last_key = fold(person.get("last_name") or "")
    born: date | None = person.get("date_of_birth")

    condition = Q(pk__in=[])
    if national_id:
        condition |= Q(national_id=national_id)
    if last_key and born is not None:
        window = timedelta(days=366)
        condition |= Q(last_key=last_key, date_of_birth__range=(born - window, born + window))
    if last_key and first_key:
        condition |= Q(last_key=last_key, first_key=first_key)
    rows = Person.objects.filter(condition)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    rows = list(
        rows.only(
            "id", "national_id", "first_key", "last_key", "date_of_birth", "date_of_birth_estimated"
        )[:50]
    )
    if not rows:
        return []

    found: list[tuple[int, str]] = []
    for other in rows:
        if national_id and other.national_id == national_id:
            rule = "national_id"
        elif other.first_key == first_key and _same_birth(person, other):
            rule = "name_and_birth"
        elif within_one_edit(other.first_key, first_key) and _close_birth(person, other):
            rule = "similar_name_and_birth"
        else:
            continue
        found.append((other.pk, rule))
    if not found:
        return []
    visible = {
        record.pk: record
        for record in scoped(
            Person.objects.select_related("household"), actor, Capability.VIEW_PERSONAL_DATA
        ).filter(pk__in=[pk for pk, _rule in found])
    }
    order = list(RULES)
    found.sort(key=lambda match: order.index(match[1]))
    return [DuplicateCandidate(pk, rule, visible.get(pk)) for pk, rule in found]
