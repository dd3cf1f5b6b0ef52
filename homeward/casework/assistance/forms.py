"""Forms of the assistance pages. They parse what people type; the services decide what is
valid (a household outside the project, a date in the future, a value in the wrong currency)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.casework.assistance.models import AssistanceType, Delivery


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssistanceTypeField(forms.ModelChoiceField):
    def label_from_instance(self, assistance_type):
        return assistance_type.localised_name


def _money_field(label, **extra):
    return forms.DecimalField(label=label, required=False, max_digits=14, decimal_places=2, **extra)


class DeliveryFieldsForm(forms.Form):
    assistance_type = AssistanceTypeField(
        label=_("Type of assistance"), queryset=AssistanceType.objects.none(), empty_label="—"
    )
    person = forms.TypedChoiceField(
        label=_("For one member"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leave empty when the assistance is for the whole household."),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=10, decimal_places=2, initial=1, required=False
    )
    planned_value = _money_field(_("Planned value"))
    planned_on = forms.DateField(label=_("Planned date"), required=False, widget=_date_widget())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, members=(), current_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        types = AssistanceType.objects.filter(is_active=True)
        if current_type is not None:
            types = AssistanceType.objects.filter(is_active=True) | AssistanceType.objects.filter(
                pk=current_type.pk
            )
        self.fields["assistance_type"].queryset = types
        self.fields["person"].choices = [("", "—")] + [
            (person.pk, person.full_name) for person in members
        ]
        self.members = {person.pk: person for person in members}

    def delivery_data(self) -> dict:
        data = dict(self.cleaned_data)
        person = data.get("person")
        data["person"] = self.members.get(person) if person else None
        data["note"] = data.get("note") or ""
        if data.get("quantity") is None:
            data["quantity"] = 1
        return data


class DeliveryPlanForm(DeliveryFieldsForm):
    household = forms.CharField(
        label=_("Household number"), max_length=20, help_text=_("For example H-000123.")
    )

    field_order = ["household"]


class DeliveryEditForm(DeliveryFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DeliveryItemForm(forms.Form):
    description = forms.CharField(label=_("Item"), max_length=200, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=10, decimal_places=2, required=False
    )
    unit_value = _money_field(_("Value of one"))


DeliveryItemFormSet = forms.formset_factory(DeliveryItemForm, extra=3, max_num=50)


def filled_rows(formset) -> list:
    """The rows with anything in them, whether typed now or shown from before: an unchanged
    row of an existing item is still an item."""
    return [
        row
        for row in formset.forms
        if any(row.cleaned_data.get(name) not in (None, "") for name in row.fields)
    ]


def items_from(formset) -> list[dict]:
    """The rows that were filled in; the service checks each."""
    return [
        {name: row.cleaned_data.get(name) for name in ("description", "quantity", "unit_value")}
        for row in filled_rows(formset)
    ]


class TransitionForm(forms.Form):
    """What every step of the life cycle sends: where to, and the version it was read at."""

    status = forms.ChoiceField(choices=Delivery.Status.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(TransitionForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class VerifyForm(ApproveForm):
    pass


class DeliverForm(TransitionForm):
    handover_on = forms.DateField(label=_("Handover date"), widget=_date_widget())
    actual_value = _money_field(
        _("Actual value"), help_text=_("Leave empty to use the total of the items.")
    )
    handover_document = forms.FileField(
        label=_("Handover document"),
        required=False,
        help_text=_("The signed handover record: PDF, JPEG or PNG, at most 10 MB."),
    )
    handover_note = forms.CharField(
        label=_("Handover note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(TransitionForm):
    cancellation_reason = forms.CharField(
        label=_("Reason for cancellation"), widget=forms.Textarea(attrs={"rows": 2})
    )


TRANSITION_FORMS = {
    Delivery.Status.APPROVED: ApproveForm,
    Delivery.Status.DELIVERED: DeliverForm,
    Delivery.Status.VERIFIED: VerifyForm,
    Delivery.Status.CANCELLED: CancelForm,
}


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(one, initial) for one in data if one]
        return [super().clean(data, initial)] if data else []


class MonitoringVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=_date_widget())
    business_operating = forms.TypedChoiceField(
        label=_("Is the business operating?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    income_before = _money_field(_("Monthly income before the grant"))
    income_after = _money_field(_("Monthly income now"))
    income_change = forms.DecimalField(
        label=_("Change of monthly income"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("Only when the incomes before and now are not known."),
    )
    employees = forms.IntegerField(label=_("People employed"), required=False, min_value=0)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultiplePhotoField(
        label=_("Photos"), required=False, help_text=_("JPEG or PNG, at most 8 MB each.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, visit) -> dict:
        initial = {
            name: getattr(visit, name)
            for name in (
                "visited_on",
                "income_before",
                "income_after",
                "income_change",
                "employees",
                "notes",
            )
        }
        if visit.business_operating is not None:
            initial["business_operating"] = "yes" if visit.business_operating else "no"
        initial["version"] = visit.version
        return initial


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *Delivery.Status.choices]
    )
    assistance_type = AssistanceTypeField(
        label=_("Type of assistance"),
        required=False,
        queryset=AssistanceType.objects.all(),
        empty_label="—",
    )
    household = forms.CharField(label=_("Household number"), required=False, max_length=20)
