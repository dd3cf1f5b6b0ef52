"""Forms of the deduplication pages: the queue's filters, the start of a run, and the two
decisions on a pair (a decision without merging, and a merge with the record kept).

The decision forms carry what the reviewer saw (the pair's status, the two records' versions):
somebody who decided or edited in between is not overwritten, the service refuses instead.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.dedup.evidence import DEFAULT_THRESHOLD
from homeward.dedup.models import CandidatePair, DedupRun

S = CandidatePair.Status


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (S.PENDING, S.PENDING.label),
            (S.UNSURE, S.UNSURE.label),
            (S.NOT_SAME, S.NOT_SAME.label),
            (S.SAME, S.SAME.label),
        ],
        required=False,
    )
    project = forms.ModelChoiceField(
        queryset=None,
        label=_("Project"),
        to_field_name="code",
        required=False,
        empty_label=_("All projects"),
        help_text=_("Pairs with at least one person in the project."),
    )
    min_probability = forms.FloatField(
        label=_("Probability at least"),
        min_value=0,
        max_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "placeholder": "0.9"}),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects

    def filters(self) -> dict:
        """The selector's arguments; an invalid filter is left out (the form says why)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "status": (data.get("status") or S.PENDING,),
            "project": data.get("project"),
            "min_probability": data.get("min_probability"),
        }


class RunStartForm(forms.Form):
    coverage = forms.ChoiceField(
        label=_("Compare"),
        choices=DedupRun.Coverage.choices,
        initial=DedupRun.Coverage.REGISTRY,
        widget=forms.RadioSelect,
        help_text=_(
            "One project or one import is compared with the whole registry: only pairs with at "
            "least one of its people are proposed."
        ),
    )
    project = forms.ModelChoiceField(
        queryset=None, label=_("Project"), to_field_name="code", required=False
    )
    people_import = forms.ModelChoiceField(queryset=None, label=_("Import"), required=False)
    # The range is the service's to check: the pages, the API and the command say the same.
    threshold = forms.FloatField(
        label=_("Threshold"),
        initial=DEFAULT_THRESHOLD,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "1"}),
        help_text=_("Pairs at least this likely to be one person go to the review queue."),
    )

    def __init__(self, *args, projects, imports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["people_import"].queryset = imports
        self.fields["people_import"].label_from_instance = _import_label

    def clean(self):
        data = super().clean()
        coverage = data.get("coverage")
        if coverage == DedupRun.Coverage.PROJECT and not data.get("project"):
            self.add_error("project", _("Choose the project to compare."))
        if coverage == DedupRun.Coverage.IMPORT and not data.get("people_import"):
            self.add_error("people_import", _("Choose the import to compare."))
        if coverage != DedupRun.Coverage.PROJECT:
            data["project"] = None
        if coverage != DedupRun.Coverage.IMPORT:
            data["people_import"] = None
        return data


def _import_label(people_import) -> str:
    return f"{people_import.filename} ({people_import.created_at:%Y-%m-%d}, #{people_import.pk})"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (S.NOT_SAME, _("Not the same person")),
            (S.UNSURE, _("Unsure")),
            (S.PENDING, _("Put back in the queue")),
        ],
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_status = forms.ChoiceField(choices=S.choices, widget=forms.HiddenInput)


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(label=_("Record to keep"), coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_status = forms.ChoiceField(choices=S.choices, widget=forms.HiddenInput)
    version_a = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version_b = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pair, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["keep"].choices = choices

    def versions(self) -> dict:
        """The versions the reviewer saw, as the merge's expected versions."""
        data = self.cleaned_data
        seen = {
            self.pair.person_a: data.get("version_a"),
            self.pair.person_b: data.get("version_b"),
        }
        keep = data["keep"]
        return {
            "expected_version_kept": seen[keep],
            "expected_version_merged": seen[self.pair.other(keep)],
        }
