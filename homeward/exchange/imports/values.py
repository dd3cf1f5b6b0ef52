"""Cell values as the registry stores them: choices written in any of the four languages or as
partners abbreviate them, dates in the formats Serbian offices use, yes and no.

Each reader returns ``(value, error)``; the engine caches the answer per distinct cell text, as
a list of 100,000 people holds far fewer distinct sexes, dates or municipalities.
"""

from __future__ import annotations

import datetime
import re
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from homeward.core.names import fold
from homeward.registry.models import (
    Accommodation,
    Difficulty,
    DisplacementStatus,
    IdentityDocument,
    Relationship,
    ReturnIntention,
    Sex,
)

# Spellings partners use besides the choices' own labels (which are matched in every language).
_SYNONYMS = {
    "sex": {
        Sex.FEMALE: ("f", "z", "zensko", "zenski", "zena", "w", "woman", "femer", "femre", "fem"),
        Sex.MALE: ("m", "musko", "muski", "muskarac", "man", "mashkull", "mashkulli"),
    },
    "relationship_to_head": {
        Relationship.HEAD: (
            "head",
            "nosilac",
            "nosilac domacinstva",
            "nositelj",
            "glava porodice",
            "kryefamiljar",
            "kryefamiljari",
            "kryetar i familjes",
        ),
        Relationship.SPOUSE: (
            "spouse",
            "wife",
            "husband",
            "partner",
            "supruga",
            "suprug",
            "supruznik",
            "bracni drug",
            "zena",
            "muz",
            "bashkeshort",
            "bashkeshorte",
            "bashkeshortja",
            "bashkeshorti",
        ),
        Relationship.CHILD: (
            "child",
            "son",
            "daughter",
            "sin",
            "cerka",
            "kci",
            "kcerka",
            "dete",
            "dijete",
            "djali",
            "vajza",
            "femije",
            "femija",
        ),
        Relationship.PARENT: (
            "parent",
            "father",
            "mother",
            "otac",
            "majka",
            "roditelj",
            "babai",
            "nena",
            "prind",
        ),
        Relationship.SIBLING: ("sibling", "brother", "sister", "brat", "sestra", "vella", "motra"),
        Relationship.GRANDCHILD: ("grandchild", "unuk", "unuka", "nip", "nipi", "mbese", "mbesa"),
        Relationship.GRANDPARENT: (
            "grandparent",
            "grandfather",
            "grandmother",
            "deda",
            "baba",
            "baka",
            "gjysh",
            "gjyshi",
            "gjyshe",
            "gjyshja",
        ),
        Relationship.CHILD_IN_LAW: (
            "child in law",
            "son in law",
            "daughter in law",
            "snaha",
            "zet",
            "nuse",
            "nusja",
            "dhender",
        ),
        Relationship.OTHER_RELATIVE: (
            "other relative",
            "relative",
            "rodjak",
            "rodjaka",
            "ostalo",
            "srodnik",
            "i afert",
        ),
        Relationship.NOT_RELATED: ("not related", "nije u srodstvu", "nuk ka lidhje"),
    },
    "displacement_status": {
        DisplacementStatus.IDP: (
            "idp",
            "irl",
            "interno raseljeno lice",
            "interno raseljena lica",
            "raseljeno lice",
            "raseljen",
            "raseljena",
            "i zhvendosur",
            "person i zhvendosur brenda vendit",
            "pzhbv",
        ),
        DisplacementStatus.RETURNEE: ("returnee", "povratnik", "povratnica", "i kthyer"),
        DisplacementStatus.READMITTED_RETURNEE: (
            "readmitted returnee",
            "readmission",
            "readmisija",
            "povratnik po readmisiji",
            "povratnik po osnovu readmisije",
            "i riatdhesuar",
        ),
        DisplacementStatus.REFUGEE: ("refugee", "izbeglica", "izbjeglica", "refugjat"),
        DisplacementStatus.ASYLUM_SEEKER: ("asylum seeker", "trazilac azila", "azilant", "azil"),
        DisplacementStatus.REMAINEE: ("remainee", "ostali", "ostala", "i mbetur"),
        DisplacementStatus.LOCAL_VULNERABLE: (
            "local vulnerable",
            "local",
            "domicilno",
            "domicilno stanovnistvo",
            "lokalno stanovnistvo",
            "socijalno ugrozeni",
            "vendas",
        ),
    },
    "accommodation": {
        Accommodation.PRIVATE: ("private", "privatni", "privatni smestaj", "privat", "privatno"),
        Accommodation.COLLECTIVE_CENTRE: (
            "collective centre",
            "collective center",
            "cc",
            "kc",
            "kolektivni centar",
            "qender kolektive",
        ),
        Accommodation.INFORMAL_SETTLEMENT: (
            "informal settlement",
            "neformalno naselje",
            "vendbanim joformal",
        ),
        Accommodation.HOST_FAMILY: (
            "host family",
            "porodica domacin",
            "kod rodbine",
            "familje pritese",
        ),
    },
    "return_intention": {
        ReturnIntention.RETURN: ("return", "povratak", "kthim"),
        ReturnIntention.INTEGRATE_LOCALLY: ("integrate", "integracija", "ostanak", "integrim"),
        ReturnIntention.RESETTLE: ("resettle", "preseljenje", "rivendosje"),
        ReturnIntention.UNDECIDED: ("undecided", "neodluceno", "ne zna", "i pavendosur"),
    },
    "document_kind": {
        IdentityDocument.Kind.IDP_CARD: ("idp card", "legitimacija irl", "legitimacija raseljenog"),
        IdentityDocument.Kind.SERBIAN_ID_CARD: ("licna karta", "id card", "lk"),
        IdentityDocument.Kind.KOSOVO_ID_CARD: ("kosovo id", "kosovska licna karta", "leternjoftim"),
        IdentityDocument.Kind.PASSPORT: ("passport", "pasos", "pasaporte", "pasaporta"),
        IdentityDocument.Kind.BIRTH_CERTIFICATE: ("izvod iz maticne knjige rodjenih", "izvod"),
        IdentityDocument.Kind.OTHER: ("other", "drugo", "tjeter"),
    },
}

CHOICES = {
    "sex": Sex,
    "relationship_to_head": Relationship,
    "displacement_status": DisplacementStatus,
    "accommodation": Accommodation,
    "return_intention": ReturnIntention,
    "document_kind": IdentityDocument.Kind,
}


@cache
def _choice_keys(field: str) -> dict[str, str]:
    choices = CHOICES[field]
    keys: dict[str, str] = {}
    for value, spellings in _SYNONYMS.get(field, {}).items():
        for spelling in spellings:
            keys.setdefault(fold(spelling), value)
    for value in choices.values:
        keys.setdefault(fold(value), value)
    for language in ("en", "sr", "sr-latn", "sq"):
        with translation.override(language):
            for value, label in choices.choices:
                keys.setdefault(fold(str(label)), value)
    return keys


def read_choice(field: str, raw: str) -> tuple[str, str | None]:
    if not raw:
        return "", None
    value = _choice_keys(field).get(fold(raw))
    if value is None:
        names = ", ".join(str(value) for value in CHOICES[field].values)
        return "", _("“%(value)s” is not one of the answers this column takes: %(choices)s.") % {
            "value": raw[:40],
            "choices": names,
        }
    return value, None


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{4})\.?$")
_YEAR = re.compile(r"^(\d{4})\.?$")


def read_date(raw) -> tuple[datetime.date | None, bool, str | None]:
    """(date, only the year is known, error). A year alone is stored as 1 January, estimated."""
    if raw is None or raw == "":
        return None, False, None
    if isinstance(raw, datetime.datetime):
        return raw.date(), False, None
    if isinstance(raw, datetime.date):
        return raw, False, None
    if isinstance(raw, int):
        raw = str(raw)
    text = str(raw).strip()
    try:
        if match := _ISO.match(text):
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day), False, None
        if match := _DOTTED.match(text):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day), False, None
        if match := _YEAR.match(text):
            return datetime.date(int(match.group(1)), 1, 1), True, None
    except ValueError:
        return (
            None,
            False,
            _("“%(value)s” is not a real date.") % {"value": text[:40]},
        )
    return (
        None,
        False,
        _("“%(value)s” is not a date: write YYYY-MM-DD, DD.MM.YYYY or the year alone.")
        % {"value": text[:40]},
    )


_YES = {"1", "yes", "y", "da", "d", "po", "true", "x", "✓", "ja"}
_NO = {"0", "no", "n", "ne", "jo", "false", ""}


def read_flag(raw) -> tuple[bool, str | None]:
    if raw is None or raw is False:
        return False, None
    if raw is True:
        return True, None
    key = fold(str(raw)) or str(raw).strip()
    if key in _YES:
        return True, None
    if key in _NO:
        return False, None
    return False, _("“%(value)s” is neither yes nor no.") % {"value": str(raw)[:40]}


@cache
def _difficulty_keys() -> dict[str, int]:
    keys: dict[str, int] = {}
    for value in Difficulty.values:
        keys[str(value)] = value
    for language in ("en", "sr", "sr-latn", "sq"):
        with translation.override(language):
            for value, label in Difficulty.choices:
                keys.setdefault(fold(str(label)), value)
    return keys


def read_difficulty(raw) -> tuple[int | None, str | None]:
    if raw is None or raw == "":
        return None, None
    value = _difficulty_keys().get(fold(str(raw)) or str(raw).strip())
    if value is None:
        return None, _("“%(value)s” is not an answer of the Washington Group questions (1–4).") % {
            "value": str(raw)[:40]
        }
    return value, None


def cell_text(raw) -> str:
    """A cell as text: a whole number from Excel without its ".0", a date as YYYY-MM-DD."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime | datetime.date):
        return raw.isoformat()[:10]
    return str(raw).strip()


def read_national_id(raw) -> str:
    """A JMBG typed into Excel as a number loses its leading zero (people born on days 1–9)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = str(int(raw))
        return text.zfill(13) if len(text) == 12 else text
    return cell_text(raw)
