"""The activity pages: a project's activities and materials, an activity with its sessions and
participants, and a session with its attendance."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from homeward.accounts.roles import Capability
from homeward.casework.activities import selectors
from homeward.casework.activities.forms import (
    ActivityEditForm,
    ActivityForm,
    AttendanceForm,
    CompleteForm,
    EnrolForm,
    MaterialEditForm,
    MaterialForm,
    OtherParticipantsFormSet,
    PersonSearchForm,
    SessionEditForm,
    SessionForm,
    SessionStatusForm,
    other_participants_rows,
)
from homeward.casework.activities.models import Attendance, Session
from homeward.casework.activities.services import (
    ACTIVITY_FIELDS,
    MATERIAL_FIELDS,
    SESSION_FIELDS,
    activity_create,
    activity_update,
    attendance_remove,
    attendance_share,
    material_create,
    material_update,
    may_record,
    meets_rule,
    participant_complete,
    participant_enrol,
    session_attendance_record,
    session_create,
    session_transition,
    session_update,
)
from homeward.core.errors import ConflictError, TransitionNotAllowed, ValidationError
from homeward.core.views_util import apply_errors, conflict_rows, submit_versioned
from homeward.registry.selectors import person_search

SEARCH_RESULTS = 20


def _recordable_activity(actor, pk):
    activity = selectors.activity_get(actor=actor, pk=pk)
    if not may_record(actor, activity.project):
        raise Http404
    return activity


def _recordable_session(actor, pk):
    session = selectors.session_get(actor=actor, pk=pk)
    if not may_record(actor, session.activity.project):
        raise Http404
    return session


def _search(actor, request, exclude_ids):
    """People found by the search box of the page, those already listed left out."""
    form = PersonSearchForm(request.GET or None)
    found = []
    form.searched = False
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        form.searched = True
        found = [
            person
            for person in person_search(actor=actor, query=form.cleaned_data["q"])[
                : SEARCH_RESULTS + len(exclude_ids)
            ]
            if person.pk not in exclude_ids
        ][:SEARCH_RESULTS]
    return form, found


# --- a project's activities ---------------------------------------------------------------


@login_required
@require_GET
def activity_list(request, code):
    actor = request.actor
    project = selectors.project_for(
        actor=actor, code=code, capability=Capability.VIEW_PERSONAL_DATA
    )
    return render(
        request,
        "activities/activity_list.html",
        {
            "project": project,
            "activities": selectors.activity_list(actor=actor, project=project),
            "can_record": may_record(actor, project),
        },
    )


@login_required
def activity_new(request, code):
    actor = request.actor
    project = selectors.project_for(actor=actor, code=code, capability=Capability.RECORD_CASEWORK)
    form = ActivityForm(
        request.POST or None,
        initial={"planned_start": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_create(actor=actor, project=project, **form.activity_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The activity was recorded."))
            return redirect("activity", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"project": project, "form": form})


@login_required
def activity_edit(request, pk):
    actor = request.actor
    activity = _recordable_activity(actor, pk)
    initial = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    initial["version"] = activity.version
    form = ActivityEditForm(request.POST or None, initial=initial)
    submission = submit_versioned(
        request,
        form,
        save=lambda version: activity_update(
            actor=actor, activity=activity, expected_version=version, **form.activity_data()
        ),
        reread=lambda: selectors.activity_get(actor=actor, pk=pk),
        rebuild=lambda data, _current: ActivityEditForm(data, initial=initial),
    )
    if submission.saved:
        messages.success(request, _("The activity was saved."))
        return redirect("activity", pk=activity.pk)
    form, conflict = submission.form, submission.conflict
    return render(
        request,
        "activities/activity_form.html",
        {
            "project": activity.project,
            "activity": activity,
            "form": form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
    )


@login_required
@require_GET
def activity_detail(request, pk):
    actor = request.actor
    activity = selectors.activity_get(actor=actor, pk=pk)
    sessions, rows = selectors.attendance_grid(activity)
    can_record = may_record(actor, activity.project)
    search_form, found = (None, [])
    if can_record:
        search_form, found = _search(actor, request, {row.participant.person_id for row in rows})
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "project": activity.project,
            "sessions": sessions,
            "rows": rows,
            "can_record": can_record,
            "search_form": search_form,
            "found": found,
        },
    )


@login_required
@require_POST
def participant_enrol_view(request, pk):
    actor = request.actor
    activity = _recordable_activity(actor, pk)
    form = EnrolForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        participant = participant_enrol(
            actor=actor, activity=activity, person=form.cleaned_data["person"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(name)s takes part in the activity.") % {"name": participant.person.full_name},
        )
    return redirect("activity", pk=activity.pk)


@login_required
def participant_complete_view(request, pk, person_id):
    actor = request.actor
    activity = _recordable_activity(actor, pk)
    participant = selectors.participant_get(actor=actor, activity=activity, person_id=person_id)
    if participant.is_completed:
        raise Http404
    form = CompleteForm(
        request.POST or None,
        initial={"completed_on": timezone.localdate(), "version": participant.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            participant_complete(
                actor=actor,
                participant=participant,
                expected_version=form.cleaned_data["version"],
                completed_on=form.cleaned_data["completed_on"],
                certificate_number=form.cleaned_data["certificate_number"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except ConflictError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s completed the activity.") % {"name": participant.person.full_name},
            )
            return redirect("activity", pk=activity.pk)
    attended, counted = attendance_share(participant)
    return render(
        request,
        "activities/participant_complete.html",
        {
            "activity": activity,
            "participant": participant,
            "form": form,
            "attended": attended,
            "counted": counted,
            "meets_rule": meets_rule(participant),
        },
    )


# --- sessions -----------------------------------------------------------------------------


@login_required
def session_new(request, pk):
    actor = request.actor
    activity = _recordable_activity(actor, pk)
    form = SessionForm(request.POST or None, initial={"place": activity.venue})
    if request.method == "POST" and form.is_valid():
        try:
            session = session_create(actor=actor, activity=activity, **form.session_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The session was planned."))
            return redirect("activity-session", pk=session.pk)
    return render(request, "activities/session_form.html", {"activity": activity, "form": form})


@login_required
def session_edit(request, pk):
    actor = request.actor
    session = _recordable_session(actor, pk)
    initial = {name: getattr(session, name) for name in SESSION_FIELDS}
    initial["version"] = session.version
    form = SessionEditForm(request.POST or None, initial=initial)
    submission = submit_versioned(
        request,
        form,
        save=lambda version: session_update(
            actor=actor, session=session, expected_version=version, **form.session_data()
        ),
        reread=lambda: selectors.session_get(actor=actor, pk=pk),
        rebuild=lambda data, _current: SessionEditForm(data, initial=initial),
    )
    if submission.saved:
        messages.success(request, _("The session was saved."))
        return redirect("activity-session", pk=session.pk)
    form, conflict = submission.form, submission.conflict
    return render(
        request,
        "activities/session_form.html",
        {
            "activity": session.activity,
            "session": session,
            "form": form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
    )


def _session_page(request, session, *, formset=None, status=200):
    actor = request.actor
    attendances = list(selectors.session_attendances(session))
    can_record = may_record(actor, session.activity.project)
    today = timezone.localdate()
    can_attend = can_record and session.status == Session.Status.HELD and session.date <= today
    search_form, found = (None, [])
    if can_attend:
        search_form, found = _search(actor, request, {a.person_id for a in attendances})
    others = list(selectors.session_other_participants(session))
    return render(
        request,
        "activities/session_detail.html",
        {
            "session": session,
            "activity": session.activity,
            "attendances": attendances,
            "others": others,
            "others_women": sum(row.women for row in others),
            "others_men": sum(row.men for row in others),
            "can_record": can_record,
            "can_attend": can_attend,
            "can_mark_held": can_record
            and session.status == Session.Status.PLANNED
            and session.date <= today,
            "can_cancel": can_record and session.status == Session.Status.PLANNED,
            "search_form": search_form,
            "found": found,
            "formset": formset or OtherParticipantsFormSet(prefix="others"),
        },
        status=status,
    )


@login_required
@require_GET
def session_detail(request, pk):
    session = selectors.session_get(actor=request.actor, pk=pk)
    return _session_page(request, session)


@login_required
@require_POST
def session_status(request, pk):
    actor = request.actor
    session = _recordable_session(actor, pk)
    form = SessionStatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("activity-session", pk=session.pk)
    try:
        session_transition(
            actor=actor,
            session=session,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except (ConflictError, TransitionNotAllowed) as error:
        messages.error(request, error.message)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The session is now “%(status)s”.") % {"status": session.get_status_display()},
        )
    return redirect("activity-session", pk=session.pk)


@login_required
@require_POST
def session_attendance(request, pk):
    actor = request.actor
    session = _recordable_session(actor, pk)
    people = AttendanceForm(request.POST)
    formset = OtherParticipantsFormSet(request.POST, prefix="others")
    if not people.is_valid():
        raise Http404
    if formset.is_valid():
        try:
            session_attendance_record(
                actor=actor,
                session=session,
                people=people.cleaned_data["people"],
                others=other_participants_rows(formset),
            )
        except ValidationError as error:
            _apply_others_errors(formset, error)
            for field, field_messages in error.message_dict.items():
                if not field.startswith("others."):
                    for message in field_messages:
                        messages.error(request, message)
        else:
            messages.success(request, _("The attendance was recorded."))
            return redirect("activity-session", pk=session.pk)
    return _session_page(request, session, formset=formset, status=400)


def _apply_others_errors(formset, error: ValidationError) -> None:
    """Errors named ``others.<i>.<field>`` go to the i-th filled-in row of the formset."""
    filled = [
        form
        for form in formset.forms
        if form.cleaned_data
        and any(
            form.cleaned_data.get(name) not in (None, "")
            for name in ("category", "organisation_name", "women", "men")
        )
    ]
    for field, field_messages in error.message_dict.items():
        if not field.startswith("others."):
            continue
        _prefix, index, name = field.split(".", 2)
        for message in field_messages:
            filled[int(index)].add_error(name, message)


@login_required
@require_POST
def attendance_remove_view(request, pk):
    actor = request.actor
    attendance = (
        Attendance.objects.select_related("session", "session__activity", "person")
        .filter(pk=pk)
        .first()
    )
    if attendance is None:
        raise Http404
    session = _recordable_session(actor, attendance.session_id)
    selectors.participant_get(
        actor=actor, activity=session.activity, person_id=attendance.person_id
    )
    attendance_remove(actor=actor, attendance=attendance)
    messages.success(
        request,
        _("%(name)s was struck from the session.") % {"name": attendance.person.full_name},
    )
    return redirect("activity-session", pk=session.pk)


# --- information materials ----------------------------------------------------------------


@login_required
@require_GET
def material_list(request, code):
    actor = request.actor
    project = selectors.project_for(actor=actor, code=code, capability=Capability.VIEW_PROJECTS)
    return render(
        request,
        "activities/material_list.html",
        {
            "project": project,
            "materials": selectors.material_list(actor=actor, project=project),
            "people_reached": selectors.people_reached(project),
            "can_record": may_record(actor, project),
        },
    )


@login_required
def material_new(request, code):
    actor = request.actor
    project = selectors.project_for(actor=actor, code=code, capability=Capability.RECORD_CASEWORK)
    form = MaterialForm(request.POST or None, initial={"period_start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            material_create(actor=actor, project=project, **form.material_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The material was recorded."))
            return redirect("information-materials", code=project.code)
    return render(request, "activities/material_form.html", {"project": project, "form": form})


@login_required
def material_edit(request, pk):
    actor = request.actor
    material = selectors.material_get(actor=actor, pk=pk)
    if not may_record(actor, material.project):
        raise Http404
    initial = {name: getattr(material, name) for name in MATERIAL_FIELDS}
    initial["municipalities"] = list(material.municipalities.all())
    initial["version"] = material.version
    form = MaterialEditForm(request.POST or None, initial=initial)
    submission = submit_versioned(
        request,
        form,
        save=lambda version: material_update(
            actor=actor, material=material, expected_version=version, **form.material_data()
        ),
        reread=lambda: selectors.material_get(actor=actor, pk=pk),
        rebuild=lambda data, _current: MaterialEditForm(data, initial=initial),
    )
    if submission.saved:
        messages.success(request, _("The material was saved."))
        return redirect("information-materials", code=material.project.code)
    form, conflict = submission.form, submission.conflict
    return render(
        request,
        "activities/material_form.html",
        {
            "project": material.project,
            "material": material,
            "form": form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
    )
