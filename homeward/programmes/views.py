from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from homeward.accounts.roles import Capability
from homeward.core.scope import require
from homeward.programmes.selectors import project_get
from homeward.programmes.selectors import project_list as select_projects


@login_required
def project_list(request):
    require(request.actor, Capability.VIEW_PROJECTS)
    return render(
        request, "programmes/project_list.html", {"projects": select_projects(actor=request.actor)}
    )


@login_required
def project_detail(request, code):
    project = project_get(actor=request.actor, code=code)
    return render(request, "programmes/project_detail.html", {"project": project})
