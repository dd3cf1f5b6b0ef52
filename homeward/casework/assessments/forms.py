"""The assessment form, built from the template's definition in the page's language.

Questions that apply only after some answer are shown with a note saying when to answer them
(the pages run no script); the service drops an answer given to a question that does not
apply, and asks for a required one only where it applies. So the fields check little here:
the service checks every answer and names the question at fault.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.casework.assessments.definition import (
    conditions_of,
    describe_condition,
    localised,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
NO_ANSWER = ("", _("No answer"))


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Date of the assessment"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    person = forms.TypedChoiceField(
        label=_("About one member only"), required=False, coerce=int, empty_value=None
    )
    project = forms.ChoiceField(label=_("For project"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, template, members, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["assessed_on"].initial = timezone.localdate()
        self.fields["person"].choices = [("", _("The whole household"))] + [
            (member.pk, member.full_name) for member in members
        ]
        self.project_by_code = {project.code: project for project in projects}
        self.fields["project"].choices = [("", "—")] + [
            (project.code, f"{project.code} · {project.localised_title}") for project in projects
        ]
        for question in template.questions:
            self.fields[question["code"]] = self._field(question)

    def _field(self, question: dict) -> forms.Field:
        conditional = bool(conditions_of(question))
        label = localised(question["label"])
        help_parts = [str(_("Required."))] if question.get("required") else []
        if question.get("help"):
            help_parts.append(localised(question["help"]))
        if conditional:
            help_parts.append(describe_condition(question, self.template.definition))
        options = {"label": label, "required": False, "help_text": " ".join(help_parts)}
        kind = question["type"]
        optional = conditional or not question.get("required")
        if kind in ("yes_no", "single_choice"):
            choices = (
                YES_NO
                if kind == "yes_no"
                else [(c["value"], localised(c["label"])) for c in question["choices"]]
            )
            return forms.ChoiceField(
                choices=([NO_ANSWER] if optional else []) + list(choices),
                widget=forms.RadioSelect,
                **options,
            )
        if kind == "multiple_choice":
            return forms.MultipleChoiceField(
                choices=[(c["value"], localised(c["label"])) for c in question["choices"]],
                widget=forms.CheckboxSelectMultiple,
                **options,
            )
        if kind == "number":
            attrs = {"step": "1" if question.get("integer") else "any", "inputmode": "decimal"}
            for bound in ("min", "max"):
                if question.get(bound) is not None:
                    attrs[bound] = question[bound]
            return forms.CharField(widget=forms.NumberInput(attrs=attrs), **options)
        if kind == "date":
            return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **options)
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **options)

    @staticmethod
    def initial_for(assessment) -> dict:
        """The form's values for a recorded assessment."""
        initial = {
            "assessed_on": assessment.assessed_on,
            "person": assessment.person_id,
            "project": assessment.project.code if assessment.project else "",
            "version": assessment.version,
        }
        for code, value in assessment.answers.items():
            if isinstance(value, bool):
                value = "yes" if value else "no"
            initial[code] = value
        return initial

    def answers(self) -> dict:
        """What was answered, keyed by question code, as the service takes it."""
        given = {}
        for question in self.template.questions:
            value = self.cleaned_data.get(question["code"])
            if value in (None, "", []):
                continue
            given[question["code"]] = value
        return given

    def chosen_project(self):
        return self.project_by_code.get(self.cleaned_data.get("project") or "")

    def sections(self) -> list[tuple[str, list]]:
        """The questions as the template groups them: (section title, bound fields)."""
        return [
            (
                localised(section["title"]),
                [self[question["code"]] for question in section["questions"]],
            )
            for section in self.template.definition["sections"]
        ]
