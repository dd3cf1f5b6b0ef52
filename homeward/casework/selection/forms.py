"""Forms of the selection pages. They carry what people type; ``rules.clean_rules`` decides
what is valid, so the page and the API refuse the same rows with the same messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.casework.selection.facts import OPERATOR_LABELS, OPERATORS, fact_choices
from homeward.casework.selection.models import SelectionCandidate

# Empty rows offered under the filled ones, and added by "More rows".
EXTRA_ROWS = 2
MORE_ROWS = 3


def _assessment_fact_choices() -> list[tuple[str, str]]:
    """The questions of the assessment templates in use, as facts; none until the
    assessments app has templates."""
    try:
        from homeward.casework.assessments.definition import localised
        from homeward.casework.assessments.models import AssessmentTemplate
    except ImportError:
        return []
    choices = []
    for template in AssessmentTemplate.objects.filter(is_active=True).order_by("code"):
        for question in template.questions:
            if question.get("type") in ("text", "date"):
                continue
            choices.append(
                (
                    f"assessment.{template.code}.{question['code']}",
                    f"{template.localised_title}: {localised(question.get('label') or '')}",
                )
            )
    return choices


def all_fact_choices(extra: list[str] = ()) -> list:
    """Registry facts, then the assessment questions; a fact a version already uses stays
    choosable even when its question is no longer in use."""
    registry = fact_choices()
    assessment = _assessment_fact_choices()
    known = {key for key, _label in registry + assessment}
    assessment += [(key, key) for key in extra if key and key not in known]
    groups = [("", "—"), (_("Registry"), registry)]
    if assessment:
        groups.append((_("Assessments"), assessment))
    return groups


class RuleForm(forms.Form):
    fact = forms.ChoiceField(label=_("Fact"), required=False)
    operator = forms.ChoiceField(
        label=_("Operator"),
        required=False,
        choices=[("", "—")] + [(op, OPERATOR_LABELS[op]) for op in OPERATORS],
    )
    value = forms.CharField(
        label=_("Value"),
        required=False,
        max_length=500,
        help_text=_("Several values for “is one of”: separate them with commas."),
    )

    def __init__(self, *args, facts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fact"].choices = facts

    @property
    def is_blank(self) -> bool:
        """A row without a fact is dropped (asked once the form is valid)."""
        return not self.cleaned_data.get("fact")

    def rule(self) -> dict:
        data = self.cleaned_data
        return {
            "fact": data["fact"],
            "operator": data.get("operator") or "",
            "value": data["value"],
        }


class CriterionForm(RuleForm):
    points = forms.CharField(label=_("Points"), required=False, max_length=20)
    per_unit = forms.BooleanField(
        label=_("Per unit"),
        required=False,
        help_text=_("Points for each unit (each member, each child); no operator or value."),
    )
    max_points = forms.CharField(
        label=_("At most"),
        required=False,
        max_length=20,
        help_text=_("Highest points per unit can give."),
    )

    def rule(self) -> dict:
        data = self.cleaned_data
        return {
            **super().rule(),
            "points": data["points"],
            "per_unit": data["per_unit"],
            "max_points": data["max_points"],
        }


ConditionFormSet = forms.formset_factory(RuleForm, extra=EXTRA_ROWS, max_num=50)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=EXTRA_ROWS, max_num=50)


class CriteriaForm(forms.Form):
    note = forms.CharField(
        label=_("What changed and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    # The version the author started from: a version saved meanwhile is not replaced.
    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)


def value_text(value) -> str:
    """A stored value as the editor shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value)
    return str(value)


def rows_initial(rules: list[dict]) -> list[dict]:
    return [
        {
            "fact": rule["fact"],
            "operator": rule.get("operator", ""),
            "value": value_text(rule.get("value")),
            "points": value_text(rule.get("points")),
            "per_unit": bool(rule.get("per_unit")),
            "max_points": value_text(rule.get("max_points")),
        }
        for rule in rules
    ]


class RunForm(forms.Form):
    criteria = forms.TypedChoiceField(label=_("Criteria"), coerce=int, required=False)

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].choices = [
            (version.number, _("Version %(number)s") % {"number": version.number})
            for version in versions
        ]


class DecisionForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(label=_("Decision"), choices=SelectionCandidate.Decision.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    back = forms.ChoiceField(choices=[("run", "run"), ("selection", "selection")], required=False)
