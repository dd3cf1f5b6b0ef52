from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.programmes.models import Project


class ProjectEditForm(forms.ModelForm):
    # The version the person read; a save over a newer one is refused as a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Project
        fields = ["title", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The project cannot end before it starts."))
        return cleaned

    def _post_clean(self):
        # The service validates and saves; the form must not write into the instance.
        pass
