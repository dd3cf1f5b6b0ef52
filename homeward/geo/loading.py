"""Loading the places shipped in ``data/areas.csv`` into ``Area`` and ``AreaName``.

The loader runs from migrations, with the historical models passed in, so it uses fields
only, never the models' methods, and only fields that exist since ``0001_initial``: migration
``0002`` runs today's loader against the tables as they were then.

It upserts by ``code``: when the file changes, a new migration calls ``load_areas`` again and
only the differences are written; a place missing from the file is deactivated, never
deleted, because records may still name it. It is not a service: places are reference data
that ship with a release, like the schema, not a change an actor makes, so there is no one to
audit. Kosovo is ``XK``; the designation is without prejudice to positions on status and is in
line with UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence.

The data file (UTF-8, one header line)::

    code,kind,parent_code,name_sr,name_sr_latn,name_sq,aliases

``aliases`` (optional) lists other spellings separated by ``|``.

Codes are ASCII and never change once shipped:

* a district of Serbia has its ISO 3166-2 code: ``RS-00`` (City of Belgrade) … ``RS-24``;
* a city, municipality or city municipality has its district's code and its Serbian Latin
  name in lower case without diacritics (đ as ``dj``), words joined by hyphens:
  ``RS-20-nis``, ``RS-20-palilula``, ``RS-00-palilula``, ``RS-12-arandjelovac``; a city
  municipality named like its city adds ``-cm``: ``RS-06-novi-sad-cm``;
* Kosovo is ``XK`` and its municipalities ``XK-`` and the Albanian name in the same manner:
  ``XK-gjilan``, ``XK-mitrovica-e-veriut``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "areas.csv"

COLUMNS = ("code", "kind", "parent_code", "name_sr", "name_sr_latn", "name_sq")
CODE_PATTERN = re.compile(r"[A-Z]{2}(-[0-9]{2})?(-[a-z0-9]+)*")
# Albanian articles inside a name ("Hani i Elezit", "Pazari i Ri"): the name already has its
# definite form.
_ALBANIAN_ARTICLE = re.compile(r"\s(i|e|të|së)\s")


@dataclass(frozen=True)
class AreaRow:
    code: str
    kind: str
    parent_code: str
    name_sr: str
    name_sr_latn: str
    name_sq: str
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name_sr, self.name_sr_latn, self.name_sq, *self.aliases)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    keys_added: int = 0
    keys_removed: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (self.created, self.updated, self.deactivated, self.keys_added, self.keys_removed)
        )


def read_areas(path: Path = DATA_FILE) -> list[AreaRow]:
    """The rows of the data file, checked: a mistake in it must stop the migration, not
    load half a country."""
    with open(path, encoding="utf-8", newline="") as data:
        reader = csv.DictReader(data)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
        rows = []
        for line, record in enumerate(reader, start=2):
            values = {name: (record.get(name) or "").strip() for name in COLUMNS}
            aliases = tuple(
                alias.strip() for alias in (record.get("aliases") or "").split("|") if alias.strip()
            )
            row = AreaRow(**values, aliases=aliases)
            if not CODE_PATTERN.fullmatch(row.code):
                raise ValueError(f"{path.name} line {line}: code {row.code!r} is malformed")
            if not (row.kind and row.name_sr and row.name_sr_latn and row.name_sq):
                raise ValueError(f"{path.name} line {line}: {row.code} lacks a kind or a name")
            rows.append(row)
    codes = Counter(row.code for row in rows)
    repeated = sorted(code for code, count in codes.items() if count > 1)
    if repeated:
        raise ValueError(f"{path.name}: codes used twice: {', '.join(repeated)}")
    unknown = sorted({row.parent_code for row in rows if row.parent_code} - set(codes))
    if unknown:
        raise ValueError(f"{path.name}: unknown parent codes: {', '.join(unknown)}")
    return rows


def albanian_definite(name: str) -> str | None:
    """The Albanian definite form of a place name, which is how a name is usually written in
    running text and often in forms: Gjilan → Gjilani, Prishtinë → Prishtina, Shtime →
    Shtimja, Viti → Vitia, Kaçanik → Kaçaniku. None when the name already has its article
    or ends in -a."""
    if _ALBANIAN_ARTICLE.search(f" {name} ") or not name or not name[-1].isalpha():
        return None
    last = name[-1]
    if last == "ë":
        return name[:-1] + "a"
    if last == "e":
        return name[:-1] + "ja"
    if last == "a":
        return None
    if last == "i":
        return name + "a"
    # -k, -g and -h take -u (Kaçaniku, Istogu), but not the h of sh, zh, xh, th, dh (Nishi).
    if last in "kg" or (last == "h" and name[-2:-1].lower() not in "sztdx"):
        return name + "u"
    return name + "i"


def name_keys(row: AreaRow, fold) -> set[str]:
    """Every folded key under which ``row`` is found.

    Definite forms are added where the Albanian name is Albanian usage: for Kosovo's
    municipalities (and their alternates) and for Serbia's places with an Albanian exonym
    (Nish, Bujanoc, Preshevë). Elsewhere the "Albanian" name is the Serbian one repeated and a
    made-up definite form would only invite false matches.
    """
    spellings = list(row.spellings)
    if row.kind == "kosovo_municipality":
        albanian = [row.name_sq, *row.aliases]
    elif row.name_sq != row.name_sr_latn:
        albanian = [row.name_sq]
    else:
        albanian = []
    spellings += [form for form in map(albanian_definite, albanian) if form]
    return {key for key in map(fold, spellings) if key}


def load_areas(*, area_model=None, name_model=None, path: Path = DATA_FILE) -> LoadReport:
    """Bring the places in the database in line with the data file; running it again
    changes nothing."""
    # Imported here, not at the top: a migration runs this with whatever ``fold`` the
    # installed release has, so the stored keys always match the ones lookups compute.
    from django.db import transaction

    from homeward.core.names import fold

    if area_model is None or name_model is None:
        from homeward.geo.models import Area, AreaName

        area_model, name_model = area_model or Area, name_model or AreaName

    rows = read_areas(path)
    report = LoadReport()
    with transaction.atomic():
        areas = {area.code: area for area in area_model.objects.all()}
        keys = {row.code: name_keys(row, fold) for row in rows}
        # Namesakes are decided on the names people see, not on alternates.
        display_keys = {
            row.code: {fold(row.name_sr), fold(row.name_sr_latn), fold(row.name_sq)} for row in rows
        }
        display_owners = Counter(key for row_keys in display_keys.values() for key in row_keys)

        # Parents may come after their children in the file: create every row first.
        created = set()
        for row in rows:
            if row.code not in areas:
                areas[row.code] = area_model.objects.create(
                    code=row.code,
                    kind=row.kind,
                    name_sr=row.name_sr,
                    name_sr_latn=row.name_sr_latn,
                    name_sq=row.name_sq,
                )
                created.add(row.code)
        report.created = len(created)

        for row in rows:
            area = areas[row.code]
            wanted = {
                "kind": row.kind,
                "parent_id": areas[row.parent_code].pk if row.parent_code else None,
                "name_sr": row.name_sr,
                "name_sr_latn": row.name_sr_latn,
                "name_sq": row.name_sq,
                "is_active": True,
                "has_namesake": any(display_owners[key] > 1 for key in display_keys[row.code]),
            }
            changed = [name for name, value in wanted.items() if getattr(area, name) != value]
            if changed:
                for name in changed:
                    setattr(area, name, wanted[name])
                area.save(update_fields=changed)
                if row.code not in created:
                    report.updated += 1

        listed = {row.code for row in rows}
        for code, area in areas.items():
            if code not in listed and area.is_active:
                area.is_active = False
                area.save(update_fields=["is_active"])
                report.deactivated += 1

        stored: dict[int, set[str]] = {}
        for area_id, key in name_model.objects.values_list("area_id", "key"):
            stored.setdefault(area_id, set()).add(key)
        new_names = []
        for row in rows:
            area = areas[row.code]
            have = stored.get(area.pk, set())
            new_names += [name_model(area=area, key=key) for key in sorted(keys[row.code] - have)]
            stale = have - keys[row.code]
            if stale:
                name_model.objects.filter(area=area, key__in=stale).delete()
                report.keys_removed += len(stale)
        name_model.objects.bulk_create(new_names)
        report.keys_added = len(new_names)
    return report
