"""Reading places: resolving what a person or an import file wrote, searching, form choices.

Places are reference data that everybody may read, so nothing here is scoped.

``area_resolve`` accepts a place written in any script or spelling ("Gnjilane", "Gjilan",
"Гњилане", "GJILANI") because every spelling is stored as a folded key
(``homeward.core.names.fold``). A name two places share (Palilula is in Belgrade and in Niš)
needs its city or district as well, written as people do: "Palilula, Niš",
"Palilula (Niš)", "Niš - Palilula", "Palilula Niš".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from homeward.core.errors import HomewardError
from homeward.core.names import fold
from homeward.core.scope import get_or_404
from homeward.geo.models import Area, AreaKind, AreaName

__all__ = [
    "MUNICIPALITY_KINDS",
    "AreaAmbiguous",
    "AreaNotFound",
    "area_choices",
    "area_get",
    "area_list",
    "area_resolve",
    "area_search",
]

# What may be a person's current municipality or municipality of origin. A city divided into
# city municipalities (Beograd, Niš) is one too: people often know no more than the city.
MUNICIPALITY_KINDS: tuple[str, ...] = (
    AreaKind.CITY,
    AreaKind.MUNICIPALITY,
    AreaKind.CITY_MUNICIPALITY,
    AreaKind.KOSOVO_MUNICIPALITY,
)

# Words that say what kind of place follows or which country it is in ("Opština Zvezdara",
# "Grad Niš", "Kragujevac - grad", "Komuna Gjilan", "City of Niš", "Vranje, Srbija"); left
# out only when the text matched nothing with them.
_QUALIFIERS = frozenset(
    fold(word)
    for word in (
        "grad",
        "gradska",
        "opština",
        "opštine",
        "okrug",
        "komuna",
        "qyteti",
        "city",
        "of",
        "municipality",
        "district",
        "republika",
        "Srbija",
        "Srbije",
        "Serbia",
        "Serbi",
    )
)
_PARENTHESISED = re.compile(r"(.+?)\s*\((.+)\)\s*")
_SEPARATORS = re.compile(r"\s*[,;]\s*|\s*[-–—]\s*")


class AreaNotFound(HomewardError):
    code = "area_not_found"
    status = 400
    default_message = _("No such place is known.")

    def __init__(self, text: str):
        self.text = text
        super().__init__(
            gettext("No municipality or place called “%(text)s” is known.") % {"text": text},
            details={"text": text},
        )


class AreaAmbiguous(HomewardError):
    code = "area_ambiguous"
    status = 400
    default_message = _("Several places have this name.")

    def __init__(self, text: str, candidates: list[Area]):
        self.text = text
        self.candidates = candidates
        names = ", ".join(f"“{area.full_name}”" for area in candidates)
        super().__init__(
            gettext(
                "“%(text)s” could be %(candidates)s. Add the city or district, e.g. “%(example)s”."
            )
            % {"text": text, "candidates": names, "example": candidates[0].full_name},
            details={"text": text, "candidates": [area.code for area in candidates]},
        )


def area_list(*, kinds: Iterable[str] | None = None) -> QuerySet[Area]:
    """The places in use, of ``kinds`` (every kind when None)."""
    areas = Area.objects.filter(is_active=True).select_related("parent")
    if kinds is not None:
        areas = areas.filter(kind__in=list(kinds))
    return areas.order_by("code")


def area_get(*, code: str) -> Area:
    """The place with ``code``, in use or not (records keep naming a retired place); 404."""
    return get_or_404(Area.objects.select_related("parent"), code=code)


@dataclass(frozen=True)
class _Place:
    kind: str
    ancestors: frozenset[int]


def area_resolve(text: str, *, kinds: Iterable[str] | None = None) -> Area:
    """The one place ``text`` names, of one of ``kinds`` (any kind when None).

    Tried in this order, the first reading that finds anything wins:

    1. the whole text as one name, in any script or spelling, Albanian definite forms
       included ("Gjilani", "Prishtina");
    2. a name and its city or district: "Palilula (Niš)", "Palilula, Niš", "Niš - Palilula";
    3. the same without punctuation: "Palilula Niš", "Beograd Palilula";
    4. each of these again without words such as "opština", "grad", "komuna", "city of".

    Alternatives separated by "/" ("Gjilan / Gnjilane", as English pages show Kosovo's
    municipalities) must name the same place. When a city and its own city municipality
    share the name (Novi Sad), the name means the city.

    Raises ``AreaNotFound`` or ``AreaAmbiguous`` (whose ``candidates`` lists the places).
    """
    wanted = frozenset(kinds) if kinds is not None else None
    ids = _resolve_ids(text, wanted)
    if not ids:
        raise AreaNotFound(text)
    areas = list(Area.objects.filter(pk__in=ids).select_related("parent").order_by("code"))
    if len(areas) > 1:
        raise AreaAmbiguous(text, areas)
    return areas[0]


def _resolve_ids(text: str, kinds: frozenset[str] | None) -> set[int]:
    text = (text or "").strip()
    if not fold(text):
        return set()
    if "/" in text:
        found = [ids for part in text.split("/") if (ids := _resolve_ids(part, kinds))]
        if not found:
            return set()
        common = set.intersection(*found)
        return common or set.union(*found)
    readings = _readings(text)
    matches = _matches({key for tier in readings for reading in tier for key in reading if key})
    places = _places(set().union(*matches.values()))
    for strip in (False, True):
        for tier in readings:
            ids: set[int] = set()
            for name, parent in tier:
                ids |= _reading_ids(name, parent, matches, places, kinds, strip=strip)
            if ids:
                return _prefer_ancestors(ids, places)
    return set()


def _readings(text: str) -> list[list[tuple[str, str | None]]]:
    """The ways ``text`` can be read as (name, parent) pairs, most literal first."""
    whole = fold(text)
    explicit: list[tuple[str, str | None]] = []
    parenthesised = _PARENTHESISED.fullmatch(text)
    if parenthesised:
        explicit.append((fold(parenthesised[1]), fold(parenthesised[2])))
    parts = [fold(part) for part in _SEPARATORS.split(text) if fold(part)]
    if len(parts) == 2:
        explicit += [(parts[0], parts[1]), (parts[1], parts[0])]
    words = whole.split()
    split: list[tuple[str, str | None]] = []
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        split += [(head, tail), (tail, head)]
    return [[(whole, None)], explicit, split]


def _matches(keys: set[str]) -> dict[str, set[int]]:
    """Area ids by key, for ``keys`` and for each key without its qualifier words."""
    keys = keys | {_unqualified(key) for key in keys}
    matches: dict[str, set[int]] = {}
    for key, area_id in AreaName.objects.filter(key__in=keys).values_list("key", "area_id"):
        matches.setdefault(key, set()).add(area_id)
    return matches


def _unqualified(key: str) -> str:
    return " ".join(word for word in key.split() if word not in _QUALIFIERS)


def _places(ids: set[int]) -> dict[int, _Place]:
    """The kind and ancestors of each place in use among ``ids``, in one query. Places nest
    three deep at most (district, city, city municipality); a fourth level is read too."""
    rows = Area.objects.filter(pk__in=ids, is_active=True).values_list(
        "pk", "kind", "parent_id", "parent__parent_id", "parent__parent__parent_id"
    )
    return {
        pk: _Place(kind=kind, ancestors=frozenset(filter(None, ancestors)))
        for pk, kind, *ancestors in rows
    }


def _reading_ids(name, parent, matches, places, kinds, *, strip: bool) -> set[int]:
    if strip:
        name = _unqualified(name)
        # "Beograd, Srbija": a parent made only of qualifiers says nothing.
        parent = (_unqualified(parent) or None) if parent else None
    ids = {
        pk
        for pk in matches.get(name, ())
        if pk in places and (kinds is None or places[pk].kind in kinds)
    }
    if parent is not None:
        parents = {pk for pk in matches.get(parent, ()) if pk in places}
        ids = {pk for pk in ids if places[pk].ancestors & parents}
    return ids


def _prefer_ancestors(ids: set[int], places: dict[int, _Place]) -> set[int]:
    """A name a city shares with its own city municipality (Novi Sad, Vranje) means the city."""
    return {pk for pk in ids if not (places[pk].ancestors & ids)} or ids


def area_search(query: str, *, kinds: Iterable[str] | None = None, limit: int = 20) -> list[Area]:
    """Places with a spelling that contains ``query``, best first: a whole-name match, then
    names that start with it, then names with a word that does, then the rest."""
    key = fold(query or "")
    if not key:
        return []
    names = AreaName.objects.filter(key__contains=key, area__is_active=True)
    if kinds is not None:
        names = names.filter(area__kind__in=list(kinds))
    rank: dict[int, int] = {}
    for area_id, name_key in names.values_list("area_id", "key"):
        if name_key == key:
            score = 0
        elif name_key.startswith(key):
            score = 1
        elif f" {key}" in f" {name_key}":
            score = 2
        else:
            score = 3
        rank[area_id] = min(score, rank.get(area_id, score))
    areas = Area.objects.filter(pk__in=rank).select_related("parent")
    ordered = sorted(areas, key=lambda area: (rank[area.pk], fold(area.name), area.code))
    return ordered[:limit]


# Groups of places without a parent, in ``area_choices``.
_TOP_LEVEL_GROUPS = {
    AreaKind.DISTRICT: _("Districts"),
    AreaKind.TERRITORY: _("Territories"),
}


def area_choices(*, kinds: Iterable[str] | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """Choices for a form's select, grouped by the city or district the places belong to:
    ``[("Nišavski okrug", [(id, "Aleksinac"), …]), ("Niš", [(id, "Crveni Krst"), …]), …]``.

    Places without a parent (districts, Kosovo) come first, grouped by kind; then groups
    follow the codes, so a district comes first and its cities' city municipalities right
    after it; names are in the active language, in the order of their folded form.
    """
    groups: dict[tuple[str, str], list[Area]] = {}
    for area in area_list(kinds=kinds):
        if area.parent is None:
            label = _TOP_LEVEL_GROUPS.get(area.kind, area.get_kind_display())
            group = (f"0-{area.kind}", str(label))
        else:
            group = (area.parent.code, area.parent.name)
        groups.setdefault(group, []).append(area)
    return [
        (label, [(area.pk, area.name) for area in sorted(members, key=_by_name)])
        for (_order, label), members in sorted(groups.items())
    ]


def _by_name(area: Area) -> tuple[str, str]:
    return (fold(area.name), area.code)
