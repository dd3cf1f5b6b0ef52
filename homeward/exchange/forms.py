"""Forms of the exchange pages: the upload of a people import and the mapping of its columns."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# An upload larger than this is not a partner's list but a mistake (a photo archive, a backup).
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
ACCEPTED = ".csv,.txt,.xlsx"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8, Windows-1250 or Windows-1251; comma or semicolon), XLSX, or a Kobo / "
            "ODK XLSX export. One row per person."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )
    project = forms.ModelChoiceField(
        queryset=None,
        label=_("Project"),
        to_field_name="code",
        help_text=_("The imported people are enrolled in this project as candidates."),
    )
    organisation = forms.ModelChoiceField(
        queryset=None, label=_("On behalf of"), to_field_name="code"
    )

    def __init__(self, *args, projects, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            # Nothing to choose: the one organisation is taken.
            self.fields["organisation"].required = False
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it into several imports.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class ColumnMappingForm(forms.Form):
    """One choice per header of the file: the field it holds, or left out."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", _("— leave this column out —"))] + [
            (field.name, f"{field.label} ({field.name})") for field in fields
        ]
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(column without a header)"),
                choices=choices,
                required=False,
                initial=mapping.get(header, ""),
            )
            self.fields[f"column_{index}"].recognised = bool(mapping.get(header))

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}") or ""
            for index, header in enumerate(self.headers)
        }

    def clean(self):
        data = super().clean()
        chosen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            field = data.get(f"column_{index}")
            if not field:
                continue
            if field in chosen:
                self.add_error(
                    f"column_{index}",
                    _("“%(other)s” already holds this field: choose another or leave one out.")
                    % {"other": chosen[field]},
                )
            chosen[field] = header
        return data
