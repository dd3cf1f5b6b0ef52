"""What a pair's evidence says, in words: the review threshold and the labels of the model's
fields and levels. Kept apart from ``matching`` so that the pages, the API and the commands
read them without loading Splink and DuckDB, which only a run needs."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["DEFAULT_THRESHOLD", "FIELD_LABELS", "LEVEL_LABELS", "describe_evidence"]

# Pairs at least this likely to be one person go to the review queue.
DEFAULT_THRESHOLD = 0.9

FIELD_LABELS: dict[str, Promise] = {
    "first_name": _("first name"),
    "last_name": _("last name"),
    "father_name": _("father's name"),
    "sex": _("sex"),
    "date_of_birth": _("date of birth"),
    "national_id": _("JMBG"),
    "origin_municipality": _("municipality of origin"),
    "household": _("household"),
}

LEVEL_LABELS: dict[str, Promise] = {
    "missing": _("missing on one side"),
    "same": _("same after folding script and spelling"),
    "one_typo": _("one typo apart"),
    "similar": _("similar"),
    "different": _("different"),
    "exact": _("the same"),
    "swapped": _("day and month swapped"),
    "year_off_by_one": _("year off by one, same day and month"),
    "placeholder": _("same year, one date a placeholder (1 January or estimated)"),
    "one_digit": _("one digit apart"),
    "within_year": _("within a year"),
    "within_5_years": _("within five years"),
    "parent_child": _("one's father's name is the other's first name (father and son?)"),
    "same_valid": _("same, with a valid check digit"),
    "same_invalid": _("same, but not a valid JMBG"),
    "different_valid": _("both valid and different"),
    "same_household": _("same household (twins and siblings live together)"),
    "sibling": _("one lives with someone of the other's first name (twins or siblings?)"),
    "members_2": _("other households whose members share two or more first names"),
    "members_1": _("other households whose members share one first name"),
    "no_members_in_common": _("other households with no first name in common"),
}


def describe_evidence(evidence: list[dict]) -> list[dict]:
    """The evidence with its labels in the active language and the direction of each field:
    "for" a match (Bayes factor above 1), "against" it (below 1), or "neutral" (missing)."""
    described = []
    for item in evidence:
        factor = item.get("bayes_factor", 1.0)
        if item.get("level") == "missing" or factor == 1:
            direction = "neutral"
        else:
            direction = "for" if factor > 1 else "against"
        level = item.get("level", "")
        field = item.get("field", "")
        described.append(
            item
            | {
                "field_label": str(FIELD_LABELS.get(field, field)),
                "level_label": str(LEVEL_LABELS.get(level, level)),
                "direction": direction,
            }
        )
    return described
