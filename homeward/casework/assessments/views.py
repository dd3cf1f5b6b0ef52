"""The assessment pages: record one from the household page, read it, correct it, and the
templates with their questions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from homeward.accounts.roles import Capability
from homeward.casework.assessments import selectors
from homeward.casework.assessments.definition import (
    clean_answers,
    conditions_of,
    describe_condition,
    display_answer,
    localised,
)
from homeward.casework.assessments.forms import AssessmentForm
from homeward.casework.assessments.services import (
    assessment_record,
    assessment_update,
    may_edit,
    may_record,
)
from homeward.casework.common import household_member, project_in_scope
from homeward.casework.enrolment.models import Enrolment
from homeward.core.audit import audit_read
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.scope import require
from homeward.core.views_util import apply_errors
from homeward.programmes.models import Project
from homeward.registry import selectors as registry
from homeward.registry.models import Household


def _projects_for(actor, household: Household) -> list[Project]:
    """The projects the household is in and the actor records casework in."""
    enrolled = Enrolment.objects.filter(household=household).values("project")
    projects = Project.objects.filter(pk__in=enrolled)
    if household.project_id:
        projects = projects | Project.objects.filter(pk=household.project_id)
    return [
        project
        for project in projects.distinct().order_by("code")
        if project_in_scope(actor, project, Capability.RECORD_CASEWORK)
    ]


def _form(request, template, household, assessment=None, data=None):
    initial = AssessmentForm.initial_for(assessment) if assessment else None
    projects = _projects_for(request.actor, household)
    if assessment is not None and assessment.project and assessment.project not in projects:
        projects.append(assessment.project)
    form = AssessmentForm(
        data,
        initial=initial,
        template=template,
        members=registry.household_members(household),
        projects=projects,
    )
    if assessment is not None:
        form.fields["project"].disabled = True
        form.fields["project"].help_text = _(
            "The project an assessment was recorded for does not change."
        )
    return form


@login_required
def assessment_record_view(request, number, code):
    actor = request.actor
    require(actor, Capability.RECORD_CASEWORK)
    household = registry.household_get(actor=actor, number=number)
    if not may_record(actor, household):
        raise Http404
    template = selectors.active_template(code)
    if template is None:
        raise Http404
    form = _form(request, template, household, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_record(
                actor=actor,
                template=template,
                household=household,
                answers=form.answers(),
                assessed_on=form.cleaned_data["assessed_on"],
                project=form.chosen_project(),
                person=household_member(household, form.cleaned_data.get("person")),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The assessment was recorded."))
            return redirect("assessment", pk=assessment.pk)
    return render(
        request,
        "assessments/assessment_form.html",
        {"form": form, "household": household, "template": template, "assessment": None},
    )


def _conflict_rows(template, current, given: dict) -> list[tuple[str, str]]:
    """The answers the other person saved that differ from what this person entered."""
    rows = []
    for question in template.questions:
        code = question["code"]
        saved = current.answers.get(code)
        if saved != given.get(code):
            rows.append((localised(question["label"]), display_answer(question, saved)))
    return rows


@login_required
def assessment_edit(request, pk):
    actor = request.actor
    assessment = selectors.assessment_get(actor=actor, pk=pk)
    if not may_edit(actor, assessment):
        raise Http404
    household = assessment.household
    template = assessment.template
    form = _form(request, template, household, assessment, data=request.POST or None)
    # An edit must say which version it read, or a save could overwrite a newer one unseen.
    form.fields["version"].required = True
    conflict, conflict_rows = None, []
    if request.method == "POST" and form.is_valid():
        try:
            assessment_update(
                actor=actor,
                assessment=assessment,
                expected_version=form.cleaned_data.get("version"),
                answers=form.answers(),
                assessed_on=form.cleaned_data["assessed_on"],
                person=household_member(household, form.cleaned_data.get("person")),
            )
        except ConflictError as error:
            # Keep what this person entered, show what the other saved, and let them save
            # again knowingly over the version they have now seen.
            conflict = error
            current = selectors.assessment_get(actor=actor, pk=pk)
            try:
                given = clean_answers(template.definition, form.answers())
            except ValidationError:
                given = form.answers()
            conflict_rows = _conflict_rows(template, current, given)
            data = request.POST.copy()
            data["version"] = current.version
            form = _form(request, template, household, current, data=data)
            form.is_valid()
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The assessment was saved."))
            return redirect("assessment", pk=assessment.pk)
    return render(
        request,
        "assessments/assessment_form.html",
        {
            "form": form,
            "household": household,
            "template": template,
            "assessment": assessment,
            "conflict": conflict,
            "conflict_rows": conflict_rows,
        },
    )


@login_required
@require_GET
def assessment_detail(request, pk):
    actor = request.actor
    assessment = selectors.assessment_get(actor=actor, pk=pk)
    audit_read(actor=actor, target=assessment)
    template = assessment.template
    sections = []
    for section in template.definition["sections"]:
        rows = [
            (localised(question["label"]), display_answer(question, assessment.answers[code]))
            for question in section["questions"]
            if (code := question["code"]) in assessment.answers
        ]
        points = (assessment.scores.get("sections") or {}).get(section["code"])
        sections.append({"title": localised(section["title"]), "rows": rows, "points": points})
    criteria = []
    if template.is_durable_solutions:
        criteria = list(
            zip(template.criterion_labels(), assessment.criterion_scores(), strict=True)
        )
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "template": template,
            "sections": sections,
            "criteria": criteria,
            "can_edit": may_edit(actor, assessment),
        },
    )


@login_required
@require_GET
def template_list(request):
    templates = selectors.template_list(actor=request.actor)
    return render(
        request,
        "assessments/template_list.html",
        {"templates": [_described(template) for template in templates]},
    )


def _described(template) -> dict:
    """A template with its sections and questions in the page's language."""
    sections = []
    for section in template.definition["sections"]:
        questions = []
        for question in section["questions"]:
            choices = [
                (localised(choice["label"]), choice.get("score"))
                for choice in question.get("choices") or []
            ]
            questions.append(
                {
                    "code": question["code"],
                    "label": localised(question["label"]),
                    "type": question["type"],
                    "required": bool(question.get("required")),
                    "choices": choices,
                    "criterion": question.get("criterion"),
                    "condition": describe_condition(question, template.definition)
                    if conditions_of(question)
                    else "",
                }
            )
        sections.append({"title": localised(section["title"]), "questions": questions})
    return {"template": template, "sections": sections}
