"""The results framework pages: the tree of a project's objective, outcomes, outputs and
indicators, and the forms that build it. The figures themselves are the dashboard's pages."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from homeward.core.errors import ValidationError
from homeward.core.views_util import apply_errors, conflict_rows, submit_versioned
from homeward.results import selectors
from homeward.results.forms import (
    IndicatorEditForm,
    IndicatorForm,
    ManualValueForm,
    ResultForm,
    TargetForm,
    indicator_initial,
)
from homeward.results.models import IndicatorTarget
from homeward.results.rules import describe_rule, validate_rule
from homeward.results.services import (
    RESULT_FIELDS,
    indicator_create,
    indicator_update,
    manual_value_record,
    result_create,
    result_delete,
    result_update,
    target_delete,
    target_set,
)


def _rule_words(rule) -> str:
    """The rule in words beside the form, when it is a rule (a refused one has none)."""
    if not rule:
        return ""
    try:
        validate_rule(rule)
    except ValidationError:
        return ""
    return describe_rule(rule)


def _rule_json(rule) -> str:
    return json.dumps(rule, ensure_ascii=False) if rule else ""


def _indicator_form_page(request, project, form, **context):
    rule = form.rule_chosen()
    return render(
        request,
        "results/framework_indicator_form.html",
        {
            "project": project,
            "form": form,
            "rule_words": _rule_words(rule),
            "rule_json": _rule_json(rule),
            "previewed": "preview" in request.POST,
            **context,
        },
    )


def _saving(form, save):
    """Call a service, its refusal of the rule said on the rule's field."""
    try:
        return save()
    except ValidationError as error:
        raise form.rule_error(error) from error


@login_required
@require_GET
def framework(request, code):
    actor = request.actor
    project = selectors.project_for_framework(actor=actor, code=code)
    results = selectors.framework(project)
    for result in results:
        for indicator in result.indicator_list:
            indicator.rule_words = describe_rule(indicator.rule)
            targets = sorted(indicator.targets.all(), key=lambda t: (t.end, t.pk))
            indicator.final_target = targets[-1].value if targets else None
    return render(
        request,
        "results/framework.html",
        {
            "project": project,
            "results": results,
            "can_manage": selectors.can_manage(actor, project),
        },
    )


@login_required
def result_new(request, code):
    actor = request.actor
    project = selectors.project_for_framework(actor=actor, code=code, manage=True)
    initial = {"level": request.GET.get("level", ""), "parent": request.GET.get("parent")}
    form = ResultForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = result_create(actor=actor, project=project, **form.result_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(code)s was added.") % {"code": result.code})
            return redirect("results-framework", code=project.code)
    return render(request, "results/framework_result_form.html", {"project": project, "form": form})


@login_required
def result_edit(request, code, pk):
    actor = request.actor
    project = selectors.project_for_framework(actor=actor, code=code, manage=True)
    result = selectors.result_get(actor=actor, project=project, pk=pk)
    initial = {name: getattr(result, name) for name in RESULT_FIELDS}
    form = ResultForm(request.POST or None, project=project, exclude=result, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result_update(actor=actor, result=result, **form.result_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(code)s was saved.") % {"code": result.code})
            return redirect("results-framework", code=project.code)
    return render(
        request,
        "results/framework_result_form.html",
        {"project": project, "form": form, "result": result},
    )


@login_required
@require_POST
def result_remove(request, code, pk):
    actor = request.actor
    project = selectors.project_for_framework(actor=actor, code=code, manage=True)
    result = selectors.result_get(actor=actor, project=project, pk=pk)
    try:
        result_delete(actor=actor, result=result)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(code)s was deleted.") % {"code": result.code})
    return redirect("results-framework", code=project.code)


@login_required
def indicator_new(request, code):
    actor = request.actor
    project = selectors.project_for_framework(actor=actor, code=code, manage=True)
    initial = {"result": request.GET.get("result"), "age_bands": ""}
    form = IndicatorForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            indicator = _saving(
                form,
                lambda: indicator_create(actor=actor, project=project, **form.indicator_data()),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _saved(request, _("%(code)s was added.") % {"code": indicator.code}, indicator)
            return redirect("results-indicator", code=project.code, pk=indicator.pk)
    elif "preview" in request.POST:
        form.is_valid()
    return _indicator_form_page(request, project, form)


def _saved(request, text: str, indicator) -> None:
    if indicator.rule:
        text += " " + _("It is measured as: %(words)s.") % {"words": describe_rule(indicator.rule)}
    messages.success(request, text)


@login_required
def indicator_edit(request, code, pk):
    actor = request.actor
    project = selectors.project_for_framework(actor=actor, code=code, manage=True)
    indicator = selectors.indicator_get(actor=actor, project=project, pk=pk)
    initial = indicator_initial(indicator)
    form = IndicatorEditForm(request.POST or None, project=project, initial=initial)
    if "preview" in request.POST:
        form.is_valid()
        return _indicator_form_page(request, project, form, indicator=indicator)
    submission = submit_versioned(
        request,
        form,
        save=lambda version: _saving(
            form,
            lambda: indicator_update(
                actor=actor, indicator=indicator, expected_version=version, **form.indicator_data()
            ),
        ),
        reread=lambda: selectors.indicator_get(actor=actor, project=project, pk=pk),
        rebuild=lambda data, _current: IndicatorEditForm(data, project=project, initial=initial),
    )
    if submission.saved:
        _saved(request, _("%(code)s was saved.") % {"code": indicator.code}, indicator)
        return redirect("results-indicator", code=project.code, pk=indicator.pk)
    form, conflict = submission.form, submission.conflict
    return _indicator_form_page(
        request,
        project,
        form,
        indicator=indicator,
        conflict=conflict,
        conflict_rows=conflict_rows(conflict, form),
    )


def _indicator_page(request, project, indicator, *, target_form=None, value_form=None):
    actor = request.actor
    can_manage = selectors.can_manage(actor, project)
    return render(
        request,
        "results/framework_indicator.html",
        {
            "project": project,
            "indicator": indicator,
            "rule_words": describe_rule(indicator.rule),
            "rule_json": _rule_json(indicator.rule),
            "targets": selectors.targets(indicator),
            "manual_values": selectors.manual_values(indicator),
            "can_manage": can_manage,
            "target_form": target_form or (TargetForm() if can_manage else None),
            "value_form": value_form
            or (ManualValueForm() if can_manage and not indicator.rule else None),
        },
    )


@login_required
@require_GET
def indicator_detail(request, code, pk):
    project = selectors.project_for_framework(actor=request.actor, code=code)
    indicator = selectors.indicator_get(actor=request.actor, project=project, pk=pk)
    return _indicator_page(request, project, indicator)


@login_required
@require_POST
def indicator_target(request, code, pk):
    actor = request.actor
    project = selectors.project_for_framework(actor=actor, code=code, manage=True)
    indicator = selectors.indicator_get(actor=actor, project=project, pk=pk)
    if "delete" in request.POST:
        target = IndicatorTarget.objects.filter(
            indicator=indicator, pk=request.POST.get("delete")
        ).first()
        if target is not None:
            target_delete(actor=actor, target=target)
            messages.success(request, _("The target was deleted."))
        return redirect("results-indicator", code=project.code, pk=indicator.pk)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            target_set(actor=actor, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The target was saved."))
            return redirect("results-indicator", code=project.code, pk=indicator.pk)
    return _indicator_page(request, project, indicator, target_form=form)


@login_required
@require_POST
def indicator_value(request, code, pk):
    actor = request.actor
    project = selectors.project_for_framework(actor=actor, code=code, manage=True)
    indicator = selectors.indicator_get(actor=actor, project=project, pk=pk)
    form = ManualValueForm(request.POST)
    if form.is_valid():
        try:
            manual_value_record(actor=actor, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            if indicator.rule:  # the page offers no value form for it: say why here
                for message in error.messages:
                    messages.error(request, message)
                return redirect("results-indicator", code=project.code, pk=indicator.pk)
            apply_errors(form, error)
        else:
            messages.success(request, _("The value was recorded."))
            return redirect("results-indicator", code=project.code, pk=indicator.pk)
    return _indicator_page(request, project, indicator, value_form=form)
