"""The assistance pages: a project's deliveries, planning one for a household, a delivery with
its life cycle, grant monitoring visits and the catalogue."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from homeward.accounts.roles import Capability
from homeward.casework.assistance import selectors
from homeward.casework.assistance.forms import (
    TRANSITION_FORMS,
    DeliveryEditForm,
    DeliveryFilterForm,
    DeliveryItemFormSet,
    DeliveryPlanForm,
    MonitoringVisitForm,
    filled_rows,
    items_from,
)
from homeward.casework.assistance.models import Delivery
from homeward.casework.assistance.services import (
    allowed_transitions,
    delivery_plan,
    delivery_transition,
    delivery_update,
    may_record,
    monitoring_visit_record,
)
from homeward.casework.common import project_in_scope
from homeward.core.audit import audit_read
from homeward.core.errors import ConflictError, TransitionNotAllowed, ValidationError
from homeward.core.models import AuditEvent
from homeward.core.views_util import apply_errors, conflict_rows, submit_versioned
from homeward.registry import selectors as registry
from homeward.registry.models import Household

PAGE_SIZE = 50


def _apply_item_errors(form, formset, error: ValidationError) -> None:
    """``items.<index>.<field>`` errors go to that row of the items."""
    if not hasattr(error, "error_dict"):
        apply_errors(form, error)
        return
    filled = filled_rows(formset) if formset.is_bound else []
    rest = {}
    for field, texts in error.message_dict.items():
        if field.startswith("items."):
            _prefix, index, name = field.split(".", 2)
            row = filled[int(index)] if int(index) < len(filled) else None
            for text in texts:
                if row is not None:
                    row.add_error(name if name in row.fields else None, text)
                else:
                    form.add_error(None, text)
        else:
            rest[field] = texts
    if rest:
        apply_errors(form, ValidationError(rest))


@login_required
@require_GET
def assistance_type_list_view(request):
    types = selectors.assistance_type_list(actor=request.actor)
    return render(request, "assistance/type_list.html", {"types": types})


@login_required
@require_GET
def project_deliveries(request, code):
    actor = request.actor
    project = selectors.project_for_deliveries(actor=actor, code=code)
    form = DeliveryFilterForm(request.GET or None)
    criteria = form.cleaned_data if form.is_bound and form.is_valid() else {}
    deliveries = selectors.delivery_list(
        actor=actor,
        project=project,
        status=criteria.get("status"),
        assistance_type=criteria.get("assistance_type"),
    )
    number = (criteria.get("household") or "").strip().upper()
    if number:
        deliveries = deliveries.filter(household__number=number)
    totals = selectors.delivery_totals(deliveries)
    page = Paginator(deliveries.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "assistance/project_deliveries.html",
        {
            "project": project,
            "form": form,
            "page": page,
            "totals": totals,
            "can_plan": project_in_scope(actor, project, Capability.RECORD_CASEWORK),
        },
    )


def _plannable_household(actor, number: str) -> Household | None:
    try:
        return registry.household_get(actor=actor, number=number.strip().upper())
    except Http404:
        return None


@login_required
def delivery_plan_view(request, code):
    actor = request.actor
    project = selectors.project_for_deliveries(actor=actor, code=code)
    if not project_in_scope(actor, project, Capability.RECORD_CASEWORK):
        raise Http404
    number = (request.POST.get("household") or request.GET.get("household") or "").strip()
    household = _plannable_household(actor, number) if number else None
    members = registry.household_members(household) if household else []
    form = DeliveryPlanForm(
        request.POST or None, members=members, initial={"household": number, "quantity": 1}
    )
    formset = DeliveryItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        if household is None:
            form.add_error("household", _("No household with this number is open to you."))
        else:
            data = form.delivery_data()
            data.pop("household")
            try:
                delivery = delivery_plan(
                    actor=actor,
                    project=project,
                    household=household,
                    items=items_from(formset),
                    **data,
                )
            except ValidationError as error:
                _apply_item_errors(form, formset, error)
            else:
                messages.success(request, _("The delivery was planned."))
                return redirect("delivery", pk=delivery.pk)
    return render(
        request,
        "assistance/delivery_plan.html",
        {"project": project, "household": household, "form": form, "formset": formset},
        status=400 if form.errors or formset.total_error_count() else 200,
    )


def _items_initial(delivery) -> list[dict]:
    return [
        {"description": item.description, "quantity": item.quantity, "unit_value": item.unit_value}
        for item in delivery.items.all()
    ]


@login_required
def delivery_edit(request, pk):
    actor = request.actor
    delivery = selectors.delivery_get(actor=actor, pk=pk)
    if not may_record(actor, delivery):
        raise Http404
    if delivery.status != Delivery.Status.PLANNED:
        messages.error(request, _("Only a planned delivery can be changed."))
        return redirect("delivery", pk=delivery.pk)
    members = registry.household_members(delivery.household)
    initial = {
        "assistance_type": delivery.assistance_type,
        "person": delivery.person_id,
        "quantity": delivery.quantity,
        "planned_value": delivery.planned_value,
        "planned_on": delivery.planned_on,
        "note": delivery.note,
        "version": delivery.version,
    }
    kwargs = {"members": members, "current_type": delivery.assistance_type}
    form = DeliveryEditForm(request.POST or None, initial=initial, **kwargs)
    formset = DeliveryItemFormSet(
        request.POST or None, prefix="items", initial=_items_initial(delivery)
    )
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.delivery_data()
        version = data.pop("version")
        try:
            delivery_update(
                actor=actor,
                delivery=delivery,
                expected_version=version,
                items=items_from(formset),
                **data,
            )
        except ConflictError as error:
            conflict = error
            current = selectors.delivery_get(actor=actor, pk=pk)
            post = request.POST.copy()
            post["version"] = current.version
            form = DeliveryEditForm(post, initial=initial, **kwargs)
            form.is_valid()
        except ValidationError as error:
            _apply_item_errors(form, formset, error)
        else:
            messages.success(request, _("The delivery was saved."))
            return redirect("delivery", pk=delivery.pk)
    return render(
        request,
        "assistance/delivery_edit.html",
        {
            "delivery": delivery,
            "form": form,
            "formset": formset,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
        status=409 if conflict else (400 if form.errors or formset.total_error_count() else 200),
    )


def _transition_forms(actor, delivery, bound=None) -> list:
    """One form per step ``actor`` may take now, the one just sent keeping what was typed."""
    forms = []
    for status in allowed_transitions(actor, delivery):
        if bound is not None and bound.initial.get("status") == status:
            forms.append(bound)
            continue
        initial = {"status": status, "version": delivery.version}
        if status == Delivery.Status.DELIVERED:
            initial["actual_value"] = delivery.items_total
        form = TRANSITION_FORMS[status](initial=initial, prefix=status)
        forms.append(form)
    return forms


def _history(delivery) -> list[tuple]:
    """The delivery's audit rows with their changes as (field, before, after): a change list
    are listed in Python: a template cannot tell a field called ``items`` from ``dict.items``."""
    visit_ids = [str(pk) for pk in delivery.monitoring_visits.values_list("pk", flat=True)]
    events = (
        AuditEvent.objects.filter(
            Q(target_type="assistance.delivery", target_id=str(delivery.pk))
            | Q(target_type="assistance.monitoringvisit", target_id__in=visit_ids)
        )
        .exclude(action__endswith="read")
        .select_related("actor")[:50]
    )
    rows = []
    for event in events:
        changes = [
            (name, change.get("before"), change.get("after"))
            if isinstance(change, dict)
            else (name, None, change)
            for name, change in sorted(event.changes.items())
        ]
        rows.append((event, changes))
    return rows


def _delivery_page(request, delivery, *, bound=None, status=200, refusal=""):
    actor = request.actor
    forms = _transition_forms(actor, delivery, bound)
    return render(
        request,
        "assistance/delivery_detail.html",
        {
            "delivery": delivery,
            "items": list(delivery.items.all()),
            "items_total": delivery.items_total,
            "visits": list(
                selectors.monitoring_visit_list(actor=actor, delivery=delivery).prefetch_related(
                    "photos"
                )
            ),
            "transition_forms": [(form.initial["status"], form) for form in forms],
            "can_edit": delivery.status == Delivery.Status.PLANNED and may_record(actor, delivery),
            "can_record_visits": may_record(actor, delivery),
            "history": _history(delivery),
            "today": timezone.localdate(),
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_GET
def delivery_detail(request, pk):
    actor = request.actor
    delivery = selectors.delivery_get(actor=actor, pk=pk)
    audit_read(actor=actor, target=delivery)
    return _delivery_page(request, delivery)


@login_required
@require_POST
def delivery_transition_view(request, pk):
    actor = request.actor
    delivery = selectors.delivery_get(actor=actor, pk=pk)
    status = request.POST.get("status", "")
    if status not in TRANSITION_FORMS:
        raise Http404
    form = TRANSITION_FORMS[status](
        request.POST, request.FILES, prefix=status, initial={"status": status}
    )
    if not form.is_valid():
        return _delivery_page(request, delivery, bound=form, status=400)
    fields = dict(form.cleaned_data)
    fields.pop("status")
    version = fields.pop("version")
    try:
        delivery_transition(
            actor=actor, delivery=delivery, status=status, expected_version=version, **fields
        )
    except ConflictError as error:
        messages.error(request, str(error.message))
        return redirect("delivery", pk=delivery.pk)
    except TransitionNotAllowed as error:
        # The step may not be among those offered any more (somebody took another): the
        # refusal stands above the page rather than on a form that is not there.
        return _delivery_page(request, delivery, status=409, refusal=str(error.message))
    except ValidationError as error:
        apply_errors(form, error)
        return _delivery_page(request, delivery, bound=form, status=400)
    messages.success(
        request,
        _("The delivery is now “%(status)s”.") % {"status": delivery.get_status_display()},
    )
    return redirect("delivery", pk=delivery.pk)


def _file_response(stored, download_name: str):
    try:
        handle = stored.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    content_type = mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    return FileResponse(
        handle, as_attachment=True, filename=download_name, content_type=content_type
    )


@login_required
@require_GET
def delivery_document(request, pk):
    actor = request.actor
    delivery = selectors.delivery_get(actor=actor, pk=pk)
    if not delivery.handover_document:
        raise Http404
    audit_read(actor=actor, target=delivery, action="delivery.document_read")
    name = PurePosixPath(delivery.handover_document.name).name
    return _file_response(delivery.handover_document, name)


@login_required
def monitoring_visit_view(request, pk):
    actor = request.actor
    visit = selectors.monitoring_visit_get(actor=actor, pk=pk)
    delivery = visit.delivery
    if not may_record(actor, delivery):
        raise Http404
    form = MonitoringVisitForm(
        request.POST or None, request.FILES or None, initial=MonitoringVisitForm.initial_for(visit)
    )

    def save(version):
        findings = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        monitoring_visit_record(actor=actor, visit=visit, expected_version=version, **findings)

    submission = submit_versioned(
        request,
        form,
        save=save,
        reread=lambda: selectors.monitoring_visit_get(actor=actor, pk=pk),
        rebuild=lambda data, _current: MonitoringVisitForm(
            data, initial=MonitoringVisitForm.initial_for(visit)
        ),
    )
    if submission.saved:
        messages.success(request, _("The monitoring visit was recorded."))
        return redirect("delivery", pk=delivery.pk)
    form, conflict = submission.form, submission.conflict
    return render(
        request,
        "assistance/monitoring_visit.html",
        {
            "visit": visit,
            "delivery": delivery,
            "photos": list(visit.photos.all()),
            "form": form,
            "conflict": conflict,
            "conflict_rows": conflict_rows(conflict, form),
        },
        status=409 if conflict else (400 if form.errors else 200),
    )


@login_required
@require_GET
def monitoring_photo(request, pk):
    actor = request.actor
    photo = selectors.monitoring_photo_get(actor=actor, pk=pk)
    audit_read(actor=actor, target=photo.visit.delivery, action="delivery.photo_read")
    return _file_response(photo.image, PurePosixPath(photo.image.name).name)
