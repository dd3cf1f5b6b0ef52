"""The columns of a people import: what each means, the headers it is known by, and the template.

One list, ``IMPORT_FIELDS``, drives the automatic header mapping, the template people download
and the mapping page, so the three never disagree. Headers are compared after folding
(``core.names.fold``): "Prezime", "ПРЕЗИМЕ" and "prezime " are one header. A Kobo or ODK group
path ("household/member/first_name") is known by its last part.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from homeward.core.names import fold
from homeward.registry.models import WASHINGTON_GROUP_DOMAINS


@dataclass(frozen=True)
class ImportField:
    name: str
    label: object
    # "household": one value per household (the head's row wins); "person": one per row.
    level: str = "person"
    required: bool = False
    synonyms: tuple[str, ...] = ()
    example: str = ""
    help: object = ""


_WG_SYNONYMS = {
    "wg_seeing": ("seeing", "vid", "teskoce vid", "shikimi"),
    "wg_hearing": ("hearing", "sluh", "degjimi"),
    "wg_walking": ("walking", "hodanje", "ecja"),
    "wg_remembering": ("remembering", "pamcenje", "koncentracija", "kujtesa"),
    "wg_self_care": ("self care", "briga o sebi", "kujdesi per veten"),
    "wg_communicating": ("communicating", "komunikacija", "komunikimi"),
}

IMPORT_FIELDS: list[ImportField] = [
    ImportField(
        "person_id",
        _("The person's id in your list"),
        synonyms=("person id", "id osobe", "id lica", "sifra lica", "id personi", "member id"),
        example="P-0001",
        help=_("Importing the same id again updates the person instead of adding them twice."),
    ),
    ImportField(
        "household_id",
        _("The household's id in your list"),
        level="household",
        required=True,
        synonyms=(
            "household id",
            "household",
            "hh id",
            "family id",
            "id domacinstva",
            "sifra domacinstva",
            "broj domacinstva",
            "domacinstvo",
            "id e familjes",
            "id e amvisnise",
        ),
        example="H-0001",
        help=_("Rows with the same household id are one household."),
    ),
    ImportField(
        "relationship_to_head",
        _("Relationship to the head"),
        synonyms=(
            "relationship",
            "relation",
            "relationship to head",
            "odnos prema nosiocu",
            "odnos prema nosiocu domacinstva",
            "srodstvo",
            "odnos",
            "lidhja",
            "lidhja me kryefamiljarin",
        ),
        example="head",
        help=_("May be left empty for a household of one person."),
    ),
    ImportField(
        "first_name",
        _("First name"),
        required=True,
        synonyms=("first name", "given name", "name", "firstname", "ime", "emri"),
        example="Milica",
    ),
    ImportField(
        "father_name",
        _("Father's name"),
        synonyms=(
            "father name",
            "father s name",
            "fathers name",
            "ime oca",
            "ocevo ime",
            "ime roditelja",
            "emri i babait",
            "atesia",
        ),
        example="Dragan",
    ),
    ImportField(
        "last_name",
        _("Last name"),
        required=True,
        synonyms=("last name", "surname", "family name", "lastname", "prezime", "mbiemri"),
        example="Petrović",
    ),
    ImportField(
        "sex",
        _("Sex"),
        required=True,
        synonyms=("gender", "pol", "spol", "gjinia"),
        example="F",
        help=_("F or M (also Ž, female, male and their translations)."),
    ),
    ImportField(
        "date_of_birth",
        _("Date of birth"),
        synonyms=(
            "dob",
            "birth date",
            "birthdate",
            "born",
            "year of birth",
            "datum rodjenja",
            "godina rodjenja",
            "data e lindjes",
            "viti i lindjes",
        ),
        example="1984-03-15",
        help=_("YYYY-MM-DD, DD.MM.YYYY, or the year alone."),
    ),
    ImportField(
        "national_id",
        _("JMBG"),
        synonyms=(
            "national id",
            "jmbg",
            "maticni broj",
            "jedinstveni maticni broj gradjana",
            "personal number",
            "numri personal",
        ),
        example="",
        help=_("A wrong check digit is a warning: the person is imported and flagged."),
    ),
    ImportField(
        "document_number",
        _("Other identity document number"),
        synonyms=(
            "document number",
            "document",
            "id card",
            "broj dokumenta",
            "broj licne karte",
            "numri i dokumentit",
        ),
    ),
    ImportField(
        "document_kind",
        _("Kind of that document"),
        synonyms=("document kind", "document type", "vrsta dokumenta", "lloji i dokumentit"),
        help=_("IDP card, Kosovo identity card, passport, ... Other document when empty."),
    ),
    ImportField(
        "phone",
        _("Phone"),
        synonyms=(
            "telephone",
            "mobile",
            "phone number",
            "telefon",
            "mobilni",
            "kontakt telefon",
            "broj telefona",
            "numri i telefonit",
        ),
        example="064 123 4567",
    ),
    ImportField(
        "household_phone",
        _("Household phone"),
        level="household",
        synonyms=("household phone", "telefon domacinstva"),
    ),
    ImportField(
        "address",
        _("Address"),
        level="household",
        synonyms=("adresa", "adresa stanovanja", "adresa e banimit"),
        example="Kralja Petra 12",
    ),
    ImportField(
        "settlement",
        _("Current settlement"),
        level="household",
        synonyms=(
            "current settlement",
            "place",
            "town",
            "village",
            "mesto",
            "naselje",
            "mesto boravka",
            "vendbanimi",
        ),
        example="Kraljevo",
    ),
    ImportField(
        "current_municipality",
        _("Current municipality"),
        level="household",
        required=True,
        synonyms=(
            "municipality",
            "opstina",
            "opstina boravka",
            "sadasnja opstina",
            "trenutna opstina",
            "komuna",
            "komuna aktuale",
        ),
        example="Kraljevo",
        help=_("Any spelling, in any script, or the municipality's code."),
    ),
    ImportField(
        "origin_municipality",
        _("Municipality of origin"),
        level="household",
        synonyms=(
            "municipality of origin",
            "opstina porekla",
            "opstina iz koje je raseljen",
            "opstina raseljenja",
            "komuna e origjines",
        ),
        example="Gjilan",
    ),
    ImportField(
        "origin_settlement",
        _("Village or town of origin"),
        level="household",
        synonyms=(
            "settlement of origin",
            "village of origin",
            "mesto porekla",
            "selo porekla",
            "fshati i origjines",
        ),
    ),
    ImportField(
        "displacement_status",
        _("Displacement status"),
        required=True,
        synonyms=("status", "status raseljenja", "statusi"),
        example="idp",
    ),
    ImportField(
        "accommodation",
        _("Accommodation"),
        level="household",
        synonyms=("smestaj", "vrsta smestaja", "akomodimi", "strehimi"),
        example="private",
        help=_("Without this column every household is recorded as in private accommodation."),
    ),
    ImportField(
        "return_intention",
        _("Intention to return"),
        level="household",
        synonyms=("intention to return", "namera povratka", "qellimi i kthimit"),
    ),
    ImportField(
        "notes",
        _("Notes"),
        level="household",
        synonyms=("note", "comments", "napomena", "komentar", "shenime"),
    ),
    *[
        ImportField(
            name,
            label,
            synonyms=_WG_SYNONYMS[name],
            help=_("1 no difficulty, 2 some, 3 a lot, 4 cannot do at all."),
        )
        for name, label in WASHINGTON_GROUP_DOMAINS
    ],
    ImportField(
        "chronic_illness",
        _("Chronic illness"),
        synonyms=("hronicna bolest", "hronicni bolesnik", "semundje kronike"),
        help=_("yes or no"),
    ),
    ImportField(
        "single_parent",
        _("Single parent"),
        synonyms=("samohrani roditelj", "prind i vetem"),
        help=_("yes or no"),
    ),
    ImportField(
        "older_person_alone",
        _("Older person living alone"),
        synonyms=("starija osoba koja zivi sama", "samacko staracko domacinstvo"),
        help=_("yes or no"),
    ),
    ImportField(
        "unaccompanied_child",
        _("Unaccompanied child"),
        synonyms=("dete bez pratnje", "femije i pashoqeruar"),
        help=_("yes or no"),
    ),
]

FIELDS_BY_NAME = {field.name: field for field in IMPORT_FIELDS}
REQUIRED_FIELDS = [field.name for field in IMPORT_FIELDS if field.required]
HOUSEHOLD_LEVEL = [field.name for field in IMPORT_FIELDS if field.level == "household"]
# What the template offers: everything, in this order.
TEMPLATE_COLUMNS = [field.name for field in IMPORT_FIELDS]


def header_key(header: str) -> str:
    """A header as compared: folded, and for a Kobo/ODK group path its last part only."""
    header = str(header or "").strip()
    if "/" in header:
        header = header.rsplit("/", 1)[1]
    return fold(header)


@cache
def _known_headers() -> dict[str, str]:
    known: dict[str, str] = {}
    for field in IMPORT_FIELDS:
        known.setdefault(fold(field.name), field.name)
        for synonym in field.synonyms:
            known.setdefault(fold(synonym), field.name)
    for field in IMPORT_FIELDS:
        known.setdefault(fold(str(field.label)), field.name)
    return known


def field_for_header(header: str) -> str:
    """The field a header maps to automatically, or "" when none is known."""
    return _known_headers().get(header_key(header), "")


def template_bytes(file_format: str) -> bytes:
    """The template: the header row and one example row, from ``TEMPLATE_COLUMNS``."""
    example = [FIELDS_BY_NAME[name].example for name in TEMPLATE_COLUMNS]
    if file_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(TEMPLATE_COLUMNS)
        writer.writerow(example)
        # The byte order mark makes Excel read the file as UTF-8 (names keep their č and ђ).
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if file_format == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "people"
        sheet.append(TEMPLATE_COLUMNS)
        sheet.append(example)
        for cell in sheet[2]:
            # Text, so that Excel keeps a JMBG's leading zero and does not turn dates around.
            cell.number_format = "@"
        notes = book.create_sheet("columns")
        notes.append(["column", "meaning", "required"])
        for field in IMPORT_FIELDS:
            notes.append(
                [
                    field.name,
                    f"{field.label}. {field.help}".strip(". "),
                    "✓" if field.required else "",
                ]
            )
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"file_format must be csv or xlsx, not {file_format!r}")
