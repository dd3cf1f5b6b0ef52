"""The pages of referrals, the information desk log and grievances."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from homeward.accounts.roles import Capability
from homeward.casework.contacts import selectors
from homeward.casework.contacts.access import may_read_grievances
from homeward.casework.contacts.forms import (
    ContactFilterForm,
    ContactFollowUpForm,
    ContactForm,
    GrievanceCategoryForm,
    GrievanceFilterForm,
    GrievanceForm,
    GrievanceStatusForm,
    ReferralEditForm,
    ReferralFilterForm,
    ReferralForm,
    ReferralStatusForm,
)
from homeward.casework.contacts.models import Contact, Grievance, grievance_targets
from homeward.casework.contacts.services import (
    contact_record,
    contact_update,
    grievance_record,
    grievance_transition,
    grievance_update,
    may_record_referral,
    referral_create,
    referral_transition,
    referral_update,
)
from homeward.core.audit import audit_read
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.scope import require
from homeward.core.views_util import apply_errors, conflict_rows, submit_versioned
from homeward.programmes.selectors import project_list
from homeward.registry import selectors as registry
from homeward.registry.services import may_edit

C = Capability
PAGE_SIZE = 50


def _household_by_number(actor, form, text: str):
    """The household a form names by number, within the registry the actor may see; a number
    outside it is a field error that does not say whether it exists."""
    text = (text or "").strip()
    if not text:
        return None
    terms = registry.parse_query(text.upper())
    try:
        return registry.household_get(actor=actor, number=terms.household_number or text.upper())
    except Http404:
        form.add_error("household", _("No household with this number is open to you."))
        raise


# --- referrals ----------------------------------------------------------------------------


@login_required
@require_GET
def referral_list(request):
    actor = request.actor
    require(actor, C.VIEW_PERSONAL_DATA)
    today = timezone.localdate()
    projects = project_list(actor=actor)
    form = ReferralFilterForm(request.GET or None, projects=projects)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {
            "status": form.cleaned_data.get("status") or "",
            "overdue": bool(form.cleaned_data.get("overdue")),
            "project": form.cleaned_data.get("project"),
        }
    referrals = selectors.referral_list(actor=actor, today=today, **filters)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contacts/referral_list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "overdue_count": selectors.referral_list(
                actor=actor, today=today, overdue=True
            ).count(),
        },
    )


@login_required
def referral_new(request, number):
    actor = request.actor
    require(actor, C.RECORD_CASEWORK)
    household = registry.household_get(actor=actor, number=number)
    projects = project_list(actor=actor)
    form = ReferralForm(request.POST or None, household=household, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referral_create(
                actor=actor,
                household=household,
                person=data.get("person"),
                project=data.get("project"),
                receiver_name=data["receiver_name"],
                receiver_category=data["receiver_category"],
                reason=data["reason"],
                consent=data.get("consent"),
                consent_on=data.get("consent_on"),
                sent_on=data.get("sent_on"),
                follow_up_on=data.get("follow_up_on"),
                notes=data.get("notes") or "",
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The referral to %(receiver)s was recorded.")
                % {"receiver": referral.receiver_name},
            )
            return redirect("referral", pk=referral.pk)
    return render(
        request,
        "contacts/referral_new.html",
        {
            "household": household,
            "form": form,
            "can_record_consent": may_edit(actor, household),
        },
        status=400 if form.errors else 200,
    )


def _referral_page(request, referral, status_form=None, conflict=None, status=200):
    actor = request.actor
    may_record = may_record_referral(actor, referral)
    if status_form is None and may_record and referral.is_open:
        status_form = ReferralStatusForm(referral=referral, initial={"version": referral.version})
    return render(
        request,
        "contacts/referral_detail.html",
        {
            "referral": referral,
            "today": timezone.localdate(),
            "may_record": may_record,
            "status_form": status_form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, status_form) if status_form else [],
        },
        status=status,
    )


@login_required
@require_GET
def referral_detail(request, pk):
    referral = selectors.referral_get(actor=request.actor, pk=pk)
    # A referral names a family and why they need help: its reads are audited like the
    # household page's.
    audit_read(actor=request.actor, target=referral)
    return _referral_page(request, referral)


@login_required
@require_POST
def referral_status(request, pk):
    actor = request.actor
    referral = selectors.referral_get(actor=actor, pk=pk)
    if not may_record_referral(actor, referral):
        raise Http404
    form = ReferralStatusForm(request.POST, referral=referral)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral_transition(
                actor=actor,
                referral=referral,
                status=data["status"],
                expected_version=data["version"],
                on=data.get("on"),
                response=data.get("response") or "",
                outcome=data.get("outcome") or "",
                follow_up_on=data.get("follow_up_on"),
            )
        except ConflictError as error:
            current = selectors.referral_get(actor=actor, pk=pk)
            return _referral_page(request, current, form, conflict=error, status=409)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The referral is now “%(status)s”.") % {"status": referral.get_status_display()},
            )
            return redirect("referral", pk=referral.pk)
    return _referral_page(request, referral, form, status=400)


@login_required
def referral_edit(request, pk):
    actor = request.actor
    referral = selectors.referral_get(actor=actor, pk=pk)
    if not may_record_referral(actor, referral):
        raise Http404
    fields = ["receiver_name", "receiver_category", "reason", "follow_up_on", "notes"]
    initial = {name: getattr(referral, name) for name in fields} | {"version": referral.version}
    form = ReferralEditForm(request.POST or None, initial=initial)

    def save(version):
        changes = {name: form.cleaned_data[name] for name in fields}
        changes["notes"] = changes["notes"] or ""
        referral_update(actor=actor, referral=referral, expected_version=version, **changes)

    submission = submit_versioned(
        request,
        form,
        save=save,
        reread=lambda: selectors.referral_get(actor=actor, pk=pk),
        rebuild=lambda data, _current: ReferralEditForm(data, initial=initial),
    )
    if submission.saved:
        messages.success(request, _("The referral was saved."))
        return redirect("referral", pk=referral.pk)
    form, conflict = submission.form, submission.conflict
    return render(
        request,
        "contacts/referral_edit.html",
        {
            "referral": referral,
            "form": form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
    )


# --- the information desk -----------------------------------------------------------------


@login_required
def contact_list(request):
    """The desk's log, with the quick entry form of a call above it."""
    actor = request.actor
    require(actor, C.RECORD_CONTACTS)
    projects = project_list(actor=actor)
    may_link = actor.can(C.VIEW_PERSONAL_DATA)
    entry = ContactForm(
        request.POST or None,
        projects=projects,
        may_link_household=may_link,
        initial={"channel": Contact._meta.get_field("channel").choices[0][0]},
    )
    if request.method == "POST" and entry.is_valid():
        data = dict(entry.cleaned_data)
        try:
            household = _household_by_number(actor, entry, data.pop("household", ""))
        except Http404:
            household = None
        else:
            try:
                contact = contact_record(actor=actor, household=household, **data)
            except ValidationError as error:
                apply_errors(entry, error)
            else:
                messages.success(request, _("The contact was recorded."))
                if contact.follow_up_needed:
                    return redirect("contact", pk=contact.pk)
                return redirect("contacts")
    filters_form = ContactFilterForm(request.GET or None, projects=projects)
    filters = {}
    if filters_form.is_bound and filters_form.is_valid():
        filters = {
            "topic": filters_form.cleaned_data.get("topic") or "",
            "channel": filters_form.cleaned_data.get("channel") or "",
            "project": filters_form.cleaned_data.get("project"),
            "follow_up": bool(filters_form.cleaned_data.get("follow_up")),
        }
    contacts = selectors.contact_list(actor=actor, **filters)
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contacts/contact_list.html",
        {
            "entry": entry,
            "filters_form": filters_form,
            "page": page,
        },
        status=400 if entry.errors else 200,
    )


def _linked_household(actor, contact):
    """The contact's household, for those who may see it; nobody else learns there is one."""
    if contact.household_id is None or not actor.can(C.VIEW_PERSONAL_DATA):
        return None
    from homeward.casework.contacts.access import household_visible

    return contact.household if household_visible(actor, contact.household) else None


@login_required
def contact_detail(request, pk):
    actor = request.actor
    contact = selectors.contact_get(actor=actor, pk=pk)
    may_link = actor.can(C.VIEW_PERSONAL_DATA)
    household = _linked_household(actor, contact)
    initial = {
        "version": contact.version,
        "answer": contact.answer,
        "follow_up_needed": contact.follow_up_needed,
        "follow_up_on": contact.follow_up_on,
        "followed_up_on": contact.followed_up_on,
        "follow_up_notes": contact.follow_up_notes,
        "household": household.number if household else "",
    }
    form = ContactFollowUpForm(request.POST or None, initial=initial, may_link_household=may_link)
    conflict = None
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        for name in ("answer", "follow_up_notes"):
            changes[name] = changes[name] or ""
        typed = changes.pop("household", "")
        try:
            # An empty field unlinks only a household the user could see: a link made by
            # another organisation's case worker stays.
            if may_link and (typed or household is not None):
                changes["household"] = _household_by_number(actor, form, typed)
        except Http404:
            pass
        else:
            try:
                contact_update(actor=actor, contact=contact, expected_version=version, **changes)
            except ConflictError as error:
                conflict = error
                current = selectors.contact_get(actor=actor, pk=pk)
                data = request.POST.copy()
                data["version"] = current.version
                form = ContactFollowUpForm(data, initial=initial, may_link_household=may_link)
                form.is_valid()
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The contact was saved."))
                return redirect("contact", pk=contact.pk)
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "household": household,
            "form": form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
        status=409 if conflict else (400 if form.errors else 200),
    )


# --- grievances ---------------------------------------------------------------------------


def _require_grievances(actor) -> None:
    if not may_read_grievances(actor):
        raise Http404


@login_required
@require_GET
def grievance_list(request):
    actor = request.actor
    _require_grievances(actor)
    today = timezone.localdate()
    projects = project_list(actor=actor)
    form = GrievanceFilterForm(request.GET or None, projects=projects)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {
            "status": form.cleaned_data.get("status") or "",
            "category": form.cleaned_data.get("category") or "",
            "project": form.cleaned_data.get("project"),
            "overdue": bool(form.cleaned_data.get("overdue")),
        }
    grievances = selectors.grievance_list(actor=actor, today=today, **filters)
    page = Paginator(grievances, PAGE_SIZE).get_page(request.GET.get("page"))
    acknowledge_days, resolve_days = grievance_targets()
    return render(
        request,
        "contacts/grievance_list.html",
        {
            "form": form,
            "page": page,
            "times": selectors.response_times(grievances),
            "acknowledge_days": acknowledge_days,
            "resolve_days": resolve_days,
        },
    )


@login_required
def grievance_new(request):
    actor = request.actor
    _require_grievances(actor)
    may_link = actor.can(C.VIEW_PERSONAL_DATA)
    projects = project_list(actor=actor)
    form = GrievanceForm(request.POST or None, projects=projects, may_link_household=may_link)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            household = _household_by_number(actor, form, data.pop("household", ""))
        except Http404:
            pass
        else:
            try:
                grievance = grievance_record(actor=actor, household=household, **data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if selectors.grievance_list(actor=actor, today=timezone.localdate()).filter(
                    pk=grievance.pk
                ):
                    messages.success(
                        request,
                        _("Grievance %(reference)s was recorded.")
                        % {"reference": grievance.reference},
                    )
                    return redirect("grievance", pk=grievance.pk)
                messages.success(
                    request,
                    _(
                        "Grievance %(reference)s was recorded and passed to the managers, who "
                        "alone handle sensitive grievances."
                    )
                    % {"reference": grievance.reference},
                )
                return redirect("grievances")
    return render(
        request,
        "contacts/grievance_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _grievance_page(
    request, grievance, status_form=None, conflict=None, status=200, category_form=None
):
    if status_form is None and grievance.status != Grievance.Status.RESOLVED:
        status_form = GrievanceStatusForm(
            grievance=grievance, initial={"version": grievance.version}
        )
    return render(
        request,
        "contacts/grievance_detail.html",
        {
            "grievance": grievance,
            "household": _linked_household(request.actor, grievance),
            "today": timezone.localdate(),
            "status_form": status_form,
            "category_form": category_form
            or GrievanceCategoryForm(
                initial={"version": grievance.version, "category": grievance.category}
            ),
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, status_form) if status_form else [],
        },
        status=status,
    )


@login_required
@require_GET
def grievance_detail(request, pk):
    return _grievance_page(request, selectors.grievance_get(actor=request.actor, pk=pk))


@login_required
@require_POST
def grievance_status(request, pk):
    actor = request.actor
    grievance = selectors.grievance_get(actor=actor, pk=pk)
    form = GrievanceStatusForm(request.POST, grievance=grievance)
    if form.is_valid():
        data = form.cleaned_data
        try:
            grievance_transition(
                actor=actor,
                grievance=grievance,
                status=data["status"],
                expected_version=data["version"],
                on=data.get("on"),
                resolution_kind=data.get("resolution_kind") or "",
                resolution=data.get("resolution") or "",
            )
        except ConflictError as error:
            current = selectors.grievance_get(actor=actor, pk=pk)
            return _grievance_page(request, current, form, conflict=error, status=409)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Grievance %(reference)s is now “%(status)s”.")
                % {"reference": grievance.reference, "status": grievance.get_status_display()},
            )
            return redirect("grievance", pk=grievance.pk)
    return _grievance_page(request, grievance, form, status=400)


@login_required
@require_POST
def grievance_category(request, pk):
    """Reclassify a grievance: a complaint that turns out to be about misconduct becomes
    sensitive, and from then on only managers see it."""
    actor = request.actor
    grievance = selectors.grievance_get(actor=actor, pk=pk)
    form = GrievanceCategoryForm(request.POST)
    if form.is_valid():
        try:
            grievance_update(
                actor=actor,
                grievance=grievance,
                expected_version=form.cleaned_data["version"],
                category=form.cleaned_data["category"],
            )
        except ConflictError as error:
            current = selectors.grievance_get(actor=actor, pk=pk)
            return _grievance_page(request, current, conflict=error, status=409, category_form=form)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if selectors.grievance_list(actor=actor, today=timezone.localdate()).filter(
                pk=grievance.pk
            ):
                messages.success(request, _("The grievance was saved."))
                return redirect("grievance", pk=grievance.pk)
            messages.success(
                request,
                _("Grievance %(reference)s was passed to the managers.")
                % {"reference": grievance.reference},
            )
            return redirect("grievances")
    return _grievance_page(request, grievance, status=400, category_form=form)
