"""The criteria of the assistance overlap report, as the page's GET form, the API's query
parameters and the command's options all give them: one form, so all three read them alike
and refuse the same input with the same words."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from homeward.accounts.roles import Capability
from homeward.casework.assistance.forms import AssistanceTypeField
from homeward.casework.assistance.models import AssistanceType, Category
from homeward.core.scope import scoped
from homeward.dedup.overlap import ACROSS, KINDS, UNITS
from homeward.programmes.models import Project

_DATE_MESSAGE = _("Give the date as YYYY-MM-DD, for example 2025-06-30.")


def _choice(label, choices, initial) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=list(choices.items()),
        required=False,
        initial=initial,
        error_messages={
            "invalid_choice": format_lazy(
                _("%(value)s is not one of the choices: {choices}."), choices=", ".join(choices)
            )
        },
    )


def _date(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _DATE_MESSAGE},
    )


class OverlapForm(forms.Form):
    unit = _choice(_("People or households"), UNITS, "person")
    across = _choice(_("Received"), ACROSS, "organisation")
    kind = _choice(_("The same"), KINDS, "type")
    type = AssistanceTypeField(
        label=_("Only this type of assistance"),
        queryset=AssistanceType.objects.all(),
        to_field_name="code",
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("No type of assistance has the code %(value)s.")},
    )
    category = forms.ChoiceField(
        label=_("Only this category"),
        choices=[("", "—"), *Category.choices],
        required=False,
        error_messages={
            "invalid_choice": format_lazy(
                _("%(value)s is not a category of assistance; the categories are {choices}."),
                choices=", ".join(Category.values),
            )
        },
    )
    since = _date(_("Handed over from"))
    until = _date(_("Handed over until"))
    project = forms.ModelChoiceField(
        label=_("With a delivery in project"),
        queryset=Project.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="—",
        error_messages={
            "invalid_choice": _("No project with the code %(value)s is open to you."),
        },
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = scoped(
            Project.objects.order_by("code"), actor, Capability.VIEW_PERSONAL_DATA
        )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period is before its start."))
        return cleaned

    def criteria(self) -> dict:
        """The keyword arguments of ``overlap.assistance_overlap``, defaults filled in."""
        data = self.cleaned_data
        return {
            "unit": data.get("unit") or "person",
            "across": data.get("across") or "organisation",
            "kind": data.get("kind") or "type",
            "assistance_type": data.get("type"),
            "category": data.get("category") or None,
            "since": data.get("since"),
            "until": data.get("until"),
            "project": data.get("project"),
        }

    def filters(self) -> dict:
        """The criteria as given (empty ones left out), for the audit trail."""
        return {
            name: str(value)
            for name, value in self.data.items()
            if name in self.fields and str(value).strip()
        }
