"""Forms of the referral, information desk and grievance pages. They parse what people type;
the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.casework.contacts.models import Channel, Contact, Grievance, Referral
from homeward.registry.models import Consent, DisplacementStatus, Sex

_DATE = {"type": "date"}


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"), **kwargs
    )


def _optional_choice(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", "—"), *choices], required=False)


class ReferralFilterForm(forms.Form):
    status = _optional_choice(_("Status"), Referral.Status.choices)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    project = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Project"), to_field_name="code", empty_label="—"
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class ConsentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, consent):
        return _("%(person)s: %(purpose)s, given on %(date)s") % {
            "person": consent.person.full_name,
            "purpose": consent.get_purpose_display(),
            "date": consent.given_on.strftime("%d.%m.%Y"),
        }


class ReferralForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Member referred"),
        empty_label=_("The whole household"),
    )
    project = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Project"), to_field_name="code", empty_label="—"
    )
    receiver_name = forms.CharField(label=_("Referred to"), max_length=200)
    receiver_category = forms.ChoiceField(
        label=_("Kind of service"), choices=[("", "—"), *Referral.ReceiverCategory.choices]
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    consent = ConsentChoiceField(
        queryset=None,
        required=False,
        label=_("Consent to referral recorded in the registry"),
        empty_label="—",
    )
    consent_on = _date(
        _("Or: consent to this referral given on"),
        required=False,
        help_text=_("Asked now, for this referral; your name is recorded as who took it."),
    )
    sent_on = _date(_("Sent on"), required=False)
    follow_up_on = _date(
        _("Follow up on"),
        required=False,
        help_text=_("Two weeks after sending if left empty."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, household, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = household.members.all()
        self.fields["project"].queryset = projects
        self.fields["consent"].queryset = (
            Consent.objects.filter(
                person__household=household,
                purpose=Consent.Purpose.REFERRAL,
                withdrawn_on__isnull=True,
            )
            .select_related("person")
            .order_by("-given_on")
        )


class ReferralEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    receiver_name = forms.CharField(label=_("Referred to"), max_length=200)
    receiver_category = forms.ChoiceField(
        label=_("Kind of service"), choices=Referral.ReceiverCategory.choices
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_on = _date(_("Follow up on"))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("New status"), choices=Referral.Status.choices)
    on = _date(_("On"), required=False)
    response = forms.CharField(
        label=_("Their answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when they reject the referral."),
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the referral is completed."),
    )
    follow_up_on = _date(_("Next follow-up"), required=False)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Referral.TRANSITIONS.get(referral.status, ())
        self.fields["status"].choices = [
            (value, label) for value, label in Referral.Status.choices if value in allowed
        ]


class ContactForm(forms.Form):
    """The quick entry of a call: what a desk operator types while the caller is on the line."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Now if left empty; fill it in when copying a paper log."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *Contact.Topic.choices])
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(
        label=_("Answer given"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    anonymous = forms.BooleanField(label=_("The caller stays anonymous"), required=False)
    caller_name = forms.CharField(label=_("Caller's name"), max_length=160, required=False)
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=40, required=False)
    caller_sex = _optional_choice(_("Sex"), Sex.choices)
    caller_displacement_status = _optional_choice(
        _("Displacement status"), DisplacementStatus.choices
    )
    project = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Project"), to_field_name="code", empty_label="—"
    )
    household = forms.CharField(
        label=_("Registered household"),
        required=False,
        max_length=20,
        help_text=_("Its number, e.g. H-000123, if the caller is registered."),
    )
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    follow_up_on = _date(_("Follow up by"), required=False)

    def __init__(self, *args, projects, may_link_household: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if not may_link_household:
            # A desk operator never picks, nor sees, a household of the registry.
            del self.fields["household"]


class ContactFilterForm(forms.Form):
    topic = _optional_choice(_("Topic"), Contact.Topic.choices)
    channel = _optional_choice(_("Channel"), Channel.choices)
    project = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Project"), to_field_name="code", empty_label="—"
    )
    follow_up = forms.BooleanField(label=_("Follow-up pending"), required=False)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class ContactFollowUpForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(
        label=_("Answer given"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    follow_up_on = _date(_("Follow up by"), required=False)
    followed_up_on = _date(_("Followed up on"), required=False)
    follow_up_notes = forms.CharField(
        label=_("Follow-up notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    household = forms.CharField(
        label=_("Registered household"),
        required=False,
        max_length=20,
        help_text=_("Its number, e.g. H-000123, if the caller is registered."),
    )

    def __init__(self, *args, may_link_household: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_link_household:
            del self.fields["household"]


class GrievanceForm(forms.Form):
    received_on = _date(_("Received on"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Grievance.Channel.choices)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", "—"), *Grievance.Category.choices],
        help_text=_(
            "Sensitive grievances (misconduct, abuse, fraud) are then read and handled by "
            "managers only."
        ),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    complainant_name = forms.CharField(label=_("Name"), max_length=160, required=False)
    complainant_contact = forms.CharField(
        label=_("How to reach them"), max_length=200, required=False
    )
    project = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Project"), to_field_name="code", empty_label="—"
    )
    household = forms.CharField(
        label=_("Registered household"),
        required=False,
        max_length=20,
        help_text=_("Its number, e.g. H-000123, if the complainant is registered."),
    )

    def __init__(self, *args, projects, may_link_household: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if not may_link_household:
            del self.fields["household"]


class GrievanceFilterForm(forms.Form):
    status = _optional_choice(_("Status"), Grievance.Status.choices)
    category = _optional_choice(_("Category"), Grievance.Category.choices)
    project = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Project"), to_field_name="code", empty_label="—"
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class GrievanceStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("New status"), choices=Grievance.Status.choices)
    on = _date(_("On"), required=False)
    resolution_kind = _optional_choice(_("How it ended"), Grievance.Resolution.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, or why it was closed without action."),
    )

    def __init__(self, *args, grievance, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Grievance.TRANSITIONS.get(grievance.status, ())
        self.fields["status"].choices = [
            (value, label) for value, label in Grievance.Status.choices if value in allowed
        ]


class GrievanceCategoryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=Grievance.Category.choices,
        help_text=_("Making it sensitive passes it to the managers; you will no longer see it."),
    )
