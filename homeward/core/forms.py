from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    target_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    target_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    organisation = forms.SlugField(label=_("Organisation code"), required=False, max_length=40)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in self.cleaned_data.items()
            if value not in ("", None)
        }
