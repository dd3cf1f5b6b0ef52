"""What makes a household or a person acceptable to the registry.

Each check raises or collects messages keyed by the field at fault, so that the form, the API
and an import report can all name the field (and, for a member, which member).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from homeward.registry.jmbg import InvalidJmbg, jmbg_disagreements, normalise_jmbg, parse_jmbg
from homeward.registry.models import Relationship

# Letters of any script, joined by single spaces, hyphens, apostrophes or a full stop:
# "Marija-Ana", "O'Neil", "Ђорђевић", "Dž." A name is shown on every page and in every export,
# so markup and other symbols are refused at the door rather than trusted to escaping alone.
_NAME = re.compile(r"^[^\W\d_]+(?:(?:[ \-'’ʼ]|\. ?)[^\W\d_]+)*\.?$")
EARLIEST_BIRTH = date(1900, 1, 1)


def clean_text(value) -> str:
    """Names as written, but in one Unicode form and with ordinary spacing."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def name_error(value: str, *, required: bool) -> str | None:
    if not value:
        return _("This field is required.") if required else None
    if not _NAME.match(value):
        return _(
            "A name may contain letters, spaces, hyphens and apostrophes only; “%(value)s” "
            "contains something else."
        ) % {"value": value[:40]}
    return None


def date_of_birth_error(value: date | None) -> str | None:
    if value is None:
        return None
    if value > timezone.localdate():
        return _("The date of birth %(date)s is in the future.") % {
            "date": date_format(value, "SHORT_DATE_FORMAT")
        }
    if value < EARLIEST_BIRTH:
        return _("The date of birth %(date)s is before 1900.") % {
            "date": date_format(value, "SHORT_DATE_FORMAT")
        }
    return None


def national_id_check(person: dict) -> tuple[str, str | None, list[str]]:
    """The normalised JMBG, an error if it is invalid, and warnings where it disagrees with the
    entered date of birth or sex."""
    raw = person.get("national_id") or ""
    value = normalise_jmbg(raw)
    if not value:
        return "", None, []
    try:
        jmbg = parse_jmbg(value)
    except InvalidJmbg as invalid:
        return value, str(invalid.message), []
    warnings = jmbg_disagreements(
        jmbg,
        date_of_birth=person.get("date_of_birth"),
        date_of_birth_estimated=bool(person.get("date_of_birth_estimated")),
        sex=person.get("sex") or None,
    )
    return jmbg.value, None, warnings


def _born(person: dict) -> date | None:
    return person.get("date_of_birth")


def _year_or_date(person: dict) -> str:
    born = _born(person)
    if person.get("date_of_birth_estimated"):
        return str(born.year)
    return date_of_birth_display(born)


def date_of_birth_display(value: date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _older(first: dict, second: dict) -> bool:
    """Whether ``first`` was born before ``second``; by year where either is a year only."""
    a, b = _born(first), _born(second)
    if a is None or b is None:
        return False
    if first.get("date_of_birth_estimated") or second.get("date_of_birth_estimated"):
        return a.year < b.year
    return a < b


# Relationships to the head in which the member belongs to a younger generation, or an older.
_YOUNGER = {Relationship.CHILD, Relationship.GRANDCHILD, Relationship.CHILD_IN_LAW}
_OLDER = {Relationship.PARENT, Relationship.GRANDPARENT}


def household_member_errors(members: list[dict]) -> dict[int, dict[str, str]]:
    """Errors that only the household as a whole reveals: one head, and generations in order."""
    errors: dict[int, dict[str, str]] = {}
    heads = [i for i, m in enumerate(members) if m.get("relationship_to_head") == Relationship.HEAD]
    if len(heads) != 1:
        message = (
            _("A household needs a head: mark one member as head of household.")
            if not heads
            else ngettext(
                "A household has one head only; %(count)d member is marked as head.",
                "A household has one head only; %(count)d members are marked as head.",
                len(heads),
            )
            % {"count": len(heads)}
        )
        for index in heads or range(len(members)):
            errors.setdefault(index, {})["relationship_to_head"] = message
        return errors
    head = members[heads[0]]
    for index, member in enumerate(members):
        relationship = member.get("relationship_to_head")
        if relationship in _YOUNGER and not _older(head, member) and _born(head) and _born(member):
            errors.setdefault(index, {})["date_of_birth"] = _(
                "%(name)s, born %(born)s, is entered as “%(relationship)s” but is not younger "
                "than the head of household, born %(head_born)s."
            ) % {
                "name": member.get("first_name", ""),
                "born": _year_or_date(member),
                "relationship": Relationship(relationship).label,
                "head_born": _year_or_date(head),
            }
        if relationship in _OLDER and not _older(member, head) and _born(head) and _born(member):
            errors.setdefault(index, {})["date_of_birth"] = _(
                "%(name)s, born %(born)s, is entered as “%(relationship)s” but is not older "
                "than the head of household, born %(head_born)s."
            ) % {
                "name": member.get("first_name", ""),
                "born": _year_or_date(member),
                "relationship": Relationship(relationship).label,
                "head_born": _year_or_date(head),
            }
    ids: dict[str, int] = {}
    for index, member in enumerate(members):
        value = normalise_jmbg(member.get("national_id") or "")
        if value and value in ids:
            errors.setdefault(index, {})["national_id"] = _(
                "The same JMBG is given for member %(other)d."
            ) % {"other": ids[value] + 1}
        elif value:
            ids[value] = index
    return errors


def normalise_phone(value: str) -> str:
    """The national significant number, so that "+381 64 123 4567" and "064/123-4567" match."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("00"):
        digits = digits[2:]
    elif (value or "").strip().startswith("+"):
        pass
    elif digits.startswith("0"):
        return digits.lstrip("0")
    else:
        return digits
    for country in ("381", "383", "382", "387", "389", "385", "386"):
        if digits.startswith(country):
            return digits[len(country) :].lstrip("0")
    return digits


def phone_error(value: str) -> str | None:
    if not value:
        return None
    if re.search(r"[^0-9 +()/.\-]", value) or len(re.sub(r"\D", "", value)) < 6:
        return _("“%(value)s” is not a phone number.") % {"value": value[:40]}
    return None
