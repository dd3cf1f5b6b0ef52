"""The rules that compute an indicator from recorded casework.

A rule is JSON stored on ``Indicator.rule``: ``{"kind": <kind>, <parameter>: <value>, ...}``.
Every list parameter may be left out or empty, meaning "any". ``validate_rule`` refuses
anything else with a message naming the parameter; ``describe_rule`` says the rule in words
(in the reader's language); ``selectors.project_figures`` computes it.

============================  ==========  ====================================================
kind                          unit        parameters
============================  ==========  ====================================================
``assistance_delivered``      people,     ``count``: ``"households"`` (distinct households
                              households  given it), ``"people"`` (distinct persons a delivery
                                          names) or ``"members"`` (every member of a household
                                          given it); ``assistance_types``: catalogue codes
                                          (``casework/assistance/data/assistance_types.csv``);
                                          ``categories``: assistance categories
                                          (``livelihoods``, ``housing`` …); ``grants_only``:
                                          bool; ``displacement_status``: statuses of the
                                          person counted (people, members).
                                          Only delivered and verified deliveries count, on
                                          their handover date.
``activity_completed``        people      ``activity_kinds``: ``business_training`` …
                                          (``casework.activities.models.ActivityKind``);
                                          ``displacement_status``; ``other_categories``:
                                          participant categories (``officials`` …) whose
                                          counted attendance at held sessions is added
                                          (``OtherParticipants``, women and men).
``activity_attended``         people      distinct registered people present at a held session
                                          of an activity of ``activity_kinds``;
                                          ``displacement_status``.
``other_participants``        people      the people counted, not registered, at held sessions:
                                          ``categories`` (``officials``, ``civil_society``,
                                          ``business``, ``community``, ``other``) and
                                          ``activity_kinds``.
``events_held``               events      ``count``: ``"sessions"`` (held sessions) or
                                          ``"activities"`` (activities with a held session);
                                          ``activity_kinds``.
``enrolled``                  people,     beneficiaries: ``statuses`` (default ``selected``,
                              households  ``active``, ``completed``); ``count``:
                                          ``"households"`` or ``"people"`` (persons enrolled
                                          one by one and every member of a household enrolled
                                          as a whole); ``displacement_status``.
``referrals_completed``       people,     referrals closed as completed: ``receiver_categories``
                              households  (``social_work``, ``legal_aid`` …); ``count``:
                                          ``"households"`` or ``"people"`` (the person named).
``contacts``                  events      information-desk and phone-line contacts:
                                          ``channels`` (``phone``, ``walk_in`` …),
                                          ``topics``.
``share_women``               percentage  the women among ``among``: ``"beneficiaries"``
                                          (the people of ``enrolled`` with its defaults) or a
                                          rule object of a kind that counts people
                                          (``assistance_delivered`` with ``count`` people or
                                          members, ``activity_completed``,
                                          ``activity_attended``, ``enrolled`` with people).
``grants_operating``          percentage  of the grant deliveries (``assistance_types``, default
                                          every grant type) given a monitoring visit at
                                          ``months`` (default 12) or more months after the
                                          handover, the share whose latest such visit found
                                          the business operating.
``durable_solutions_improved``people,     households (``count``: ``"households"``) whose latest
                              households  durable-solutions assessment scores higher than their
                                          first; ``criterion``: 1–8 (IASC criterion) to compare
                                          that criterion's score instead of the total.
``share_displacement_status`` percentage  the people of ``statuses`` (displacement statuses,
                                          required) among ``among``, as ``share_women``; or a
                                          rule counting households, each by its head's status.
``information_reach``         people      the sum of the people each information material
                                          reached (``people_reached``, an estimate), counted
                                          from its first day: ``material_kinds`` (``brochure``
                                          …, ``casework.activities.models.MaterialKind``).
``organisations_participating`` organisations  distinct organisations named on the counts
                                          of other participants at held sessions:
                                          ``categories``, ``activity_kinds``.
``municipalities_reached``    organisations  distinct municipalities where a household given
                                          assistance lives (``assistance_types``,
                                          ``categories``, ``grants_only``): local communities.
============================  ==========  ====================================================

``age_from``/``age_to`` (whole years) narrow any rule counting people (``assistance_delivered``
with ``count`` people or members, ``activity_completed``, ``activity_attended``, ``enrolled``,
``referrals_completed`` with people) to the people of those ages; people of unknown birth date
are left out. They cannot go with ``other_categories``: the people counted have no age.

``other_participants`` (and the ``other_categories`` of ``activity_completed``) count, for each
activity, category and organisation, the most women and the most men any one held session
counted: the same officials at five sessions of a training are five officials, not 25.

Dates: a person or household counts from the day it first qualified (the handover, the
completion, the session, the enrolment, the visit, the assessment); ``as_of`` takes what had
qualified by that day. Ages (age bands, ``age_from``/``age_to``) are ages on ``as_of`` (the
report's date), or on the project's end date if it ended before: not on the day of the
delivery, so one person is in one age band in every figure of a report, and a closed project's
children stay children.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.core.errors import ValidationError

# kind → units it may measure, in the order the form offers them.
KINDS = {
    "assistance_delivered": ("people", "households"),
    "activity_completed": ("people",),
    "activity_attended": ("people",),
    "other_participants": ("people",),
    "events_held": ("events",),
    "enrolled": ("people", "households"),
    "referrals_completed": ("people", "households"),
    "contacts": ("events",),
    "share_women": ("percentage",),
    "grants_operating": ("percentage",),
    "durable_solutions_improved": ("households",),
    "share_displacement_status": ("percentage",),
    "information_reach": ("people",),
    "organisations_participating": ("organisations",),
    # The local communities (municipalities) reached: places, measured in the unit of bodies.
    "municipalities_reached": ("organisations",),
}

KIND_LABELS = {
    "assistance_delivered": gettext_lazy("Assistance delivered"),
    "activity_completed": gettext_lazy("Activity completed"),
    "activity_attended": gettext_lazy("Activity attended"),
    "other_participants": gettext_lazy("Other participants counted"),
    "events_held": gettext_lazy("Events held"),
    "enrolled": gettext_lazy("Beneficiaries enrolled"),
    "referrals_completed": gettext_lazy("Referrals completed"),
    "contacts": gettext_lazy("Information desk contacts"),
    "share_women": gettext_lazy("Share of women"),
    "grants_operating": gettext_lazy("Grant businesses operating"),
    "durable_solutions_improved": gettext_lazy("Durable solutions improved"),
    "share_displacement_status": gettext_lazy("Share of displacement statuses"),
    "information_reach": gettext_lazy("People reached by information material"),
    "organisations_participating": gettext_lazy("Organisations taking part"),
    "municipalities_reached": gettext_lazy("Municipalities reached by assistance"),
}

# Kinds whose people can be the ``among`` of a share (``share_women``,
# ``share_displacement_status``).
PEOPLE_KINDS = ("assistance_delivered", "activity_completed", "activity_attended", "enrolled")


def _choices():
    """The allowed values of each list parameter (imported late: the apps load first)."""
    from homeward.casework.activities.models import (
        ActivityKind,
        MaterialKind,
        ParticipantCategory,
    )
    from homeward.casework.assistance.models import AssistanceType, Category
    from homeward.casework.contacts.models import Channel, Contact, Referral
    from homeward.casework.enrolment.models import Enrolment
    from homeward.registry.models import DisplacementStatus

    return {
        "assistance_types": set(AssistanceType.objects.values_list("code", flat=True)),
        "categories": set(Category.values),
        "displacement_status": set(DisplacementStatus.values),
        "activity_kinds": set(ActivityKind.values),
        "other_categories": set(ParticipantCategory.values),
        "participant_categories": set(ParticipantCategory.values),
        "statuses": set(Enrolment.Status.values),
        "receiver_categories": set(Referral.ReceiverCategory.values),
        "channels": set(Channel.values),
        "topics": set(Contact.Topic.values),
        "material_kinds": set(MaterialKind.values),
    }


# kind → {parameter: type}. Types: "list:<choices key of _choices>" (codes, any if empty),
# "count:<a|b|…>" (one of, the first the default), "bool", "int:<lo>-<hi>" (a whole number),
# "among" ("beneficiaries" or a rule of PEOPLE_KINDS counting people; for
# share_displacement_status it may count households too, a household by its head's status).
# ``age_from``/``age_to`` ("int:0-120"): only people aged so on the figures' day; they need a
# rule counting people (validated below).
AGES = {"age_from": "int:0-120", "age_to": "int:0-120"}
PARAMETERS = {
    "assistance_delivered": {
        "count": "count:households|people|members",
        "assistance_types": "list:assistance_types",
        "categories": "list:categories",
        "grants_only": "bool",
        "displacement_status": "list:displacement_status",
        **AGES,
    },
    "activity_completed": {
        "activity_kinds": "list:activity_kinds",
        "displacement_status": "list:displacement_status",
        "other_categories": "list:other_categories",
        **AGES,
    },
    "activity_attended": {
        "activity_kinds": "list:activity_kinds",
        "displacement_status": "list:displacement_status",
        **AGES,
    },
    "other_participants": {
        "categories": "list:participant_categories",
        "activity_kinds": "list:activity_kinds",
    },
    "events_held": {"count": "count:sessions|activities", "activity_kinds": "list:activity_kinds"},
    "enrolled": {
        "count": "count:people|households",
        "statuses": "list:statuses",
        "displacement_status": "list:displacement_status",
        **AGES,
    },
    "referrals_completed": {
        "count": "count:households|people",
        "receiver_categories": "list:receiver_categories",
        **AGES,
    },
    "contacts": {"channels": "list:channels", "topics": "list:topics"},
    "share_women": {"among": "among"},
    "grants_operating": {"assistance_types": "list:assistance_types", "months": "int:1-120"},
    "durable_solutions_improved": {"count": "count:households", "criterion": "int:1-8"},
    "share_displacement_status": {"statuses": "list:displacement_status", "among": "among"},
    "information_reach": {"material_kinds": "list:material_kinds"},
    "organisations_participating": {
        "categories": "list:participant_categories",
        "activity_kinds": "list:activity_kinds",
    },
    "municipalities_reached": {
        "assistance_types": "list:assistance_types",
        "categories": "list:categories",
        "grants_only": "bool",
    },
}

# The kinds that are a share of the people of their ``among``.
SHARE_KINDS = ("share_women", "share_displacement_status")

# The unit a rule's count gives, where the kind allows several.
_COUNT_UNITS = {"households": "households", "people": "people", "members": "people"}


def rule_unit(rule: dict) -> str:
    """The unit a valid rule's figure is in."""
    kind = rule["kind"]
    units = KINDS[kind]
    if len(units) == 1:
        return units[0]
    return _COUNT_UNITS.get(rule.get("count") or default_count(kind), units[0])


def default_count(kind: str) -> str:
    spec = PARAMETERS[kind].get("count", "")
    return spec.removeprefix("count:").split("|")[0] if spec else ""


def validate_rule(rule, *, unit: str | None = None, field: str = "rule") -> None:
    """Refuse a rule that is not of the vocabulary, naming what is wrong under ``field``."""
    errors = rule_errors(rule, unit=unit)
    if errors:
        raise ValidationError({field: errors})


def rule_errors(rule, *, unit: str | None, choices: dict | None = None) -> list[str]:
    if not isinstance(rule, dict):
        return [_("A rule is a JSON object with a “kind”.")]
    kind = rule.get("kind")
    if kind not in KINDS:
        return [
            _("Unknown rule kind “%(kind)s”; use one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        ]
    choices = choices if choices is not None else _choices()
    errors = []
    spec = PARAMETERS[kind]
    for name in sorted(set(rule) - {"kind"} - set(spec)):
        errors.append(
            _("“%(name)s” is not a parameter of %(kind)s.") % {"name": name, "kind": kind}
        )
    for name, shape in spec.items():
        if name not in rule or rule[name] is None:
            continue
        value = rule[name]
        if shape.startswith("list:"):
            allowed = choices[shape.removeprefix("list:")]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors.append(_("“%(name)s” must be a list of codes.") % {"name": name})
                continue
            unknown = [v for v in value if v not in allowed]
            if unknown:
                errors.append(
                    _("“%(name)s”: unknown %(values)s.")
                    % {"name": name, "values": ", ".join(unknown)}
                )
        elif shape.startswith("count:"):
            options = shape.removeprefix("count:").split("|")
            if value not in options:
                errors.append(
                    _("“%(name)s” must be one of: %(options)s.")
                    % {"name": name, "options": ", ".join(options)}
                )
        elif shape == "bool":
            if not isinstance(value, bool):
                errors.append(_("“%(name)s” must be true or false.") % {"name": name})
        elif shape.startswith("int:"):
            low, high = (int(n) for n in shape.removeprefix("int:").split("-"))
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors.append(
                    _("“%(name)s” must be a whole number from %(low)s to %(high)s.")
                    % {"name": name, "low": low, "high": high}
                )
        elif shape == "among" and value != "beneficiaries":
            if not isinstance(value, dict) or value.get("kind") not in PEOPLE_KINDS:
                errors.append(
                    _("“among” is “beneficiaries” or a rule of a kind counting people: %(kinds)s.")
                    % {"kinds": ", ".join(PEOPLE_KINDS)}
                )
            else:
                inner = rule_errors(value, unit=None, choices=choices)
                counted = (
                    ("people", "households") if kind == "share_displacement_status" else ("people",)
                )
                if not inner and rule_unit(value) not in counted:
                    inner = [_("it must count people.")]
                errors.extend(_("“among”: %(error)s") % {"error": error} for error in inner)
    if not errors and ("age_from" in rule or "age_to" in rule):
        if rule_unit(rule) != "people":
            errors.append(_("“age_from” and “age_to” need a rule counting people."))
        elif rule.get("other_categories"):
            errors.append(
                _(
                    "“age_from” and “age_to” cannot go with “other_categories”: those counted "
                    "have no age."
                )
            )
        elif (rule.get("age_from") or 0) > (
            rule["age_to"] if rule.get("age_to") is not None else 120
        ):
            errors.append(_("“age_from” must not be over “age_to”."))
    if not errors and kind == "share_displacement_status" and not rule.get("statuses"):
        errors.append(_("“statuses”: name the displacement statuses whose share is taken."))
    if not errors and unit is not None and rule_unit(rule) != unit:
        errors.append(
            _("This rule gives %(given)s, but the indicator's unit is %(unit)s.")
            % {"given": rule_unit(rule), "unit": unit}
        )
    return errors


def describe_rule(rule: dict | None) -> str:
    """The rule in words, in the reader's language."""
    if not rule:
        return ""
    from homeward.results.describe import describe

    return describe(rule)
