"""What selection criteria may ask about a household: the one registry of facts.

A criterion names a fact by its key (``household.size``, ``head.displacement_status``,
``assessment.needs.no_income``); the fact says what it is called, what type its values have
(which decides the operators it takes) and how to compute it. Facts are computed for many
households at once, in a fixed number of queries whatever their number: a ranking of two
thousand candidates must not ask the database four thousand times.

Answers of assessments are facts too, ``assessment.<template code>.<question code>``, read from
each household's latest assessment with that template. Assessments are their own app; until it
offers ``latest_answers`` these facts have no value.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import import_module

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from homeward.registry.models import Accommodation, DisplacementStatus, ReturnIntention


class FactType:
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MUNICIPALITY = "municipality"
    # An answer of an assessment: its type is the question's, which selection does not know.
    ANSWER = "answer"


OPERATORS = ["=", "!=", ">=", "<=", ">", "<", "in", "is true"]
OPERATOR_LABELS = {
    "=": "=",
    "!=": "≠",
    ">=": "≥",
    "<=": "≤",
    ">": ">",
    "<": "<",
    "in": _("is one of"),
    "is true": _("is true"),
}

OPERATORS_BY_TYPE = {
    FactType.NUMBER: ["=", "!=", ">=", "<=", ">", "<", "in"],
    FactType.BOOLEAN: ["is true", "=", "!="],
    FactType.CHOICE: ["=", "!=", "in"],
    FactType.MUNICIPALITY: ["=", "!=", "in"],
    FactType.ANSWER: OPERATORS,
}

# Beyond this age a member counts as an older person, below the other as a child.
OLDER_AGE = 60
ADULT_AGE = 18


@dataclass(frozen=True)
class Fact:
    key: str
    label: str | Promise
    type: str
    # For choices: (value, label) pairs.
    choices: tuple = ()
    # Reads the fact from a household's profile (see ``_profiles``).
    read: Callable[[dict], object] | None = field(default=None, compare=False)

    @property
    def operators(self) -> list[str]:
        return OPERATORS_BY_TYPE[self.type]

    @property
    def per_unit_allowed(self) -> bool:
        return self.type in (FactType.NUMBER, FactType.ANSWER)

    def display(self, value) -> str:
        """A value as people read it: a choice by its label, a place by its name."""
        if value is None or value == "":
            return "—"
        if isinstance(value, list):
            return ", ".join(self.display(item) for item in value)
        if self.type == FactType.BOOLEAN or isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if self.type == FactType.CHOICE:
            return str(dict(self.choices).get(value, value))
        if self.type == FactType.MUNICIPALITY:
            from homeward.geo.models import Area

            area = Area.objects.filter(code=value).first()
            return area.full_name if area else str(value)
        return str(value)


def _count(name: str) -> Callable[[dict], int]:
    return lambda profile: profile[name]


def _flag(name: str) -> Callable[[dict], bool]:
    return lambda profile: profile[name] > 0


def _household(name: str) -> Callable[[dict], object]:
    return lambda profile: profile[name] or None


REGISTRY_FACTS = [
    Fact("household.size", _("Household members"), FactType.NUMBER, read=_count("size")),
    Fact("household.children", _("Children under 18"), FactType.NUMBER, read=_count("children")),
    Fact(
        "household.older_people",
        _("Members aged 60 or over"),
        FactType.NUMBER,
        read=_count("older_people"),
    ),
    Fact(
        "household.members_with_disability",
        _("Members with a disability"),
        FactType.NUMBER,
        read=_count("disability"),
    ),
    Fact(
        "household.vulnerable_members",
        _("Members with a vulnerability"),
        FactType.NUMBER,
        read=_count("vulnerable"),
    ),
    Fact(
        "household.disability",
        _("A member with a disability"),
        FactType.BOOLEAN,
        read=_flag("disability"),
    ),
    Fact(
        "household.chronic_illness",
        _("A member with a chronic illness"),
        FactType.BOOLEAN,
        read=_flag("chronic_illness"),
    ),
    Fact(
        "household.single_parent",
        _("A single parent"),
        FactType.BOOLEAN,
        read=_flag("single_parent"),
    ),
    Fact(
        "household.older_person_alone",
        _("An older person living alone"),
        FactType.BOOLEAN,
        read=_flag("older_person_alone"),
    ),
    Fact(
        "household.unaccompanied_child",
        _("An unaccompanied child"),
        FactType.BOOLEAN,
        read=_flag("unaccompanied_child"),
    ),
    Fact(
        "household.missing_documents",
        _("A member with missing documents"),
        FactType.BOOLEAN,
        read=_flag("missing_documents"),
    ),
    Fact(
        "household.female_headed",
        _("Headed by a woman"),
        FactType.BOOLEAN,
        read=lambda profile: (
            None if profile["head_sex"] is None else profile["head_sex"] == "female"
        ),
    ),
    Fact(
        "household.accommodation",
        _("Accommodation"),
        FactType.CHOICE,
        choices=tuple(Accommodation.choices),
        read=_household("accommodation"),
    ),
    Fact(
        "head.displacement_status",
        _("Displacement status of the head"),
        FactType.CHOICE,
        choices=tuple(DisplacementStatus.choices),
        read=_household("head_displacement_status"),
    ),
    Fact(
        "household.return_intention",
        _("Intention to return"),
        FactType.CHOICE,
        choices=tuple(ReturnIntention.choices),
        read=_household("return_intention"),
    ),
    Fact(
        "household.current_municipality",
        _("Current municipality"),
        FactType.MUNICIPALITY,
        read=_household("current_municipality"),
    ),
    Fact(
        "household.origin_municipality",
        _("Municipality of origin"),
        FactType.MUNICIPALITY,
        read=_household("origin_municipality"),
    ),
]
FACTS: dict[str, Fact] = {fact.key: fact for fact in REGISTRY_FACTS}

ASSESSMENT_PREFIX = "assessment."


def _assessments_selectors():
    """The assessments app's selectors, once they exist; None until then."""
    try:
        return import_module("homeward.casework.assessments.selectors")
    except ModuleNotFoundError as missing:
        if missing.name != "homeward.casework.assessments.selectors":
            raise
        return None


def _assessment_template(template_code: str):
    """The template in use with this code (else its newest version); None when there is none,
    or when the assessments app cannot say yet (its tables not there)."""
    try:
        from homeward.casework.assessments.models import AssessmentTemplate
    except ImportError:
        return None
    return (
        AssessmentTemplate.objects.filter(code=template_code)
        .order_by("-is_active", "-version")
        .first()
    )


def assessment_template_exists(template_code: str) -> bool | None:
    """Whether a template with this code exists; None when assessments cannot tell."""
    try:
        from homeward.casework.assessments.models import AssessmentTemplate
    except ImportError:
        return None
    return AssessmentTemplate.objects.filter(code=template_code).exists()


# An assessment question's type → the type of the fact its answer is.
_QUESTION_FACT_TYPES = {
    "yes_no": FactType.BOOLEAN,
    "number": FactType.NUMBER,
    "single_choice": FactType.CHOICE,
}


def _assessment_fact(key: str, template_code: str, question_code: str) -> Fact | None:
    template = _assessment_template(template_code)
    if template is None:
        # Without the template the answer's type is unknown: every operator is offered, and
        # each compares as best it can.
        return Fact(
            key,
            _("Assessment “%(template)s”: %(question)s")
            % {"template": template_code, "question": question_code},
            FactType.ANSWER,
        )
    question = template.question(question_code)
    if question is None:
        return None
    from homeward.casework.assessments.definition import localised

    choices = tuple(
        (choice["value"], localised(choice.get("label") or choice["value"]))
        for choice in question.get("choices") or []
    )
    return Fact(
        key,
        _("%(template)s: %(question)s")
        % {
            "template": template.localised_title,
            "question": localised(question.get("label") or question_code),
        },
        _QUESTION_FACT_TYPES.get(question["type"], FactType.ANSWER),
        choices=choices,
    )


# Within ``remembered_facts()``, each assessment fact is looked up once: explaining a ranking of
# two thousand rows must not read the template two thousand times.
_remembered: ContextVar[dict | None] = ContextVar("remembered_facts", default=None)


@contextmanager
def remembered_facts():
    token = _remembered.set({}) if _remembered.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _remembered.reset(token)


def fact_for(key: str) -> Fact | None:
    """The fact ``key`` names, or None when there is no such fact."""
    if not isinstance(key, str):
        return None
    if key in FACTS:
        return FACTS[key]
    memo = _remembered.get()
    if memo is not None:
        if key not in memo:
            memo[key] = _fact_for(key)
        return memo[key]
    return _fact_for(key)


def _fact_for(key: str) -> Fact | None:
    if key.startswith(ASSESSMENT_PREFIX):
        parts = key[len(ASSESSMENT_PREFIX) :].split(".")
        if len(parts) == 2 and all(_is_code(part) for part in parts):
            return _assessment_fact(key, *parts)
    return None


def _is_code(text: str) -> bool:
    return bool(text) and len(text) <= 64 and all(c.isalnum() or c in "_-" for c in text)


def fact_choices() -> list[tuple[str, str]]:
    """(key, label) of every registry fact, for the criteria editor."""
    return [(fact.key, str(fact.label)) for fact in REGISTRY_FACTS]


def _profiles(household_ids: list[int], on: datetime.date) -> dict[int, dict]:
    """What the registry facts are read from, for every household: two queries."""
    from homeward.registry.models import Household, Person

    profiles: dict[int, dict] = {}
    households = Household.objects.filter(pk__in=household_ids).values_list(
        "pk",
        "accommodation",
        "return_intention",
        "current_municipality__code",
        "origin_municipality__code",
    )
    for pk, accommodation, intention, current, origin in households:
        profiles[pk] = {
            "accommodation": accommodation,
            "return_intention": intention,
            "current_municipality": current,
            "origin_municipality": origin,
            "head_sex": None,
            "head_displacement_status": None,
            **dict.fromkeys(
                (
                    "size",
                    "children",
                    "older_people",
                    "disability",
                    "vulnerable",
                    "chronic_illness",
                    "single_parent",
                    "older_person_alone",
                    "unaccompanied_child",
                    "missing_documents",
                ),
                0,
            ),
        }
    members = Person.objects.filter(household_id__in=household_ids).values_list(
        "household_id",
        "relationship_to_head",
        "sex",
        "displacement_status",
        "date_of_birth",
        "has_disability",
        "chronic_illness",
        "single_parent",
        "older_person_alone",
        "unaccompanied_child",
        "missing_documents",
    )
    for (
        household_id,
        relationship,
        sex,
        displacement,
        born,
        disability,
        illness,
        single_parent,
        alone,
        unaccompanied,
        missing,
    ) in members:
        profile = profiles[household_id]
        profile["size"] += 1
        if relationship == "head":
            profile["head_sex"] = sex
            profile["head_displacement_status"] = displacement
        if born is not None:
            age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
            profile["children"] += age < ADULT_AGE
            profile["older_people"] += age >= OLDER_AGE
        profile["disability"] += disability
        profile["chronic_illness"] += illness
        profile["single_parent"] += single_parent
        profile["older_person_alone"] += alone
        profile["unaccompanied_child"] += unaccompanied
        profile["missing_documents"] += missing
        profile["vulnerable"] += any((disability, illness, single_parent, alone, unaccompanied))
    return profiles


# Candidates are read in chunks: an IN list of every id of a big project would exceed what
# some databases accept in one statement.
CHUNK = 2000


def household_facts(
    household_ids: Iterable[int], keys: Iterable[str], *, on: datetime.date
) -> dict[int, dict[str, object]]:
    """``{household_id: {fact key: value}}`` for the facts ``keys``; a value not recorded is
    None. Ages are counted on ``on``."""
    ids = sorted(set(household_ids))
    keys = list(dict.fromkeys(keys))
    values: dict[int, dict[str, object]] = {pk: {} for pk in ids}
    registry_keys = [key for key in keys if key in FACTS]
    answer_keys = [key for key in keys if key.startswith(ASSESSMENT_PREFIX)]
    # Vulnerable members break ties, so they are always computed.
    registry_keys = list(dict.fromkeys([*registry_keys, "household.vulnerable_members"]))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        profiles = _profiles(chunk, on)
        for pk in chunk:
            profile = profiles.get(pk)
            for key in registry_keys:
                values[pk][key] = FACTS[key].read(profile) if profile else None
    by_template: dict[str, list[str]] = {}
    for key in answer_keys:
        template_code, question_code = key[len(ASSESSMENT_PREFIX) :].split(".")
        by_template.setdefault(template_code, []).append(question_code)
    selectors = _assessments_selectors() if by_template else None
    latest_answers = getattr(selectors, "latest_answers", None)
    for template_code, questions in by_template.items():
        answers: dict[int, dict] = {}
        if latest_answers is not None:
            for start in range(0, len(ids), CHUNK):
                answers.update(
                    latest_answers(
                        household_ids=ids[start : start + CHUNK], template_code=template_code
                    )
                )
        for pk in ids:
            given = answers.get(pk) or {}
            for question_code in questions:
                values[pk][f"{ASSESSMENT_PREFIX}{template_code}.{question_code}"] = given.get(
                    question_code
                )
    return values
