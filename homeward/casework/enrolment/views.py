"""The pages of enrolment: enrolling from the household page, a step of an enrolment, an
enrolment with its steps, and a project's enrolments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homeward.accounts.roles import Capability
from homeward.casework.enrolment import selectors
from homeward.casework.enrolment.forms import EnrolForm, TransitionForm
from homeward.casework.enrolment.models import Enrolment
from homeward.casework.enrolment.services import (
    enrolment_create,
    enrolment_transition,
    next_statuses,
)
from homeward.core.audit import audit_read
from homeward.core.errors import ConflictError, TransitionNotAllowed, ValidationError
from homeward.core.scope import require
from homeward.core.views_util import apply_errors
from homeward.programmes.models import Project
from homeward.registry.selectors import household_get, household_members

PAGE_SIZE = 50


def enrolling_projects(actor):
    """The projects in which ``actor`` records casework: where they may enrol."""
    scope = actor.scope(Capability.RECORD_CASEWORK)
    projects = Project.objects.order_by("-start_date", "code")
    return projects if scope.is_global else projects.filter(pk__in=scope.project_ids)


def enrol_form(actor, household, data=None) -> EnrolForm:
    return EnrolForm(
        data,
        projects=enrolling_projects(actor),
        members=household_members(household),
        prefix="enrol",
    )


def transition_form(actor, enrolment, data=None) -> TransitionForm | None:
    statuses = next_statuses(actor, enrolment)
    if not statuses:
        return None
    return TransitionForm(
        data,
        statuses=statuses,
        initial={"version": enrolment.version},
        prefix=f"step-{enrolment.pk}",
    )


@login_required
def enrolment_new(request, number):
    actor = request.actor
    require(actor, Capability.RECORD_CASEWORK)
    household = household_get(actor=actor, number=number)
    form = enrol_form(actor, household, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = enrolment_create(
                actor=actor,
                project=form.cleaned_data["project"],
                household=household,
                person=form.chosen_person(),
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Enrolled in %(project)s as a candidate.") % {"project": enrolment.project.code},
            )
            return redirect("household", number=household.number)
    return render(request, "enrolment/enrol.html", {"household": household, "form": form})


@login_required
def enrolment_detail(request, pk):
    actor = request.actor
    enrolment = selectors.enrolment_get(actor=actor, pk=pk)
    # It names a person and what was decided about them: reading it is audited.
    audit_read(actor=actor, target=enrolment)
    return _detail(request, enrolment, transition_form(actor, enrolment))


def _detail(request, enrolment, form, conflict=None, status=200):
    return render(
        request,
        "enrolment/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "steps": selectors.enrolment_steps(enrolment),
            "form": form,
            "conflict": conflict,
        },
        status=status,
    )


@login_required
@require_POST
def enrolment_step(request, pk):
    actor = request.actor
    enrolment = selectors.enrolment_get(actor=actor, pk=pk)
    form = transition_form(actor, enrolment, request.POST)
    if form is None:
        raise Http404
    conflict = None
    if form.is_valid():
        try:
            enrolment_transition(
                actor=actor,
                enrolment=enrolment,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            # Somebody recorded a step meanwhile: show the enrolment as it is now, keeping
            # what this person typed, to decide again knowingly.
            conflict = error
            enrolment = selectors.enrolment_get(actor=actor, pk=pk)
            data = request.POST.copy()
            data[form.add_prefix("version")] = enrolment.version
            form = transition_form(actor, enrolment, data)
            if form is not None:
                form.is_valid()
        except TransitionNotAllowed as error:
            form.add_error("status", str(error.message))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The enrolment is now “%(status)s”.")
                % {"status": enrolment.get_status_display()},
            )
            # Back to the household page when the step was taken there.
            if request.POST.get("back") == "household":
                return redirect("household", number=enrolment.household.number)
            return redirect("enrolment", pk=enrolment.pk)
    return _detail(request, enrolment, form, conflict=conflict)


@login_required
def project_enrolments(request, code):
    actor = request.actor
    # The list names people: who may not see them in this project finds no list at all.
    project = selectors.project_of_people(actor=actor, code=code)
    status = request.GET.get("status", "")
    if status not in Enrolment.Status.values:
        status = ""
    enrolments = selectors.enrolment_list(actor=actor, project=project, status=status).order_by(
        "-status_on", "household__number", "pk"
    )
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enrolment/project_enrolments.html",
        {
            "project": project,
            "page": page,
            "status": status,
            "statuses": Enrolment.Status.choices,
        },
    )
