"""An assessment template's definition: its sections and questions as data, and what follows
from it — which questions apply given the answers so far, whether an answer is valid, and the
scores the answers earn.

Everything here is pure (no database), so the model's validator, the data migration that loads
the shipped templates, the services, the forms and the API all read a definition the same way.

A definition::

    {"criteria": {"1": {"en": …, "sr": …, "sr_latn": …, "sq": …}, …},   # durable solutions only
     "sections": [
       {"code": "income", "title": {"en": …, "sr": …, "sr_latn": …, "sq": …},
        "questions": [
          {"code": "no_income", "type": "yes_no", "label": {…}, "required": true,
           "scores": {"yes": 10, "no": 0}},
          {"code": "income_sources", "type": "multiple_choice", "label": {…},
           "show_if": {"question": "no_income", "equals": false},
           "choices": [{"value": "salary", "label": {…}, "score": 0}, …]},
          {"code": "household_debt", "type": "number", "label": {…}, "min": 0, "max": 1000000,
           "bands": [{"min": 0, "max": 0, "score": 0}, {"min": 1, "score": 5}]},
          …]}]}

Scores: a choice's ``score``, a yes/no question's ``scores``, a number's ``bands``. A durable
solutions question names the IASC criterion (1–8) it scores; a criterion's score is the share
(0–100) of the points its answered questions could have earned.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

LANGUAGES = ("en", "sr", "sr_latn", "sq")
QUESTION_TYPES = ("yes_no", "single_choice", "multiple_choice", "number", "text", "date")
CRITERIA = tuple(range(1, 9))
# Question codes become form fields and API error keys beside these.
RESERVED_CODES = frozenset(
    {"answers", "assessed_on", "household", "person", "project", "template", "version", "scores"}
)
TEXT_MAX_LENGTH = 2000

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_SECTION_KEYS = {"code", "title", "questions"}
_QUESTION_KEYS = {
    "code",
    "type",
    "label",
    "help",
    "required",
    "choices",
    "scores",
    "min",
    "max",
    "integer",
    "bands",
    "max_score",
    "show_if",
    "criterion",
}
_CHOICE_KEYS = {"value", "label", "score", "exclusive"}
_CONDITION_KEYS = {"question", "equals", "in", "includes", "min", "max"}


# --- languages ------------------------------------------------------------------------------


def language_key() -> str:
    """The key of the page's language in a definition's labels."""
    return {"sr": "sr", "sr-latn": "sr_latn", "sq": "sq"}.get((get_language() or "").lower(), "en")


def localised(labels) -> str:
    """``labels`` in the page's language, else in English."""
    if isinstance(labels, str):
        return labels
    if not isinstance(labels, dict):
        return ""
    return labels.get(language_key()) or labels.get("en") or ""


# --- the definition's shape -----------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_labels(labels, where: str, problems: list[str]) -> None:
    if not isinstance(labels, dict):
        problems.append(f"{where}: give the text in {', '.join(LANGUAGES)}.")
        return
    missing = [key for key in LANGUAGES if not isinstance(labels.get(key), str) or not labels[key]]
    if missing:
        problems.append(f"{where}: the text is missing in {', '.join(missing)}.")
    unknown = set(labels) - set(LANGUAGES)
    if unknown:
        problems.append(f"{where}: unknown languages {', '.join(sorted(unknown))}.")


def _check_choices(question: dict, where: str, problems: list[str]) -> None:
    choices = question.get("choices")
    if not isinstance(choices, list) or not choices:
        problems.append(f"{where}: a choice question needs a list of choices.")
        return
    values = set()
    for index, choice in enumerate(choices):
        place = f"{where}.choices[{index}]"
        if not isinstance(choice, dict):
            problems.append(f"{place}: a choice is an object with a value and a label.")
            continue
        unknown = set(choice) - _CHOICE_KEYS
        if unknown:
            problems.append(f"{place}: unknown keys {', '.join(sorted(unknown))}.")
        value = choice.get("value")
        if not isinstance(value, str) or not _CODE.match(value):
            problems.append(f"{place}: the value must be lower-case letters, digits and _.")
        elif value in values:
            problems.append(f"{place}: the value “{value}” is used twice.")
        values.add(value)
        _check_labels(choice.get("label"), f"{place}.label", problems)
        if "score" in choice and not _is_number(choice["score"]):
            problems.append(f"{place}: the score must be a number.")
        if "exclusive" in choice and (
            not isinstance(choice["exclusive"], bool) or question["type"] != "multiple_choice"
        ):
            problems.append(f"{place}: “exclusive” is true or false, for multiple choice only.")


def _check_number(question: dict, where: str, problems: list[str]) -> None:
    low, high = question.get("min"), question.get("max")
    for name, value in (("min", low), ("max", high)):
        if value is not None and not _is_number(value):
            problems.append(f"{where}: “{name}” must be a number.")
    if _is_number(low) and _is_number(high) and low > high:
        problems.append(f"{where}: “min” is greater than “max”.")
    if "integer" in question and not isinstance(question["integer"], bool):
        problems.append(f"{where}: “integer” is true or false.")
    bands = question.get("bands")
    if bands is None:
        return
    if not isinstance(bands, list) or not bands:
        problems.append(f"{where}: “bands” is a list of {{min, max, score}}.")
        return
    for index, band in enumerate(bands):
        place = f"{where}.bands[{index}]"
        if not isinstance(band, dict) or not _is_number(band.get("score")):
            problems.append(f"{place}: a band needs a score.")
            continue
        if set(band) - {"min", "max", "score"}:
            problems.append(f"{place}: a band has only min, max and score.")
        for name in ("min", "max"):
            if name in band and not _is_number(band[name]):
                problems.append(f"{place}: “{name}” must be a number.")


def _check_condition(condition, where: str, earlier: dict, problems: list[str]) -> None:
    if not isinstance(condition, dict):
        problems.append(f"{where}: a condition is an object naming an earlier question.")
        return
    unknown = set(condition) - _CONDITION_KEYS
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    code = condition.get("question")
    target = earlier.get(code)
    if target is None:
        problems.append(f"{where}: “{code}” is not a question asked earlier.")
        return
    tests = set(condition) & {"equals", "in", "includes", "min", "max"}
    if not tests:
        problems.append(f"{where}: say what the answer must be (equals, in, includes, min, max).")
        return
    kind = target["type"]
    choices = {
        choice.get("value") for choice in target.get("choices") or [] if isinstance(choice, dict)
    }
    if "equals" in condition:
        value = condition["equals"]
        if kind == "yes_no" and not isinstance(value, bool):
            problems.append(f"{where}: “equals” of a yes/no question is true or false.")
        elif kind == "single_choice" and value not in choices:
            problems.append(f"{where}: “{value}” is not a choice of “{code}”.")
        elif kind in ("multiple_choice", "date"):
            problems.append(f"{where}: “equals” does not apply to “{code}”.")
    if "in" in condition:
        values = condition["in"]
        if kind != "single_choice" or not isinstance(values, list) or not values:
            problems.append(f"{where}: “in” lists choices of a single-choice question.")
        elif set(values) - choices:
            problems.append(
                f"{where}: {sorted(set(values) - choices)} are not choices of “{code}”."
            )
    if "includes" in condition:
        if kind != "multiple_choice":
            problems.append(f"{where}: “includes” applies to multiple-choice questions only.")
        elif condition["includes"] not in choices:
            problems.append(f"{where}: “{condition['includes']}” is not a choice of “{code}”.")
    for name in ("min", "max"):
        if name in condition and (kind != "number" or not _is_number(condition[name])):
            problems.append(f"{where}: “{name}” compares a number question with a number.")


def _check_question(question, where: str, codes: dict, problems: list[str]) -> None:
    if not isinstance(question, dict):
        problems.append(f"{where}: a question is an object.")
        return
    unknown = set(question) - _QUESTION_KEYS
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(sorted(unknown))}.")
    code = question.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(f"{where}: the code must be lower-case letters, digits and _.")
        return
    where = f"{where} “{code}”"
    if code in RESERVED_CODES:
        problems.append(f"{where}: this code is reserved.")
    if code in codes:
        problems.append(f"{where}: the code is used twice.")
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        problems.append(f"{where}: the type must be one of {', '.join(QUESTION_TYPES)}.")
        return
    _check_labels(question.get("label"), f"{where}.label", problems)
    if "help" in question:
        _check_labels(question["help"], f"{where}.help", problems)
    if "required" in question and not isinstance(question["required"], bool):
        problems.append(f"{where}: “required” is true or false.")
    if kind in ("single_choice", "multiple_choice"):
        _check_choices(question, where, problems)
    elif "choices" in question:
        problems.append(f"{where}: only choice questions have choices.")
    if kind == "number":
        _check_number(question, where, problems)
    elif set(question) & {"min", "max", "integer", "bands"}:
        problems.append(f"{where}: min, max, integer and bands are for number questions.")
    if "scores" in question:
        scores = question["scores"]
        if (
            kind != "yes_no"
            or not isinstance(scores, dict)
            or set(scores) != {"yes", "no"}
            or not all(_is_number(value) for value in scores.values())
        ):
            problems.append(f"{where}: “scores” of a yes/no question are {{yes: n, no: n}}.")
    if "max_score" in question and (
        kind != "multiple_choice" or not _is_number(question["max_score"])
    ):
        problems.append(f"{where}: “max_score” caps a multiple-choice question's points.")
    if "criterion" in question:
        criterion = question["criterion"]
        if isinstance(criterion, bool) or criterion not in CRITERIA:
            problems.append(f"{where}: the criterion is a number from 1 to 8.")
        elif not is_scored(question):
            problems.append(f"{where}: a question that scores a criterion needs scores.")
    if "show_if" in question:
        conditions = question["show_if"]
        for condition in conditions if isinstance(conditions, list) else [conditions]:
            _check_condition(condition, f"{where}.show_if", codes, problems)
    codes[code] = question


def validate_definition(definition) -> None:
    """Refuse a definition that is not well formed, naming every fault and where it is."""
    problems: list[str] = []
    if not isinstance(definition, dict):
        raise ValidationError(_("The definition must be an object with sections."))
    unknown = set(definition) - {"sections", "criteria"}
    if unknown:
        problems.append(f"unknown keys {', '.join(sorted(unknown))}.")
    sections = definition.get("sections")
    if not isinstance(sections, list) or not sections:
        problems.append("sections: give at least one section.")
        sections = []
    codes: dict[str, dict] = {}
    section_codes: set[str] = set()
    for index, section in enumerate(sections):
        where = f"sections[{index}]"
        if not isinstance(section, dict):
            problems.append(f"{where}: a section is an object.")
            continue
        if set(section) - _SECTION_KEYS:
            problems.append(
                f"{where}: unknown keys {', '.join(sorted(set(section) - _SECTION_KEYS))}."
            )
        code = section.get("code")
        if not isinstance(code, str) or not _CODE.match(code):
            problems.append(f"{where}: the code must be lower-case letters, digits and _.")
        elif code in section_codes:
            problems.append(f"{where}: the section code “{code}” is used twice.")
        section_codes.add(code)
        _check_labels(section.get("title"), f"{where}.title", problems)
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(f"{where}: a section needs at least one question.")
            continue
        for number, question in enumerate(questions):
            _check_question(question, f"{where}.questions[{number}]", codes, problems)
    criteria = definition.get("criteria")
    if criteria is not None:
        if not isinstance(criteria, dict) or set(criteria) != {str(c) for c in CRITERIA}:
            problems.append("criteria: name each of the eight criteria, keyed “1” to “8”.")
        else:
            for number, labels in criteria.items():
                _check_labels(labels, f"criteria.{number}", problems)
    if problems:
        raise ValidationError(problems, code="invalid")


def validate_for_kind(definition: dict, kind: str) -> None:
    """A durable solutions template scores all eight criteria, and names them; only it does."""
    scored = {
        question.get("criterion")
        for question in questions_of(definition)
        if question.get("criterion") is not None
    }
    if kind == "durable_solutions":
        problems = []
        if not definition.get("criteria"):
            problems.append("criteria: a durable solutions template names the eight criteria.")
        missing = [str(c) for c in CRITERIA if c not in scored]
        if missing:
            problems.append(f"No question scores criteria {', '.join(missing)}.")
        if problems:
            raise ValidationError(problems, code="invalid")
    elif scored or definition.get("criteria"):
        raise ValidationError(
            ["Only a durable solutions template scores the IASC criteria."], code="invalid"
        )


def questions_of(definition: dict) -> list[dict]:
    return [
        question
        for section in definition.get("sections") or []
        for question in section.get("questions") or []
    ]


# --- conditions ---------------------------------------------------------------------------


def _holds(condition: dict, answers: dict) -> bool:
    value = answers.get(condition["question"])
    if value is None:
        return False
    if "equals" in condition and value != condition["equals"]:
        return False
    if "in" in condition and value not in condition["in"]:
        return False
    if "includes" in condition and condition["includes"] not in (value or []):
        return False
    if "min" in condition and not (_is_number(value) and value >= condition["min"]):
        return False
    return not ("max" in condition and not (_is_number(value) and value <= condition["max"]))


def conditions_of(question: dict) -> list[dict]:
    conditions = question.get("show_if")
    if conditions is None:
        return []
    return conditions if isinstance(conditions, list) else [conditions]


def applies(question: dict, answers: dict) -> bool:
    """Whether ``question`` is asked, given the (already cleaned) answers to earlier ones."""
    return all(_holds(condition, answers) for condition in conditions_of(question))


def describe_condition(question: dict, definition: dict) -> str:
    """“Answer only if …”, in the page's language, for a page that shows every question."""
    by_code = {other["code"]: other for other in questions_of(definition)}
    parts = []
    for condition in conditions_of(question):
        target = by_code[condition["question"]]
        label = localised(target["label"])
        choices = {
            choice["value"]: localised(choice["label"]) for choice in target.get("choices") or []
        }
        if "equals" in condition:
            value = condition["equals"]
            if isinstance(value, bool):
                shown = _("Yes") if value else _("No")
            else:
                shown = choices.get(value, str(value))
            parts.append(_("“%(question)s” is “%(answer)s”") % {"question": label, "answer": shown})
        if "in" in condition:
            shown = " / ".join(f"“{choices.get(value, value)}”" for value in condition["in"])
            parts.append(_("“%(question)s” is %(answers)s") % {"question": label, "answers": shown})
        if "includes" in condition:
            parts.append(
                _("“%(question)s” includes “%(answer)s”")
                % {"question": label, "answer": choices.get(condition["includes"])}
            )
        if "min" in condition:
            parts.append(
                _("“%(question)s” is at least %(number)s")
                % {"question": label, "number": condition["min"]}
            )
        if "max" in condition:
            parts.append(
                _("“%(question)s” is at most %(number)s")
                % {"question": label, "number": condition["max"]}
            )
    return _("Answer only if %(conditions)s.") % {"conditions": _(" and ").join(parts)}


# --- answers ------------------------------------------------------------------------------


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def _clean_yes_no(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("yes", "no", "true", "false"):
        return value.lower() in ("yes", "true")
    raise ValueError(_("Answer yes or no."))


def _clean_number(question: dict, value):
    if isinstance(value, bool):
        raise ValueError(_("Give a number."))
    if isinstance(value, str):
        try:
            value = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Give a number.")) from None
        if not value.is_finite():
            raise ValueError(_("Give a number."))
    elif isinstance(value, int | float):
        value = Decimal(str(value))
    else:
        raise ValueError(_("Give a number."))
    if question.get("integer"):
        if value != value.to_integral_value():
            raise ValueError(_("Give a whole number."))
        number = int(value)
    else:
        number = int(value) if value == value.to_integral_value() else float(value)
    low, high = question.get("min"), question.get("max")
    if low is not None and number < low:
        raise ValueError(_("The number cannot be less than %(min)s.") % {"min": low})
    if high is not None and number > high:
        raise ValueError(_("The number cannot be more than %(max)s.") % {"max": high})
    return number


def _clean_date(value):
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%Y."):
            try:
                return datetime.datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
    raise ValueError(_("Give a date as YYYY-MM-DD or DD.MM.YYYY."))


def clean_answer(question: dict, value):
    """``value`` as stored for ``question``, or ``ValueError`` saying what is wrong with it."""
    kind = question["type"]
    choices = [choice["value"] for choice in question.get("choices") or []]
    if kind == "yes_no":
        return _clean_yes_no(value)
    if kind == "single_choice":
        if not isinstance(value, str):
            raise ValueError(_("Choose one answer from the list."))
        if value not in choices:
            raise ValueError(_("“%(value)s” is not one of the answers.") % {"value": value[:40]})
        return value
    if kind == "multiple_choice":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(_("Choose answers from the list."))
        unknown = [v for v in value if v not in choices]
        if unknown:
            raise ValueError(
                _("“%(value)s” is not one of the answers.") % {"value": unknown[0][:40]}
            )
        chosen = [choice for choice in choices if choice in value]  # the template's order
        exclusive = {choice["value"] for choice in question["choices"] if choice.get("exclusive")}
        if len(chosen) > 1 and exclusive & set(chosen):
            label = next(
                localised(choice["label"])
                for choice in question["choices"]
                if choice["value"] in exclusive & set(chosen)
            )
            raise ValueError(
                _("“%(answer)s” cannot be combined with other answers.") % {"answer": label}
            )
        return chosen
    if kind == "number":
        return _clean_number(question, value)
    if kind == "text":
        if not isinstance(value, str):
            raise ValueError(_("Give the answer as text."))
        value = value.strip()
        if len(value) > TEXT_MAX_LENGTH:
            raise ValueError(_("Write at most %(count)s characters.") % {"count": TEXT_MAX_LENGTH})
        return value
    return _clean_date(value)


def clean_answers(definition: dict, answers) -> dict:
    """The answers to keep, each checked against its question, in the template's order.

    A question that does not apply (its ``show_if`` does not hold) needs no answer, and an
    answer given to it is not kept: it answers a question the person was not asked. Every
    fault is reported at once, keyed by the question's code.
    """
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("The answers are an object of question codes.")})
    questions = questions_of(definition)
    known = {question["code"] for question in questions}
    errors: dict[str, str] = {
        str(code): _("This template has no such question.") for code in answers if code not in known
    }
    cleaned: dict = {}
    for question in questions:
        code = question["code"]
        if not applies(question, cleaned):
            continue
        value = answers.get(code)
        if isinstance(value, str) and question["type"] != "text":
            value = value.strip()
        if _empty(value) or (question["type"] == "text" and not str(value).strip()):
            if question.get("required"):
                errors[code] = _("This question needs an answer.")
            continue
        try:
            cleaned[code] = clean_answer(question, value)
        except ValueError as fault:
            errors[code] = str(fault)
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- scores -------------------------------------------------------------------------------


def is_scored(question: dict) -> bool:
    return bool(
        question.get("scores")
        or question.get("bands")
        or any("score" in choice for choice in question.get("choices") or [])
    )


def _band_score(question: dict, value) -> float:
    for band in question["bands"]:
        if band.get("min", float("-inf")) <= value <= band.get("max", float("inf")):
            return band["score"]
    return 0


def points(question: dict, value) -> tuple[float, float]:
    """(points earned, points the question could earn) for an answer."""
    kind = question["type"]
    if kind == "yes_no":
        scores = question.get("scores") or {"yes": 0, "no": 0}
        return scores["yes" if value else "no"], max(scores.values())
    if kind == "single_choice":
        scores = {choice["value"]: choice.get("score", 0) for choice in question["choices"]}
        return scores[value], max(scores.values())
    if kind == "multiple_choice":
        scores = {choice["value"]: choice.get("score", 0) for choice in question["choices"]}
        possible = question.get("max_score", sum(max(s, 0) for s in scores.values()))
        return min(sum(scores[choice] for choice in value), possible), possible
    if kind == "number" and question.get("bands"):
        return _band_score(question, value), max(band["score"] for band in question["bands"])
    return 0, 0


def _rounded(number: float):
    return int(number) if float(number).is_integer() else round(number, 1)


def _percent(part: float, whole: float) -> int:
    """``part`` of ``whole`` as a whole percentage, halves rounded up as people round them."""
    return int(
        (Decimal(100) * Decimal(str(part)) / Decimal(str(whole))).quantize(
            Decimal(1), ROUND_HALF_UP
        )
    )


def compute_scores(definition: dict, answers: dict, *, kind: str) -> dict:
    """``{"total": …, "sections": {code: points}, "criteria": {"1": 0–100 or None, …}}``.

    The total of a needs assessment is the sum of its points (more points, more need); that of
    a durable solutions assessment is the mean of the criteria scored (more is closer to a
    durable solution). A criterion none of whose questions was answered is not scored (None),
    rather than scored 0: not asked is not failed.
    """
    sections: dict[str, float] = {}
    earned: dict[int, float] = {}
    possible: dict[int, float] = {}
    for section in definition["sections"]:
        total = 0
        for question in section["questions"]:
            code = question["code"]
            if code not in answers or not is_scored(question):
                continue
            got, best = points(question, answers[code])
            total += got
            criterion = question.get("criterion")
            if criterion is not None:
                earned[criterion] = earned.get(criterion, 0) + got
                possible[criterion] = possible.get(criterion, 0) + best
        sections[section["code"]] = _rounded(total)
    scores: dict = {"sections": sections}
    if kind == "durable_solutions":
        criteria = {
            str(criterion): (
                _percent(max(earned[criterion], 0), possible[criterion])
                if possible.get(criterion)
                else None
            )
            for criterion in CRITERIA
        }
        scored = [value for value in criteria.values() if value is not None]
        scores["criteria"] = criteria
        scores["total"] = _percent(sum(scored), 100 * len(scored)) if scored else None
    else:
        scores["criteria"] = {}
        scores["total"] = _rounded(sum(sections.values()))
    return scores


# --- showing answers ----------------------------------------------------------------------


def display_answer(question: dict, value) -> str:
    """An answer as people read it, in the page's language."""
    if value is None:
        return "—"
    kind = question["type"]
    if kind == "yes_no":
        return _("Yes") if value else _("No")
    if kind in ("single_choice", "multiple_choice"):
        labels = {choice["value"]: localised(choice["label"]) for choice in question["choices"]}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values) or "—"
    if kind == "date":
        try:
            return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")
        except (TypeError, ValueError):
            return str(value)
    return str(value)
