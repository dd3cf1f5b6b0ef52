from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.casework.enrolment.models import Enrolment
from homeward.programmes.models import Project

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnrolForm(forms.Form):
    """Enrol a household, or one of its members, in a project as a candidate."""

    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), to_field_name="code"
    )
    person = forms.TypedChoiceField(label=_("Who"), coerce=int, empty_value=None, required=False)
    on = forms.DateField(label=_("Date"), widget=_DATE, initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, projects, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda project: (
            f"{project.code} · {project.localised_title}"
        )
        self.fields["person"].choices = [("", _("The whole household"))] + [
            (person.pk, f"{person.first_name} {person.last_name}") for person in members
        ]
        self.members = {person.pk: person for person in members}

    def chosen_person(self):
        return self.members.get(self.cleaned_data.get("person"))


class TransitionForm(forms.Form):
    """One step of an enrolment: the new status, the day it took effect and why."""

    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Date"), widget=_DATE, initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for the waiting list, a rejection and a drop-out."),
    )
    # The version the person read; a step over a newer one is refused as a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Enrolment.Status.choices)
        self.fields["status"].choices = [(status, labels[status]) for status in statuses]
