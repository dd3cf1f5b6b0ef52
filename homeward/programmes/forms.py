import re

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.accounts.models import Organisation
from homeward.programmes.models import Currency, Project, TargetGroup

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def split_places(text: str) -> list[str]:
    """One municipality per line (or separated by semicolons): a comma belongs to names such
    as "Palilula, Niš"."""
    return [part.strip() for part in re.split(r"[\n;]", text or "") if part.strip()]


class ProjectForm(forms.Form):
    """Every field of a project; the service validates and saves."""

    title = forms.CharField(label=_("Title (English)"), max_length=300)
    title_sr = forms.CharField(label=_("Title (Serbian, Cyrillic)"), max_length=300, required=False)
    title_sr_latn = forms.CharField(
        label=_("Title (Serbian, Latin)"), max_length=300, required=False
    )
    title_sq = forms.CharField(label=_("Title (Albanian)"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none(), to_field_name="code"
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    donors = forms.ModelMultipleChoiceField(
        label=_("Donors"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.DateField(label=_("Start"), widget=_DATE)
    end_date = forms.DateField(label=_("End"), widget=_DATE)
    budget = forms.DecimalField(
        label=_("Budget"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    municipalities = forms.CharField(
        label=_("Municipalities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line, in any script or spelling (Gjilan, Гњилане, Gnjilane) or by code."
        ),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, lead_choices, **kwargs):
        super().__init__(*args, **kwargs)
        active = Organisation.objects.filter(is_active=True).order_by("name")
        self.fields["lead_organisation"].queryset = lead_choices
        self.fields["partners"].queryset = active.exclude(kind=Organisation.Kind.DONOR)
        self.fields["donors"].queryset = active.filter(kind=Organisation.Kind.DONOR)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The project cannot end before it starts."))
        return cleaned

    def changes(self) -> dict:
        """The cleaned values as the services take them (municipalities still as text)."""
        values = dict(self.cleaned_data)
        values.pop("version", None)
        values.pop("code", None)
        values["municipalities"] = split_places(values.get("municipalities", ""))
        return values


class ProjectNewForm(ProjectForm):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Short, unique, in lower case letters, digits and hyphens: step-forward."),
    )

    field_order = ["code"]


class ProjectEditForm(ProjectForm):
    # The version the person read; a save over a newer one is refused as a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_for(project: Project) -> dict:
        return {
            "title": project.title,
            "title_sr": project.title_sr,
            "title_sr_latn": project.title_sr_latn,
            "title_sq": project.title_sq,
            "description": project.description,
            "lead_organisation": project.lead_organisation.code,
            "partners": [o.code for o in project.partners.all()],
            "donors": [o.code for o in project.donors.all()],
            "start_date": project.start_date,
            "end_date": project.end_date,
            "budget": project.budget,
            "currency": project.currency,
            "municipalities": "\n".join(area.full_name for area in project.municipalities.all()),
            "target_groups": list(project.target_groups),
            "version": project.version,
        }
