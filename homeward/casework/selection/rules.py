"""Conditions and scoring criteria: how they are checked when written and applied to a household.

A condition is ``{"fact", "operator", "value"}``; a scoring criterion adds ``points`` and may
score per unit (``per_unit``: points × the fact's value, e.g. 2 points per child, up to
``max_points``). Per-unit criteria take no operator: every unit counts.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from homeward.casework.selection.facts import (
    ASSESSMENT_PREFIX,
    OPERATORS,
    Fact,
    FactType,
    assessment_template_exists,
    fact_for,
)
from homeward.core.errors import ValidationError

MAX_RULES = 50
MAX_POINTS = Decimal(1000)


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _plain(number: Decimal):
    """A number as JSON keeps it: an integer when it is one."""
    return int(number) if number == number.to_integral_value() else float(number)


# Yes and no as people type them in the four languages.
YES = {"true", "yes", "1", "da", "да", "po"}
NO = {"false", "no", "0", "ne", "не", "jo"}


def _boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in YES:
        return True
    if isinstance(value, str) and value.strip().lower() in NO:
        return False
    return None


def _choice(fact: Fact, value):
    """A choice by its value or by its label in any case."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    for code, label in fact.choices:
        if text == code or text.casefold() == str(label).casefold():
            return code
    return None


def _municipality(value):
    from homeward.geo.models import Area
    from homeward.geo.selectors import (
        MUNICIPALITY_KINDS,
        AreaAmbiguous,
        AreaNotFound,
        area_resolve,
    )

    if not isinstance(value, str) or not value.strip():
        return None
    area = Area.objects.filter(code=value.strip()).first()
    if area is not None:
        return area.code
    try:
        return area_resolve(value, kinds=MUNICIPALITY_KINDS).code
    except (AreaNotFound, AreaAmbiguous):
        return None


def _scalar(fact: Fact, value):
    """One value of the fact's type, or None when it is not one."""
    if fact.type == FactType.NUMBER:
        number = _number(value)
        return None if number is None else _plain(number)
    if fact.type == FactType.BOOLEAN:
        return _boolean(value)
    if fact.type == FactType.CHOICE:
        return _choice(fact, value)
    if fact.type == FactType.MUNICIPALITY:
        return _municipality(value)
    if isinstance(value, bool):
        return value
    number = _number(value)
    if number is not None and not isinstance(value, str):
        return _plain(number)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _expected_message(fact: Fact) -> str:
    if fact.type == FactType.NUMBER:
        return _("Give a number.")
    if fact.type == FactType.BOOLEAN:
        return _("Give yes or no.")
    if fact.type == FactType.CHOICE:
        return _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(f"{code} ({label})" for code, label in fact.choices)
        }
    if fact.type == FactType.MUNICIPALITY:
        return _("Give a municipality by its code or name.")
    return _("Give a value.")


def _clean_value(fact: Fact, operator: str, value, errors: dict, prefix: str):
    if operator == "is true":
        if value not in (None, "", [], True):
            errors[f"{prefix}value"] = _("“is true” takes no value.")
        return None
    if operator == "in":
        items = value
        if isinstance(value, str):
            items = [item for item in (part.strip() for part in value.split(",")) if item]
        if not isinstance(items, list) or not items:
            errors[f"{prefix}value"] = _("Give one or more values, separated by commas.")
            return None
        cleaned = []
        for item in items:
            scalar = _scalar(fact, item)
            if scalar is None:
                errors[f"{prefix}value"] = (
                    _("“%(value)s” does not fit this fact.") % {"value": str(item)[:40]}
                    + " "
                    + _expected_message(fact)
                )
                return None
            cleaned.append(scalar)
        return cleaned
    if operator in (">=", "<=", ">", "<"):
        number = _number(value)
        if number is None:
            errors[f"{prefix}value"] = _("Give a number.")
            return None
        return _plain(number)
    scalar = _scalar(fact, value)
    if scalar is None:
        errors[f"{prefix}value"] = _expected_message(fact)
    return scalar


def _clean_fact(rule, errors: dict, prefix: str) -> Fact | None:
    key = rule.get("fact")
    fact = fact_for(key)
    if fact is None:
        if isinstance(key, str) and key.strip():
            errors[f"{prefix}fact"] = _("“%(fact)s” is no fact Homeward knows.") % {
                "fact": key[:80]
            }
        else:
            errors[f"{prefix}fact"] = _("Choose a fact.")
        return None
    if key.startswith(ASSESSMENT_PREFIX):
        template_code = key[len(ASSESSMENT_PREFIX) :].split(".")[0]
        if assessment_template_exists(template_code) is False:
            errors[f"{prefix}fact"] = _("There is no assessment template “%(code)s”.") % {
                "code": template_code
            }
            return None
    return fact


def _clean_operator(fact: Fact, operator, errors: dict, prefix: str) -> str | None:
    if operator not in OPERATORS:
        errors[f"{prefix}operator"] = _("Choose an operator.")
        return None
    if operator not in fact.operators:
        errors[f"{prefix}operator"] = _(
            "“%(operator)s” does not suit “%(fact)s”; it takes: %(allowed)s."
        ) % {"operator": operator, "fact": fact.label, "allowed": ", ".join(fact.operators)}
        return None
    return operator


def _clean_condition(rule, errors: dict, prefix: str) -> dict | None:
    if not isinstance(rule, dict):
        errors[prefix.rstrip(".")] = _("Each condition names a fact, an operator and a value.")
        return None
    fact = _clean_fact(rule, errors, prefix)
    if fact is None:
        return None
    operator = _clean_operator(fact, rule.get("operator"), errors, prefix)
    if operator is None:
        return None
    value = _clean_value(fact, operator, rule.get("value"), errors, prefix)
    return {"fact": fact.key, "operator": operator, "value": value}


def _clean_points(value, errors: dict, name: str, *, positive: bool = False) -> Decimal | None:
    number = _number(value)
    if number is None:
        errors[name] = _("Give the points as a number.")
        return None
    if abs(number) > MAX_POINTS or number.as_tuple().exponent < -2:
        errors[name] = _("Give at most 1000 points, with at most two decimals.")
        return None
    if positive and number <= 0:
        errors[name] = _("Give a number above zero.")
        return None
    return number


def _clean_criterion(rule, errors: dict, prefix: str) -> dict | None:
    if not isinstance(rule, dict):
        errors[prefix.rstrip(".")] = _("Each criterion names a fact and its points.")
        return None
    fact = _clean_fact(rule, errors, prefix)
    points = _clean_points(rule.get("points"), errors, f"{prefix}points")
    per_unit = _boolean(rule.get("per_unit", False))
    if per_unit is None:
        per_unit = bool(rule.get("per_unit"))
    cap = rule.get("max_points")
    max_points = None
    if cap not in (None, ""):
        max_points = _clean_points(cap, errors, f"{prefix}max_points", positive=True)
        if max_points is not None and not per_unit:
            errors[f"{prefix}max_points"] = _("Only points per unit have a maximum.")
    if fact is None:
        return None
    if per_unit:
        if not fact.per_unit_allowed:
            errors[f"{prefix}per_unit"] = _("Only a number can score per unit.")
            return None
        if rule.get("operator") not in (None, "") or rule.get("value") not in (None, "", []):
            errors[f"{prefix}operator"] = _(
                "A criterion scoring per unit counts every unit: leave operator and value empty."
            )
            return None
        operator, value = "", None
    else:
        operator = _clean_operator(fact, rule.get("operator"), errors, prefix)
        if operator is None:
            return None
        value = _clean_value(fact, operator, rule.get("value"), errors, prefix)
    if points is None:
        return None
    return {
        "fact": fact.key,
        "operator": operator,
        "value": value,
        "points": _plain(points),
        "per_unit": per_unit,
        "max_points": None if max_points is None else _plain(max_points),
    }


def clean_rules(conditions, criteria) -> tuple[list[dict], list[dict]]:
    """The conditions and criteria as stored, or ValidationError naming every field at fault
    (``conditions.0.fact``, ``criteria.2.points``)."""
    errors: dict[str, str] = {}
    if not isinstance(conditions, list):
        errors["conditions"] = _("Give the conditions as a list.")
        conditions = []
    if not isinstance(criteria, list):
        errors["criteria"] = _("Give the scoring criteria as a list.")
        criteria = []
    if len(conditions) > MAX_RULES or len(criteria) > MAX_RULES:
        raise ValidationError({"criteria": _("At most 50 conditions and 50 criteria.")})
    cleaned_conditions = [
        _clean_condition(rule, errors, f"conditions.{index}.")
        for index, rule in enumerate(conditions)
    ]
    cleaned_criteria = [
        _clean_criterion(rule, errors, f"criteria.{index}.") for index, rule in enumerate(criteria)
    ]
    if not criteria and "criteria" not in errors:
        errors["criteria"] = _("Give at least one scoring criterion.")
    if errors:
        raise ValidationError(errors)
    return cleaned_conditions, cleaned_criteria


def _same(actual, expected) -> bool:
    actual_number, expected_number = _number(actual), _number(expected)
    if actual_number is not None and expected_number is not None:
        return actual_number == expected_number
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.strip().casefold() == expected.strip().casefold()
    return actual == expected


def holds(rule: dict, actual) -> bool:
    """Whether ``actual`` (a household's value of the rule's fact) meets the rule. A value not
    recorded meets nothing."""
    operator, expected = rule["operator"], rule.get("value")
    if actual is None:
        return False
    if isinstance(actual, list):
        # A multiple-choice answer: "= x" holds when x was among the choices, "in" when any was.
        chosen = any(_same(item, expected) for item in actual)
        if operator == "in":
            return any(_same(item, wanted) for item in actual for wanted in expected or [])
        return {"=": chosen, "!=": not chosen, "is true": bool(actual)}.get(operator, False)
    if operator == "is true":
        if isinstance(actual, str):
            return actual.strip().lower() in YES
        return actual is True or (not isinstance(actual, bool) and actual == 1)
    if operator == "=":
        return _same(actual, expected)
    if operator == "!=":
        return not _same(actual, expected)
    if operator == "in":
        return any(_same(actual, item) for item in expected or [])
    actual_number, expected_number = _number(actual), _number(expected)
    if actual_number is None or expected_number is None:
        return False
    return {
        ">=": actual_number >= expected_number,
        "<=": actual_number <= expected_number,
        ">": actual_number > expected_number,
        "<": actual_number < expected_number,
    }[operator]


def points_earned(criterion: dict, actual) -> Decimal:
    points = Decimal(str(criterion["points"]))
    if criterion.get("per_unit"):
        units = _number(actual) if not isinstance(actual, str) else _number(actual.strip())
        if units is None or units <= 0:
            return Decimal(0)
        earned = points * units
        cap = criterion.get("max_points")
        if cap is not None:
            cap = Decimal(str(cap))
            earned = min(earned, cap) if earned >= 0 else max(earned, -cap)
        return earned
    return points if holds(criterion, actual) else Decimal(0)


def signature(rule: dict) -> str:
    """What makes two criteria of different versions "the same criterion": the fact, the test
    and the way it scores; the points may differ."""
    value = rule.get("value")
    if isinstance(value, list):
        value = sorted(map(str, value))
    return f"{rule['fact']}|{rule.get('operator', '')}|{value}|{bool(rule.get('per_unit'))}"


def _plural(rule: dict) -> int:
    """The number ngettext chooses the plural form by: 1 for one point, else many."""
    return 1 if rule["points"] == 1 else 2


def describe(rule: dict) -> str:
    """ "Household members ≥ 5", "Children under 18: 2 points each, at most 6"."""
    from homeward.casework.selection.facts import OPERATOR_LABELS

    fact = fact_for(rule["fact"])
    label = str(fact.label) if fact else rule["fact"]
    if rule.get("per_unit"):
        text = ngettext(
            "%(fact)s: %(points)s point each", "%(fact)s: %(points)s points each", _plural(rule)
        ) % {"fact": label, "points": rule["points"]}
        if rule.get("max_points") is not None:
            text += ", " + _("at most %(max)s") % {"max": rule["max_points"]}
        return text
    operator = rule["operator"]
    if operator == "is true":
        return label
    shown = fact.display(rule.get("value")) if fact else str(rule.get("value"))
    return f"{label} {OPERATOR_LABELS.get(operator, operator)} {shown}"
