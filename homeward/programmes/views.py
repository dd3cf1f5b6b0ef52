from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.casework.panels import project_panels
from homeward.core.errors import ValidationError
from homeward.core.scope import require
from homeward.core.views_util import apply_errors, conflict_rows, submit_versioned
from homeward.programmes.forms import ProjectEditForm, ProjectNewForm
from homeward.programmes.selectors import project_get
from homeward.programmes.selectors import project_list as select_projects
from homeward.programmes.services import (
    can_manage_projects_of,
    municipalities_resolve,
    project_create,
    project_update,
)


def _lead_choices(actor):
    """The organisations whose projects ``actor`` may define."""
    scope = actor.scope(Capability.MANAGE_PROJECTS)
    organisations = Organisation.objects.filter(is_active=True).exclude(
        kind=Organisation.Kind.DONOR
    )
    if not scope.is_global:
        organisations = organisations.filter(pk__in=scope.organisation_ids)
    return organisations.order_by("name")


def _changes(form) -> dict:
    """The form's changes with the places it names resolved (an unknown one is refused)."""
    changes = form.changes()
    changes["municipalities"] = municipalities_resolve(changes["municipalities"])
    return changes


def _save(form, save) -> bool:
    """``save(**changes)`` with the places resolved; errors land on the form."""
    try:
        save(**_changes(form))
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


@login_required
def project_list(request):
    require(request.actor, Capability.VIEW_PROJECTS)
    actor = request.actor
    return render(
        request,
        "programmes/project_list.html",
        {
            "projects": select_projects(actor=actor),
            "can_create": actor.can(Capability.MANAGE_PROJECTS) and _lead_choices(actor).exists(),
        },
    )


@login_required
def project_new(request):
    actor = request.actor
    lead_choices = _lead_choices(actor)
    if not actor.can(Capability.MANAGE_PROJECTS) or not lead_choices.exists():
        raise Http404
    initial = {"lead_organisation": lead_choices.first().code} if lead_choices.count() == 1 else {}
    form = ProjectNewForm(request.POST or None, lead_choices=lead_choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = []

        def create(**changes):
            created.append(project_create(actor=actor, code=form.cleaned_data["code"], **changes))

        if _save(form, create):
            messages.success(request, _("The project was created."))
            return redirect("project", code=created[0].code)
    return render(request, "programmes/project_new.html", {"form": form})


@login_required
def project_detail(request, code):
    project = project_get(actor=request.actor, code=code)
    can_edit = can_manage_projects_of(request.actor, project.lead_organisation)
    return render(
        request,
        "programmes/project_detail.html",
        {
            "project": project,
            "can_edit": can_edit,
            "casework_panels": project_panels(request=request, project=project),
        },
    )


@login_required
def project_edit(request, code):
    actor = request.actor
    project = project_get(actor=actor, code=code)
    if not can_manage_projects_of(actor, project.lead_organisation):
        raise Http404
    lead_choices = _lead_choices(actor)
    form = ProjectEditForm(
        request.POST or None,
        lead_choices=lead_choices,
        initial=ProjectEditForm.initial_for(project),
    )
    submission = submit_versioned(
        request,
        form,
        save=lambda version: project_update(
            actor=actor, project=project, expected_version=version, **_changes(form)
        ),
        reread=lambda: project_get(actor=actor, code=code),
        rebuild=lambda data, current: ProjectEditForm(
            data, lead_choices=lead_choices, initial=ProjectEditForm.initial_for(current)
        ),
    )
    if submission.saved:
        messages.success(request, _("The project was saved."))
        return redirect("project", code=project.code)
    form, conflict = submission.form, submission.conflict
    return render(
        request,
        "programmes/project_edit.html",
        {
            "project": project,
            "form": form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
    )
