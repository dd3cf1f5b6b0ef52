from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from homeward.accounts.roles import Capability
from homeward.casework.panels import project_panels
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.scope import require
from homeward.core.views_util import apply_errors
from homeward.programmes.forms import ProjectEditForm
from homeward.programmes.selectors import project_get
from homeward.programmes.selectors import project_list as select_projects
from homeward.programmes.services import can_manage_projects_of, project_update


@login_required
def project_list(request):
    require(request.actor, Capability.VIEW_PROJECTS)
    return render(
        request, "programmes/project_list.html", {"projects": select_projects(actor=request.actor)}
    )


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
    form = ProjectEditForm(
        request.POST or None, instance=project, initial={"version": project.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in ProjectEditForm.Meta.fields}
        try:
            project_update(
                actor=actor,
                project=project,
                expected_version=form.cleaned_data["version"],
                **changes,
            )
        except ConflictError as error:
            # Keep what this person typed, show what the other saved, and let them save
            # again knowingly over the version they have now seen.
            conflict = error
            current = project_get(actor=actor, code=code)
            data = request.POST.copy()
            data["version"] = current.version
            form = ProjectEditForm(data, instance=current)
            form.is_valid()
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("project", code=project.code)
    return render(
        request,
        "programmes/project_edit.html",
        {"project": project, "form": form, "conflict": conflict},
    )
