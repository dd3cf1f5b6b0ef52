"""Forms of the activity pages. They parse what people type; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.casework.activities.models import (
    ActivityKind,
    MaterialKind,
    MaterialLanguage,
    ParticipantCategory,
    Session,
)
from homeward.geo.models import Area
from homeward.geo.selectors import MUNICIPALITY_KINDS
from homeward.registry.forms import MunicipalityChoiceField


def _municipalities():
    return (
        Area.objects.filter(kind__in=MUNICIPALITY_KINDS, is_active=True)
        .select_related("parent")
        .order_by("kind", "name_sr_latn")
    )


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _MunicipalitiesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area):
        return area.full_name


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    municipality = MunicipalityChoiceField(
        label=_("Municipality"), queryset=Area.objects.none(), required=False
    )
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    planned_start = forms.DateField(label=_("Planned start"), widget=_DateInput())
    planned_end = forms.DateField(label=_("Planned end"), widget=_DateInput())
    sessions_planned = forms.IntegerField(label=_("Sessions planned"), initial=1)
    leads_to_certificate = forms.BooleanField(label=_("Leads to a certificate"), required=False)
    completion_share = forms.IntegerField(
        label=_("Minimum attendance (%)"),
        initial=80,
        help_text=_("The share of the sessions a participant must attend to complete."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = _municipalities()

    def activity_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.fields if name != "version"}
        for name in ("description", "venue"):
            data[name] = data[name] or ""
        return data


class ActivityEditForm(ActivityForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=_DateInput())
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=150, required=False)

    def session_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.fields if name != "version"}
        for name in ("place", "topic", "facilitator"):
            data[name] = data[name] or ""
        return data


class SessionEditForm(SessionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SessionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Session.Status.choices)
    reason = forms.CharField(label=_("Reason for cancelling"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a registered person"),
        required=False,
        max_length=120,
        help_text=_("A name in any script, a JMBG, a phone number or a household number."),
    )


class AttendanceForm(forms.Form):
    """The people ticked among the search results."""

    people = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are whatever was sent: the service checks each is a person in scope.
        sent = self.data.getlist("people") if hasattr(self.data, "getlist") else []
        self.fields["people"].choices = [(value, value) for value in sent]


class OtherParticipantsForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *ParticipantCategory.choices], required=False
    )
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    women = forms.IntegerField(label=_("Women"), required=False)
    men = forms.IntegerField(label=_("Men"), required=False)


OtherParticipantsFormSet = forms.formset_factory(OtherParticipantsForm, extra=3, max_num=20)


def other_participants_rows(formset) -> list[dict]:
    """The rows of the formset that were filled in."""
    return [
        {
            "category": form.cleaned_data.get("category") or "",
            "organisation_name": form.cleaned_data.get("organisation_name") or "",
            "women": form.cleaned_data.get("women"),
            "men": form.cleaned_data.get("men"),
        }
        for form in formset.forms
        if form.cleaned_data
        and any(
            form.cleaned_data.get(name) not in (None, "")
            for name in ("category", "organisation_name", "women", "men")
        )
    ]


class EnrolForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=_DateInput())
    certificate_number = forms.CharField(
        label=_("Certificate number"),
        max_length=60,
        required=False,
        help_text=_("Left empty, the next number is given."),
    )
    override_reason = forms.CharField(
        label=_("Reason for an exception"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when the attendance does not meet the activity's rule."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=MaterialLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    quantity_produced = forms.IntegerField(label=_("Quantity produced"), required=False)
    quantity_distributed = forms.IntegerField(label=_("Quantity distributed"), required=False)
    people_reached = forms.IntegerField(label=_("People reached (estimated)"), required=False)
    period_start = forms.DateField(label=_("From"), widget=_DateInput())
    period_end = forms.DateField(label=_("To"), required=False, widget=_DateInput())
    municipalities = _MunicipalitiesField(
        label=_("Municipalities"), queryset=Area.objects.none(), required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = _municipalities()

    def material_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.fields if name != "version"}
        data["notes"] = data["notes"] or ""
        data["languages"] = list(data["languages"] or [])
        data["municipalities"] = list(data["municipalities"] or [])
        return data


class MaterialEditForm(MaterialForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
