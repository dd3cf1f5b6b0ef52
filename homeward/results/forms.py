"""The forms of the framework pages.

An indicator's rule is chosen, not typed: a radio button per rule kind and, under each, its
parameters as fields made from ``rules.PARAMETERS`` ("list:" → checkboxes labelled in the
reader's language, "count:" → radio buttons, "bool" → a checkbox, "int:" → a number, "among" →
a nested choice of a rule counting people). Every kind's fields are on the page so that it works
without JavaScript; only the chosen kind's are read. A rule written as JSON (the "advanced"
field) replaces the choices when given.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.core.errors import ValidationError
from homeward.results.figures import DIMENSIONS
from homeward.results.models import PARENT_LEVEL, Level, Result, Unit
from homeward.results.rules import (
    KIND_LABELS,
    PARAMETERS,
    PEOPLE_KINDS,
    default_count,
    describe_rule,
    rule_errors,
    rule_unit,
    validate_rule,
)
from homeward.results.services import INDICATOR_FIELDS

DIMENSION_LABELS = {
    "sex": _("Sex"),
    "age_band": _("Age band"),
    "displacement_status": _("Displacement status"),
    "municipality": _("Municipality"),
    "disability": _("Disability"),
}


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class ResultChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, result):
        return f"{result.code} · {result.localised_statement[:80]}"


class ResultForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    parent = ResultChoiceField(
        label=_("Contributes to"),
        queryset=Result.objects.none(),
        required=False,
        help_text=_("An outcome contributes to the objective, an output to an outcome."),
    )
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("e.g. SO, R1, 1.1"))
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 3}))
    statement_sr = forms.CharField(
        label=_("Statement (Serbian, Cyrillic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    statement_sr_latn = forms.CharField(
        label=_("Statement (Serbian, Latin)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    statement_sq = forms.CharField(
        label=_("Statement (Albanian)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0, required=False)

    def __init__(self, *args, project, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Result.objects.filter(
            project=project, level__in=[level for level in PARENT_LEVEL.values() if level]
        )
        if exclude is not None:
            parents = parents.exclude(pk=exclude.pk)
        self.fields["parent"].queryset = parents

    def result_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.fields if name != "version"}
        data["position"] = data.get("position") or 0
        return data


# The rule's fields are named ``rule__<kind>__<parameter>``; a nested rule (``among``) adds
# its own ``__<kind>__<parameter>`` to its parameter's name.
RULE_PREFIX = "rule"
RULE_KIND = "rule_kind"
RULE_JSON = "rule"
BENEFICIARIES = "beneficiaries"

# The label of a list parameter, by its vocabulary (``list:<key>``): ``categories`` means
# assistance categories for one kind and participant categories for another.
LIST_LABELS = {
    "assistance_types": _("Assistance types"),
    "categories": _("Assistance categories"),
    "displacement_status": _("Displacement status of the people counted"),
    "activity_kinds": _("Kinds of activity"),
    "other_categories": _("Also add the other participants counted at its sessions"),
    "participant_categories": _("Categories of participants"),
    "statuses": _("Enrolment statuses"),
    "receiver_categories": _("Referred to"),
    "channels": _("Channels"),
    "topics": _("Topics"),
    "material_kinds": _("Kinds of information material"),
}
PARAMETER_LABELS = {
    "count": _("What is counted"),
    "grants_only": _("Grants only"),
    "months": _("Months after the handover"),
    "criterion": _("IASC criterion"),
    "among": _("Among"),
    "age_from": _("Aged from (years)"),
    "age_to": _("Aged up to (years)"),
    ("share_women", "among"): _("Women among"),
    ("share_displacement_status", "statuses"): _("The displacement statuses whose share is taken"),
}
PARAMETER_HELP = {
    "months": _("Leave empty for 12."),
    "criterion": _("1 to 8; leave empty to compare the total score."),
    "age_from": _("Age on the report's date; leave empty for no lower limit."),
    "age_to": _("Leave empty for no upper limit."),
}
# What a count option counts, where the kind gives it a meaning of its own.
COUNT_LABELS = {
    "households": _("Distinct households"),
    "people": _("Distinct people"),
    "members": _("Every member of the households"),
    "sessions": _("Sessions held"),
    "activities": _("Activities with at least one session held"),
    ("assistance_delivered", "people"): _("Distinct people named on a delivery"),
    ("enrolled", "people"): _("Distinct people, enrolled one by one or with their household"),
    ("referrals_completed", "people"): _("Distinct people named on the referral"),
}
AMONG_LABELS = {BENEFICIARIES: _("The beneficiaries (people enrolled)")}


def _label(kind: str, name: str, shape: str) -> str:
    if (kind, name) in PARAMETER_LABELS:
        return PARAMETER_LABELS[(kind, name)]
    if shape.startswith("list:"):
        key = shape.removeprefix("list:")
        if key in LIST_LABELS:
            return LIST_LABELS[key]
    return PARAMETER_LABELS.get(name) or name.replace("_", " ").capitalize()


def _list_choices(key: str, allowed: set) -> list:
    """The choices of a list parameter, labelled in the reader's language (assistance types by
    their catalogue name, grouped by category)."""
    if key == "assistance_types":
        from homeward.casework.assistance.models import AssistanceType, Category

        groups: dict[str, list] = {}
        for kind in AssistanceType.objects.filter(code__in=allowed):
            name = kind.localised_name
            if not kind.is_active:
                name = _("%(name)s (no longer in use)") % {"name": name}
            groups.setdefault(kind.category, []).append((kind.code, name))
        labels = dict(Category.choices)
        return [
            (labels.get(category, category), sorted(options, key=lambda option: option[1]))
            for category, options in sorted(groups.items(), key=lambda g: list(labels).index(g[0]))
        ]
    from homeward.results.describe import choice_labels

    labels = choice_labels(key)
    known = [(code, label) for code, label in labels.items() if code in allowed]
    return known + [(code, code) for code in sorted(allowed - set(labels))]


def _kind_hint(kind: str) -> str:
    """What a kind counts with nothing narrowed, in words, under its radio button."""
    if kind not in PARAMETERS:
        return ""
    if rule_errors({"kind": kind}, unit=None, choices={}):
        return ""  # it needs a parameter said first
    try:
        return describe_rule({"kind": kind})
    except (KeyError, TypeError, ValueError):
        return ""


@dataclass
class RuleParameter:
    """One parameter's field on the page; ``options`` for a nested rule (``among``)."""

    name: str
    field: object
    options: list


@dataclass
class RuleOption:
    """One radio button of a rule choice and the fields of its parameters under it."""

    value: str
    radio: object
    parameters: list
    hint: str = ""


class RuleFieldsMixin:
    """Adds the rule's fields to a form and reads the chosen rule back (``rule`` in
    ``cleaned_data``: a dict or None)."""

    def _add_rule_fields(self):
        from homeward.results.rules import _choices

        self._allowed = _choices()
        self._list_cache = {}
        self.fields[RULE_KIND] = forms.ChoiceField(
            label=_("How it is measured"),
            choices=[("", _("Not computed: values are recorded by hand, with their source"))]
            + [(kind, KIND_LABELS.get(kind, kind)) for kind in PARAMETERS],
            required=False,
            widget=forms.RadioSelect(attrs={"data-rule-switch": ""}),
        )
        self._rule_names = {RULE_KIND}
        for kind in PARAMETERS:
            self._add_kind(RULE_PREFIX, kind, depth=0)

    def _add_kind(self, prefix: str, kind: str, *, depth: int):
        for name, shape in PARAMETERS[kind].items():
            field_name = f"{prefix}__{kind}__{name}"
            self.fields[field_name] = self._parameter_field(kind, name, shape)
            self._rule_names.add(field_name)
            if shape == "among" and depth == 0:
                for inner in PEOPLE_KINDS:
                    self._add_kind(field_name, inner, depth=depth + 1)

    def _parameter_field(self, kind: str, name: str, shape: str):
        label = _label(kind, name, shape)
        help_text = PARAMETER_HELP.get(name, "")
        if shape.startswith("list:"):
            key = shape.removeprefix("list:")
            if key not in self._list_cache:
                self._list_cache[key] = _list_choices(key, self._allowed.get(key, set()))
            return forms.MultipleChoiceField(
                label=label,
                choices=self._list_cache[key],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=help_text or _("None ticked: any."),
            )
        if shape.startswith("count:"):
            options = shape.removeprefix("count:").split("|")
            return forms.ChoiceField(
                label=label,
                choices=[
                    (option, COUNT_LABELS.get((kind, option)) or COUNT_LABELS.get(option, option))
                    for option in options
                ],
                initial=default_count(kind),
                required=False,
                widget=forms.RadioSelect,
                help_text=help_text,
            )
        if shape == "bool":
            return forms.BooleanField(label=label, required=False, help_text=help_text)
        if shape.startswith("int:"):
            low, high = (int(n) for n in shape.removeprefix("int:").split("-"))
            return forms.IntegerField(
                label=label, min_value=low, max_value=high, required=False, help_text=help_text
            )
        if shape == "among":
            return forms.ChoiceField(
                label=label,
                choices=[(BENEFICIARIES, AMONG_LABELS[BENEFICIARIES])]
                + [(inner, KIND_LABELS.get(inner, inner)) for inner in PEOPLE_KINDS],
                initial=BENEFICIARIES,
                required=False,
                widget=forms.RadioSelect(attrs={"data-rule-switch": ""}),
                help_text=help_text,
            )
        # A notation this form does not know yet: its value as JSON, so nothing is lost.
        return forms.CharField(
            label=label,
            required=False,
            help_text=_("As JSON (%(shape)s).") % {"shape": shape},
        )

    # What the page shows ----------------------------------------------------------------

    def rule_options(self) -> list[RuleOption]:
        """The kinds to choose from, each with its parameters' fields, for the template."""
        return self._options(RULE_KIND, RULE_PREFIX, depth=0)

    def _options(self, choice_name: str, prefix: str, *, depth: int) -> list[RuleOption]:
        options = []
        for radio in self[choice_name].subwidgets:
            value = radio.data["value"]
            parameters = []
            if value in PARAMETERS:
                for name, shape in PARAMETERS[value].items():
                    field_name = f"{prefix}__{value}__{name}"
                    nested = []
                    if shape == "among" and depth == 0:
                        nested = self._options(field_name, field_name, depth=depth + 1)
                    parameters.append(RuleParameter(name, self[field_name], nested))
            options.append(RuleOption(str(value), radio, parameters, _kind_hint(value)))
        return options

    def rule_from_json(self) -> bool:
        return bool((self.data.get(RULE_JSON) or "").strip()) if self.is_bound else False

    # Reading the rule back --------------------------------------------------------------

    def _clean_rule(self, cleaned: dict):
        text = (cleaned.get(RULE_JSON) or "").strip()
        if text:
            try:
                cleaned["rule"] = json.loads(text)
            except ValueError as error:
                self.add_error(RULE_JSON, _("This is not valid JSON: %(error)s") % {"error": error})
            return
        kind = cleaned.get(RULE_KIND)
        if not kind:
            cleaned["rule"] = None
            return
        errors_before = len(self.errors)
        rule = self._read(RULE_PREFIX, kind, depth=0)
        if len(self.errors) == errors_before:
            self._check(RULE_PREFIX, rule, fallback=RULE_KIND)
        if len(self.errors) > errors_before:
            return
        unit = cleaned.get("unit")
        if unit and rule_unit(rule) != unit:
            self.add_error(
                "unit",
                _("The rule chosen gives a number of %(given)s: choose that unit, or another rule.")
                % {"given": Unit(rule_unit(rule)).label},
            )
        original = self.initial.get("rule_current")
        cleaned["rule"] = original if original and _same(original, rule) else rule

    def _read(self, prefix: str, kind: str, *, depth: int) -> dict:
        rule = {"kind": kind}
        for name, shape in PARAMETERS[kind].items():
            field_name = f"{prefix}__{kind}__{name}"
            if field_name in self.errors:
                continue
            value = self.cleaned_data.get(field_name)
            if shape.startswith("list:"):
                if value:
                    rule[name] = self._in_rule_order(field_name, value)
            elif shape.startswith("count:"):
                rule[name] = value or default_count(kind)
            elif shape == "bool":
                if value:
                    rule[name] = True
            elif shape.startswith("int:"):
                if value is not None:
                    rule[name] = value
            elif shape == "among":
                if not value or value == BENEFICIARIES or depth > 0:
                    rule[name] = BENEFICIARIES
                else:
                    rule[name] = self._read_among(field_name, value)
                    continue
            elif value not in (None, ""):
                try:
                    rule[name] = json.loads(value)
                except ValueError as error:
                    self.add_error(
                        field_name, _("This is not valid JSON: %(error)s") % {"error": error}
                    )
                    continue
        return rule

    def _read_among(self, field_name: str, kind: str) -> dict:
        errors_before = len(self.errors)
        inner = self._read(field_name, kind, depth=1)
        if len(self.errors) == errors_before:
            self._check(field_name, inner, fallback=field_name)
        return inner

    def _check(self, prefix: str, rule: dict, *, fallback: str):
        """``validate_rule``'s refusals, each on the field of the parameter it names first."""
        try:
            validate_rule(rule)
        except ValidationError as error:
            for message in error.message_dict["rule"]:
                target = _field_named(prefix, rule, message) or fallback
                self.add_error(target if target in self.fields else fallback, message)

    def _in_rule_order(self, field_name: str, values: list) -> list:
        """Ticked values in the order the rule had them, newly ticked ones after."""
        before = self.initial.get(field_name) or []
        return sorted(
            values,
            key=lambda v: (0, before.index(v)) if v in before else (1, values.index(v)),
        )

    def rule_error(self, error: ValidationError) -> ValidationError:
        """A service's error about the rule, put on the field the rule was chosen with."""
        if not hasattr(error, "error_dict") or self.rule_from_json():
            return error
        messages = error.message_dict
        if RULE_JSON in messages:
            messages.setdefault(RULE_KIND, []).extend(messages.pop(RULE_JSON))
        return ValidationError(messages)


def _field_named(prefix: str, rule: dict, message: str) -> str | None:
    """The field of the parameter a refusal names first; for a nested rule (``among``), the
    field in it the rest of the message names, else what it counts."""
    kind = rule["kind"]
    named = sorted(
        (found.start(), name)
        for name in PARAMETERS[kind]
        if (found := re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", message))
    )
    if not named:
        return None
    start, name = named[0]
    field_name = f"{prefix}__{kind}__{name}"
    inner = rule.get(name)
    if PARAMETERS[kind][name] == "among" and isinstance(inner, dict) and inner.get("kind"):
        rest = message[start + len(name) :]
        found = _field_named(field_name, inner, rest)
        if found is None and "count" in PARAMETERS.get(inner["kind"], {}):
            found = f"{field_name}__{inner['kind']}__count"
        return found or field_name
    return field_name


def _representable(rule) -> bool:
    """Whether the fields can show ``rule`` whole."""
    if not isinstance(rule, dict) or rule.get("kind") not in PARAMETERS:
        return False
    spec = PARAMETERS[rule["kind"]]
    if set(rule) - {"kind"} - set(spec):
        return False
    among = [rule[name] for name, shape in spec.items() if shape == "among" and name in rule]
    return all(value in (None, BENEFICIARIES) or _representable(value) for value in among)


def _normalised(rule):
    """A rule with its defaults said and its "any" left out, to compare two rules."""
    if not isinstance(rule, dict) or rule.get("kind") not in PARAMETERS:
        return rule
    kind = rule["kind"]
    result = {"kind": kind}
    for name, shape in PARAMETERS[kind].items():
        value = rule.get(name)
        if shape.startswith("count:"):
            value = value or default_count(kind)
        elif shape == "among":
            value = _normalised(value or BENEFICIARIES)
        elif shape.startswith("list:") and isinstance(value, list):
            value = sorted(value)
        if value not in (None, [], False, ""):
            result[name] = value
    return result


def _same(one, other) -> bool:
    if set(one) - {"kind"} - set(PARAMETERS.get(one.get("kind"), {})):
        return False
    return _normalised(one) == _normalised(other)


def rule_initial(rule: dict | None, prefix: str = RULE_PREFIX, *, depth: int = 0) -> dict:
    """The fields' values that show ``rule``."""
    if not rule or rule.get("kind") not in PARAMETERS:
        return {RULE_KIND: ""} if depth == 0 else {}
    kind = rule["kind"]
    initial = {RULE_KIND: kind} if depth == 0 else {}
    for name, shape in PARAMETERS[kind].items():
        field_name = f"{prefix}__{kind}__{name}"
        value = rule.get(name)
        if value is None:
            continue
        if shape == "among":
            if isinstance(value, dict):
                initial[field_name] = value.get("kind")
                initial |= rule_initial(value, field_name, depth=depth + 1)
            else:
                initial[field_name] = value
        elif shape.startswith(("list:", "count:", "int:")) or shape == "bool":
            initial[field_name] = value
        else:
            initial[field_name] = json.dumps(value, ensure_ascii=False)
    return initial


class IndicatorForm(RuleFieldsMixin, forms.Form):
    result = ResultChoiceField(label=_("Measures"), queryset=Result.objects.none())
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=300)
    name_sr = forms.CharField(label=_("Name (Serbian, Cyrillic)"), max_length=300, required=False)
    name_sr_latn = forms.CharField(label=_("Name (Serbian, Latin)"), max_length=300, required=False)
    name_sq = forms.CharField(label=_("Name (Albanian)"), max_length=300, required=False)
    definition = forms.CharField(
        label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    definition_sr = forms.CharField(
        label=_("Definition (Serbian, Cyrillic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    definition_sr_latn = forms.CharField(
        label=_("Definition (Serbian, Latin)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    definition_sq = forms.CharField(
        label=_("Definition (Albanian)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    baseline = forms.DecimalField(label=_("Baseline"), required=False, decimal_places=2)
    baseline_date = forms.DateField(label=_("Baseline date"), required=False, widget=_DateInput())
    disaggregations = forms.MultipleChoiceField(
        label=_("Disaggregations"),
        choices=[(name, DIMENSION_LABELS[name]) for name in DIMENSIONS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_bands = forms.CharField(
        label=_("Age bands"),
        required=False,
        help_text=_("JSON, e.g. [[0, 4], [5, 11], [12, 17], [18, 59], [60, null]]"),
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, initial=0, required=False)
    rule = forms.CharField(
        label=_("Rule as JSON (advanced)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text=_(
            "For those who write rules by hand: a rule given here replaces the choice above. "
            "Leave it empty to use the choice."
        ),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = Result.objects.filter(project=project)
        self._add_rule_fields()

    def main_fields(self):
        """The indicator's own fields, in order (the rule's are laid out on their own)."""
        return [self[name] for name in self.fields if name not in self._rule_names | {RULE_JSON}]

    def _json(self, name):
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s") % {"error": error}
            ) from error

    def clean_age_bands(self):
        return self._json("age_bands")

    def clean(self):
        cleaned = super().clean()
        self._clean_rule(cleaned)
        return cleaned

    def rule_chosen(self):
        """The rule the form holds, or None: the words beside the form say it."""
        if self.is_bound:
            return self.cleaned_data.get("rule") if hasattr(self, "cleaned_data") else None
        return self.initial.get("rule_current")

    def indicator_data(self) -> dict:
        data = {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if name not in self._rule_names and name != "version"
        }
        if data.get("age_bands") is None:
            data.pop("age_bands")
        data["position"] = data.get("position") or 0
        return data


def indicator_initial(indicator) -> dict:
    initial = {
        name: getattr(indicator, name)
        for name in INDICATOR_FIELDS
        if name not in ("age_bands", "rule")  # written below, in the form's own shape
    }
    initial["age_bands"] = json.dumps(indicator.age_bands)
    initial |= rule_initial(indicator.rule)
    initial["rule_current"] = indicator.rule
    if indicator.rule and not _representable(indicator.rule):
        # A rule the fields cannot show (written before its vocabulary changed) is kept as
        # JSON, so that saving the indicator does not lose it.
        initial[RULE_JSON] = json.dumps(indicator.rule, ensure_ascii=False)
    initial["version"] = indicator.version
    return initial


class IndicatorEditForm(IndicatorForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TargetForm(forms.Form):
    label = forms.CharField(label=_("Period"), max_length=60, help_text=_("e.g. Year 1"))
    start = forms.DateField(label=_("From"), widget=_DateInput())
    end = forms.DateField(label=_("To"), widget=_DateInput())
    value = forms.DecimalField(label=_("Target"), decimal_places=2)


class ManualValueForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), widget=_DateInput())
    value = forms.DecimalField(label=_("Value"), decimal_places=2)
    source = forms.CharField(
        label=_("Source"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the value comes from: a survey, a municipal register, a report."),
    )
