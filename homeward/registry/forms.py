"""Forms of the registry pages. They parse what people type; the services decide what is valid."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.geo.models import Area
from homeward.geo.selectors import MUNICIPALITY_KINDS
from homeward.registry.models import (
    WASHINGTON_GROUP_DOMAINS,
    Accommodation,
    Consent,
    Difficulty,
    DisplacementStatus,
    IdentityDocument,
    Relationship,
    ReturnIntention,
    Sex,
    Vulnerability,
)

_YEAR = re.compile(r"^\s*(\d{4})\s*\.?\s*$")
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})\s*\.?\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_birth(text: str) -> tuple[date | None, bool]:
    """ "1985" (a year only, estimated), "12.03.1985", "12/03/1985" or "1985-03-12".

    Raises ValueError for anything else."""
    text = (text or "").strip()
    if not text:
        return None, False
    if match := _YEAR.match(text):
        return date(int(match.group(1)), 1, 1), True
    if match := _DAY_FIRST.match(text):
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day), False
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day), False
    raise ValueError(text)


class BirthField(forms.CharField):
    """A date of birth, or only the year: cleans to ``(date, estimated)``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "help_text", _("Day.month.year, for example 12.03.1985, or only the year: 1985.")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, tuple):
            born, estimated = value
            if born is None:
                return ""
            return str(born.year) if estimated else born.strftime("%d.%m.%Y")
        return value

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_birth(value)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a date. Write day.month.year, or only the year."),
                params={"value": value},
            ) from None


class MunicipalityChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "—")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, area):
        return area.full_name


def _areas():
    return (
        Area.objects.filter(kind__in=MUNICIPALITY_KINDS, is_active=True)
        .select_related("parent")
        .order_by("kind", "name_sr_latn")
    )


class RegistrySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=120,
        help_text=_("A name in any script, a JMBG, a phone number or a household number."),
    )
    show = forms.ChoiceField(
        label=_("Show"),
        choices=[("people", _("People")), ("households", _("Households"))],
        required=False,
    )
    municipality = MunicipalityChoiceField(
        queryset=Area.objects.none(), required=False, label=_("Current municipality")
    )
    displacement_status = forms.ChoiceField(
        label=_("Displacement status"),
        choices=[("", "—"), *DisplacementStatus.choices],
        required=False,
    )
    project = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Project"), to_field_name="code", empty_label="—"
    )
    vulnerability = forms.ChoiceField(
        label=_("Vulnerability"), choices=[("", "—"), *Vulnerability.choices], required=False
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["municipality"].queryset = _areas()

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "municipality": data.get("municipality"),
            "displacement_status": data.get("displacement_status") or "",
            "project": data.get("project"),
            "vulnerability": data.get("vulnerability") or "",
        }


class HouseholdForm(forms.Form):
    current_municipality = MunicipalityChoiceField(
        queryset=Area.objects.none(), label=_("Current municipality")
    )
    current_settlement = forms.CharField(
        label=_("Current settlement"), required=False, max_length=120
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    accommodation = forms.ChoiceField(
        label=_("Accommodation"), choices=[("", "—"), *Accommodation.choices]
    )
    origin_municipality = MunicipalityChoiceField(
        queryset=Area.objects.none(), required=False, label=_("Municipality of origin")
    )
    origin_settlement = forms.CharField(
        label=_("Village or town of origin"), required=False, max_length=120
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    return_intention = forms.ChoiceField(
        label=_("Intention to return"),
        choices=[("", "—"), *ReturnIntention.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["current_municipality"].queryset = _areas()
        self.fields["origin_municipality"].queryset = _areas()


class HouseholdEditForm(HouseholdForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RegistrationForm(HouseholdForm):
    """The household part of the registration page, with who registers it and consent."""

    organisation = forms.ModelChoiceField(
        queryset=None, label=_("Registered by"), to_field_name="code"
    )
    project = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Project"), to_field_name="code", empty_label="—"
    )
    consent_purposes = forms.MultipleChoiceField(
        label=_("Consent given by the head of household for"),
        choices=Consent.Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_given_on = forms.DateField(
        label=_("Consent given on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    duplicate_reason = forms.CharField(
        label=_("Why register anyway?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed only when likely duplicates are shown above."),
    )

    field_order = ["organisation", "project"]

    def __init__(self, *args, organisations, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["project"].queryset = projects
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first().code


class PersonForm(forms.Form):
    # Shown first; the vulnerability and functioning questions follow, folded away.
    MAIN_FIELDS = (
        "relationship_to_head",
        "first_name",
        "father_name",
        "last_name",
        "sex",
        "date_of_birth",
        "national_id",
        "phone",
        "displacement_status",
    )
    FLAG_FIELDS = ("chronic_illness", "single_parent", "older_person_alone", "unaccompanied_child")
    WG_FIELDS = tuple(name for name, _label in WASHINGTON_GROUP_DOMAINS)

    relationship_to_head = forms.ChoiceField(
        label=_("Relationship to the head"), choices=[("", "—"), *Relationship.choices]
    )
    first_name = forms.CharField(label=_("First name"), max_length=80)
    father_name = forms.CharField(label=_("Father's name"), max_length=80, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    date_of_birth = BirthField(label=_("Date of birth"), required=False)
    national_id = forms.CharField(label=_("JMBG"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    displacement_status = forms.ChoiceField(
        label=_("Displacement status"), choices=[("", "—"), *DisplacementStatus.choices]
    )
    chronic_illness = forms.BooleanField(label=_("Chronic illness"), required=False)
    single_parent = forms.BooleanField(label=_("Single parent"), required=False)
    older_person_alone = forms.BooleanField(label=_("Older person living alone"), required=False)
    unaccompanied_child = forms.BooleanField(label=_("Unaccompanied child"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in WASHINGTON_GROUP_DOMAINS:
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=[("", "—"), *Difficulty.choices],
                coerce=int,
                empty_value=None,
                required=False,
            )

    def person_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        born, estimated = data.pop("date_of_birth") or (None, False)
        data["date_of_birth"] = born
        data["date_of_birth_estimated"] = estimated
        return data

    @staticmethod
    def initial_for(person) -> dict:
        initial = {name: getattr(person, name) for name in PersonEditForm.base_fields}
        initial["date_of_birth"] = (person.date_of_birth, person.date_of_birth_estimated)
        for name, _label in WASHINGTON_GROUP_DOMAINS:
            initial[name] = getattr(person, name)
        initial["version"] = person.version
        return initial


class PersonEditForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MemberForm(PersonForm):
    """One member row on the registration page; an untouched extra row is skipped."""


MemberFormSet = forms.formset_factory(MemberForm, extra=0, min_num=1, validate_min=True)


class DuplicateReasonForm(forms.Form):
    duplicate_reason = forms.CharField(
        label=_("Why register anyway?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveForm(forms.Form):
    to_household = forms.CharField(label=_("Move to household number"), max_length=20)
    relationship_to_head = forms.ChoiceField(
        label=_("Relationship to that household's head"),
        choices=[("", "—"), *Relationship.choices],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SplitForm(forms.Form):
    people = forms.MultipleChoiceField(
        label=_("Who leaves to form the new household"), widget=forms.CheckboxSelectMultiple
    )
    new_head = forms.ChoiceField(label=_("Head of the new household"))
    current_municipality = MunicipalityChoiceField(
        queryset=Area.objects.none(),
        required=False,
        label=_("Where the new household lives"),
        help_text=_("Leave empty if it stays in the same municipality."),
    )
    current_settlement = forms.CharField(
        label=_("Current settlement"), required=False, max_length=120
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=200)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (str(person.pk), person.full_name)
            for person in members
            if person.relationship_to_head != Relationship.HEAD
        ]
        self.fields["people"].choices = choices
        self.fields["new_head"].choices = [("", "—"), *choices]
        self.fields["current_municipality"].queryset = _areas()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_head") and cleaned["new_head"] not in cleaned.get("people", []):
            self.add_error("new_head", _("The new head must be one of the people who leave."))
        return cleaned


class ChangeHeadForm(forms.Form):
    """Who becomes head, and every member's relationship to them: each relationship is to the
    head, so each one changes with the head."""

    new_head = forms.ChoiceField(label=_("New head of household"))
    previous_head_relationship = forms.ChoiceField(
        label=_("The previous head becomes"),
        choices=[("", "—"), *[c for c in Relationship.choices if c[0] != Relationship.HEAD]],
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        others = [person for person in members if person.relationship_to_head != Relationship.HEAD]
        self.fields["new_head"].choices = [("", "—")] + [
            (str(person.pk), person.full_name) for person in others
        ]
        choices = [c for c in Relationship.choices if c[0] != Relationship.HEAD]
        for person in others:
            self.fields[f"relationship_{person.pk}"] = forms.ChoiceField(
                label=_("%(name)s becomes (ignored for the new head)") % {"name": person.full_name},
                choices=[("", "—"), *choices],
                initial=person.relationship_to_head,
                required=False,
            )

    def relationships(self) -> dict[int, str]:
        return {
            int(name.removeprefix("relationship_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("relationship_") and value
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=IdentityDocument.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=IdentityDocument.Status.choices)
    number = forms.CharField(label=_("Number"), required=False, max_length=40)
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    given_on = forms.DateField(
        label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
