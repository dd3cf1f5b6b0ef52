"""The selection pages: a project's criteria and rankings, the criteria editor, a ranking with
what changed since the one before, and the committee's decisions."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homeward.accounts.roles import Capability
from homeward.casework.selection import selectors
from homeward.casework.selection.facts import REGISTRY_FACTS, FactType
from homeward.casework.selection.forms import (
    MORE_ROWS,
    ConditionFormSet,
    CriteriaForm,
    CriterionFormSet,
    DecisionForm,
    RunForm,
    all_fact_choices,
    rows_initial,
)
from homeward.casework.selection.models import SelectionCandidate, SelectionCriteria
from homeward.casework.selection.services import (
    RANKED_STATUSES,
    current_criteria,
    latest_run,
    may_define_criteria,
    may_rank,
    selection_criteria_create,
    selection_decide,
    selection_run,
)
from homeward.core.audit import audit_read
from homeward.core.errors import ConflictError, HomewardError, ValidationError
from homeward.core.scope import get_scoped_or_404
from homeward.programmes.models import Project
from homeward.programmes.selectors import project_get
from homeward.registry.models import Person


def _head_names(rows) -> None:
    heads = dict(
        Person.objects.filter(
            household_id__in=[row.household_id for row in rows], relationship_to_head="head"
        ).values_list("household_id", "pk")
    )
    people = {person.pk: person for person in Person.objects.filter(pk__in=heads.values())}
    for row in rows:
        head = people.get(heads.get(row.household_id))
        row.head_name = head.full_name if head else ""


def _ranking(request, run, *, failed=None) -> dict:
    """What the ranked list needs: the rows explained, and a decision form on those the actor
    may still decide on (the latest ranking's candidates and waiting list)."""
    actor = request.actor
    rows = selectors.ranked_rows(run)
    selectors.explain(rows)
    _head_names(rows)
    is_latest = latest_run(run.project) == run
    can_decide = is_latest and may_rank(actor, run.project)
    for row in rows:
        row.decidable = can_decide and row.enrolment.status in RANKED_STATUSES
        row.form_errors = []
        row.form_decision = ""
        row.form_reason = ""
        if failed is not None and failed["enrolment"] == row.enrolment_id:
            row.form_errors = failed["errors"]
            row.form_decision = failed["decision"]
            row.form_reason = failed["reason"]
    audit_read(actor=actor, target=run, action="selection_run.read")
    return {
        "run": run,
        "rows": rows,
        "is_latest": is_latest,
        "can_decide": can_decide,
        "decisions": SelectionCandidate.Decision.choices,
    }


def _project_for_rankings(request, code):
    """The project, for those who may read its rankings (a data protection officer too, who
    sees people but not the projects' pages)."""
    return get_scoped_or_404(
        Project.objects.all(), request.actor, Capability.VIEW_PERSONAL_DATA, code=code
    )


@login_required
def selection_page(request, code):
    actor = request.actor
    project = _project_for_rankings(request, code)
    # Whoever reads the rankings reads the criteria they rest on.
    versions = list(SelectionCriteria.objects.filter(project=project).order_by("-number"))
    current = versions[0] if versions else None
    run = latest_run(project)
    context = {
        "project": project,
        "versions": versions,
        "current": current,
        "conditions": selectors.rule_lines(current.conditions) if current else [],
        "criteria": selectors.rule_lines(current.criteria) if current else [],
        "runs": selectors.run_list(actor=actor, project=project)[:10],
        "can_define": may_define_criteria(actor, project),
        "can_rank": may_rank(actor, project) and current is not None,
        "run_form": RunForm(versions=versions, initial={"criteria": current and current.number}),
        "back": "selection",
    }
    if run is not None:
        context |= _ranking(request, run)
    else:
        context |= {"run": None, "rows": [], "is_latest": False, "can_decide": False}
    return render(request, "selection/selection.html", context)


@login_required
def criteria_detail(request, code, number):
    actor = request.actor
    project = project_get(actor=actor, code=code)
    version = selectors.criteria_get(actor=actor, project=project, number=number)
    return render(
        request,
        "selection/criteria_detail.html",
        {
            "project": project,
            "version": version,
            "is_current": version.is_current,
            "conditions": selectors.rule_lines(version.conditions),
            "criteria": selectors.rule_lines(version.criteria),
            "can_define": may_define_criteria(actor, project),
            "can_read_rankings": selectors.may_read_rankings(actor, project),
        },
    )


def _reference() -> list[dict]:
    """Every registry fact with its type, operators and values, for the editor's side."""
    return [
        {
            "key": fact.key,
            "label": fact.label,
            "operators": ", ".join(fact.operators),
            "values": (
                ", ".join(f"{code} ({label})" for code, label in fact.choices)
                if fact.choices
                else {
                    FactType.NUMBER: _("a number"),
                    FactType.BOOLEAN: _("yes or no"),
                    FactType.MUNICIPALITY: _("a municipality's code or name"),
                }.get(fact.type, "")
            ),
        }
        for fact in REGISTRY_FACTS
    ]


def _apply_rule_errors(error: ValidationError, form, sent) -> None:
    """Put ``conditions.0.fact``-style errors on the row and field they name; the others
    ("give at least one criterion") above the form."""
    for name, messages_ in error.message_dict.items():
        parts = name.split(".")
        rows = sent.get(parts[0], [])
        if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
            row = rows[int(parts[1])]
            field = parts[2] if len(parts) > 2 and parts[2] in row.fields else None
            for message in messages_:
                row.add_error(field, message)
            continue
        for message in messages_:
            form.add_error(None, message)


def _more_rows(data, prefix: str):
    data = data.copy()
    total = f"{prefix}-TOTAL_FORMS"
    with contextlib.suppress(ValueError):
        data[total] = str(min(int(data.get(total, 0)) + MORE_ROWS, 50))
    return data


@login_required
def criteria_new(request, code):
    actor = request.actor
    project = project_get(actor=actor, code=code)
    if not may_define_criteria(actor, project):
        raise Http404
    current = current_criteria(project)
    start = current
    if request.GET.get("from"):
        start = selectors.criteria_get(actor=actor, project=project, number=request.GET["from"])
    used = [rule["fact"] for rule in (start.conditions + start.criteria if start else [])]
    if request.method == "POST":
        used += [value for key, value in request.POST.items() if key.endswith("-fact")]
    facts = all_fact_choices(used)
    conflict = None
    if request.method == "POST":
        data = request.POST
        if "more_conditions" in data:
            data = _more_rows(data, "conditions")
        if "more_criteria" in data:
            data = _more_rows(data, "criteria")
        form = CriteriaForm(data)
        conditions = ConditionFormSet(data, prefix="conditions", form_kwargs={"facts": facts})
        criteria = CriterionFormSet(data, prefix="criteria", form_kwargs={"facts": facts})
        adding = "more_conditions" in data or "more_criteria" in data
        if not adding and form.is_valid() and conditions.is_valid() and criteria.is_valid():
            sent = {
                "conditions": [row for row in conditions if not row.is_blank],
                "criteria": [row for row in criteria if not row.is_blank],
            }
            try:
                version = selection_criteria_create(
                    actor=actor,
                    project=project,
                    conditions=[row.rule() for row in sent["conditions"]],
                    criteria=[row.rule() for row in sent["criteria"]],
                    note=form.cleaned_data["note"],
                    replaces=form.cleaned_data["replaces"],
                )
            except ConflictError as error:
                # Keep the rows typed; the next save builds on the version saved meanwhile.
                conflict = error
                data = data.copy()
                data["replaces"] = current_criteria(project).number
                form = CriteriaForm(data)
            except ValidationError as error:
                _apply_rule_errors(error, form, sent)
            else:
                messages.success(
                    request,
                    _("Version %(number)s of the selection criteria is now the current one.")
                    % {"number": version.number},
                )
                return redirect("selection-criteria", code=project.code, number=version.number)
    else:
        form = CriteriaForm(initial={"replaces": current.number if current else None})
        conditions = ConditionFormSet(
            prefix="conditions",
            initial=rows_initial(start.conditions) if start else [],
            form_kwargs={"facts": facts},
        )
        criteria = CriterionFormSet(
            prefix="criteria",
            initial=rows_initial(start.criteria) if start else [],
            form_kwargs={"facts": facts},
        )
    return render(
        request,
        "selection/criteria_new.html",
        {
            "project": project,
            "form": form,
            "conditions": conditions,
            "criteria": criteria,
            "start": start,
            "current": current,
            "conflict": conflict,
            "reference": _reference(),
        },
    )


@login_required
@require_POST
def run_start(request, code):
    actor = request.actor
    project = _project_for_rankings(request, code)
    if not may_rank(actor, project):
        raise Http404
    versions = list(SelectionCriteria.objects.filter(project=project).order_by("-number"))
    form = RunForm(request.POST, versions=versions)
    if not form.is_valid():
        messages.error(request, _("Choose a version of the criteria."))
        return redirect("selection", code=project.code)
    number = form.cleaned_data.get("criteria")
    criteria = next((v for v in versions if v.number == number), None) if number else None
    try:
        run = selection_run(actor=actor, project=project, criteria=criteria)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("selection", code=project.code)
    messages.success(
        request,
        _("%(count)s candidates ranked under version %(number)s.")
        % {"count": run.candidate_count, "number": run.criteria.number},
    )
    return redirect("selection-run", pk=run.pk)


def _run_page(request, run, *, failed=None, status=200):
    actor = request.actor
    context = {"project": run.project, "back": "run"} | _ranking(request, run, failed=failed)
    changes = []
    if run.previous_id is not None and selectors.may_read_rankings(actor, run.project):
        changes = selectors.compare_runs(run.previous, run)
    context["changes"] = changes
    context["previous"] = run.previous
    context["conditions"] = selectors.rule_lines(run.criteria.conditions)
    context["criteria"] = selectors.rule_lines(run.criteria.criteria)
    return render(request, "selection/run_detail.html", context, status=status)


@login_required
def run_detail(request, pk):
    run = selectors.run_get(actor=request.actor, pk=pk)
    return _run_page(request, run)


@login_required
@require_POST
def run_decide(request, pk):
    actor = request.actor
    run = selectors.run_get(actor=actor, pk=pk)
    if not may_rank(actor, run.project):
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        errors = [message for messages_ in form.errors.values() for message in messages_]
        enrolment = form.cleaned_data.get("enrolment") if hasattr(form, "cleaned_data") else None
        return _decision_failed(request, run, form, enrolment, errors, status=400)
    data = form.cleaned_data
    try:
        row = selection_decide(
            actor=actor,
            run=run,
            enrolment_id=data["enrolment"],
            decision=data["decision"],
            reason=data["reason"],
            expected_version=data["version"],
        )
    except ValidationError as error:
        errors = [message for messages_ in error.message_dict.values() for message in messages_]
        return _decision_failed(request, run, form, data["enrolment"], errors, status=400)
    except HomewardError as error:
        return _decision_failed(
            request, run, form, data["enrolment"], [str(error.message)], status=error.status
        )
    messages.success(
        request,
        _("%(household)s: %(decision)s.")
        % {"household": row.household.number, "decision": row.get_decision_display()},
    )
    if data.get("back") == "selection":
        target = reverse("selection", kwargs={"code": run.project.code})
    else:
        target = reverse("selection-run", kwargs={"pk": run.pk})
    return redirect(f"{target}#candidate-{row.enrolment_id}")


def _decision_failed(request, run, form, enrolment, errors, *, status):
    """The ranking again, with the errors on the candidate's row and what was typed kept."""
    failed = {
        "enrolment": enrolment,
        "errors": errors,
        "decision": form.data.get("decision", ""),
        "reason": form.data.get("reason", ""),
    }
    if enrolment is None or not run.candidates.filter(enrolment_id=enrolment).exists():
        for message in errors:
            messages.error(request, message)
    return _run_page(request, run, failed=failed, status=status)
