"""Planning, approving, handing over and verifying assistance, and recording the monitoring
visits of grants.

Who does what: case workers (``RECORD_CASEWORK``) plan, change while planned, record the
handover and the monitoring visits; approval and verification are for those who manage the
project (``MANAGE_PROJECTS``: project managers and M&E officers), because they commit and
account for the project's money. Either may cancel before the handover. Whoever records a
handover does not verify it too: verification is a second pair of eyes.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.models import Organisation
from homeward.accounts.roles import Capability
from homeward.casework.assistance.models import (
    AssistanceType,
    Delivery,
    DeliveryItem,
    MonitoringPhoto,
    MonitoringVisit,
)
from homeward.casework.common import (
    acting_organisation,
    check_transition,
    household_in_scope,
    project_in_scope,
)
from homeward.casework.enrolment.selectors import beneficiary_enrolment
from homeward.core.actors import Actor
from homeward.core.audit import audit_record, diff, snapshot
from homeward.core.concurrency import save_versioned
from homeward.core.errors import ConflictError, ValidationError
from homeward.core.scope import scoped
from homeward.core.services import NothingChanged, service
from homeward.programmes.models import Project
from homeward.registry.models import Household, Person

# What an upload may be, recognised by its first bytes rather than by the name it was sent
# with: a renamed executable is not a PDF.
DOCUMENT_SIGNATURES = {b"%PDF-": "PDF", b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}
PHOTO_SIGNATURES = {b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS_PER_VISIT = 10

_MONEY_LIMIT = Decimal("9999999999.99")


# --- who may ------------------------------------------------------------------------------


def may_record(actor: Actor, delivery: Delivery) -> bool:
    return project_in_scope(actor, delivery.project, Capability.RECORD_CASEWORK)


def may_manage(actor: Actor, delivery: Delivery) -> bool:
    return project_in_scope(actor, delivery.project, Capability.MANAGE_PROJECTS)


def allowed_transitions(actor: Actor, delivery: Delivery) -> list[str]:
    """The statuses ``actor`` may move ``delivery`` to now: what the page offers as buttons."""
    S = Delivery.Status
    possible = []
    for status in Delivery.TRANSITIONS.get(delivery.status, ()):
        if status in (S.APPROVED, S.VERIFIED):
            permitted = may_manage(actor, delivery)
        elif status == S.CANCELLED:
            permitted = may_record(actor, delivery) or may_manage(actor, delivery)
        else:
            permitted = may_record(actor, delivery)
        if permitted:
            possible.append(status)
    return possible


def _require_visible(actor: Actor, delivery: Delivery) -> None:
    """Nobody acts on a delivery they cannot read (an administrator manages projects but sees
    no names)."""
    visible = scoped(Delivery.objects.filter(pk=delivery.pk), actor, Capability.VIEW_PERSONAL_DATA)
    if not visible.exists():
        raise Http404


def _require(actor: Actor, delivery: Delivery, *, record=False, manage=False) -> None:
    """``record`` and ``manage`` both: either capability will do."""
    _require_visible(actor, delivery)
    permitted = (record and may_record(actor, delivery)) or (manage and may_manage(actor, delivery))
    if not permitted:
        raise Http404


# --- cleaning -----------------------------------------------------------------------------


def _money(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors[field] = _("Enter an amount, for example 1250.50.")
        return None
    if not amount.is_finite():
        errors[field] = _("Enter an amount, for example 1250.50.")
        return None
    if amount < 0:
        errors[field] = _("The amount cannot be negative.")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors[field] = _("Give the amount with at most two decimals.")
        return None
    if amount > _MONEY_LIMIT:
        errors[field] = _("The amount is too large.")
        return None
    return amount


def _quantity(value, field: str, errors: dict) -> Decimal | None:
    amount = _money(value, field, errors)
    if amount is not None and amount <= 0:
        errors[field] = _("The quantity must be more than zero.")
        return None
    return amount


def _check_currency(project: Project, currency: str | None, errors: dict) -> str:
    if currency and currency != project.currency:
        errors["currency"] = _(
            "Values in project %(project)s are recorded in %(currency)s, not %(given)s."
        ) % {"project": project.code, "currency": project.currency, "given": currency}
    return project.currency


def _clean_items(items, errors: dict) -> list[dict] | None:
    """``[{description, quantity, unit_value}, …]`` checked row by row; errors are named
    ``items.<index>.<field>``. None: the items are not being changed."""
    if items is None:
        return None
    cleaned = []
    for index, item in enumerate(items):
        row_errors: dict = {}
        description = (item.get("description") or "").strip()
        if not description:
            row_errors["description"] = _("Describe the item.")
        elif len(description) > 200:
            row_errors["description"] = _("Keep the description under 200 characters.")
        quantity = _quantity(item.get("quantity"), "quantity", row_errors)
        if quantity is None and "quantity" not in row_errors:
            row_errors["quantity"] = _("Give the quantity.")
        unit_value = _money(item.get("unit_value"), "unit_value", row_errors)
        if unit_value is None and "unit_value" not in row_errors:
            row_errors["unit_value"] = _("Give the value of one.")
        for name, message in row_errors.items():
            errors[f"items.{index}.{name}"] = message
        if not row_errors:
            cleaned.append(
                {"description": description, "quantity": quantity, "unit_value": unit_value}
            )
    return cleaned


def _check_beneficiary(project, household, person, errors: dict) -> None:
    if beneficiary_enrolment(project=project, household=household, person=person) is None:
        errors["household"] = _(
            "Household %(number)s is not selected or active in project %(project)s: "
            "assistance goes only to the project's beneficiaries."
        ) % {"number": household.number, "project": project.code}


def _check_person(household, person, errors: dict) -> None:
    if person is not None and person.household_id != household.pk:
        errors["person"] = _("This person is not a member of household %(number)s.") % {
            "number": household.number
        }


def _check_type(assistance_type: AssistanceType | None, errors: dict, *, was=None) -> None:
    if assistance_type is None:
        errors["assistance_type"] = _("Choose the type of assistance.")
    elif not assistance_type.is_active and assistance_type != was:
        errors["assistance_type"] = _("This type of assistance is no longer in use.")


def _check_past_date(on, field: str, errors: dict, *, project: Project, required_message=None):
    if on is None:
        if required_message:
            errors[field] = required_message
        return
    if on > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")
    elif on < project.start_date:
        errors[field] = _("The date cannot be before the project started (%(date)s).") % {
            "date": project.start_date.isoformat()
        }


def _check_upload(upload, field: str, errors: dict, *, signatures: dict, limit: int) -> None:
    if upload is None:
        return
    if upload.size > limit:
        errors[field] = _("The file is larger than %(megabytes)s MB.") % {
            "megabytes": limit // (1024 * 1024)
        }
        return
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not any(head.startswith(signature) for signature in signatures):
        errors[field] = _("Send a file of one of these kinds: %(kinds)s.") % {
            "kinds": ", ".join(sorted(set(signatures.values())))
        }


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _replace_items(delivery: Delivery, items: list[dict]) -> list[dict]:
    before = [
        {"description": item.description, "quantity": item.quantity, "unit_value": item.unit_value}
        for item in delivery.items.all()
    ]
    delivery.items.all().delete()
    getattr(delivery, "_prefetched_objects_cache", {}).pop("items", None)
    DeliveryItem.objects.bulk_create(DeliveryItem(delivery=delivery, **item) for item in items)
    return before


def _items_snapshot(items) -> list[str]:
    return [f"{item['description']} × {item['quantity']} @ {item['unit_value']}" for item in items]


# --- planning -----------------------------------------------------------------------------


@service
def delivery_plan(
    *,
    actor: Actor,
    project: Project,
    assistance_type: AssistanceType,
    household: Household,
    person: Person | None = None,
    organisation: Organisation | None = None,
    quantity=Decimal("1"),
    planned_value=None,
    currency: str | None = None,
    planned_on: datetime.date | None = None,
    note: str = "",
    items=(),
) -> Delivery:
    """Plan assistance for a beneficiary household (or one of its members) of ``project``."""
    if not project_in_scope(actor, project, Capability.RECORD_CASEWORK):
        raise Http404
    if not household_in_scope(actor, household):
        raise Http404
    organisation = acting_organisation(actor, project, Capability.RECORD_CASEWORK, organisation)
    errors: dict = {}
    _check_type(assistance_type, errors)
    _check_person(household, person, errors)
    if "person" not in errors:
        _check_beneficiary(project, household, person, errors)
    currency = _check_currency(project, currency, errors)
    quantity = _quantity(quantity, "quantity", errors) or Decimal("1")
    planned_value = _money(planned_value, "planned_value", errors)
    cleaned_items = _clean_items(list(items or ()), errors)
    if planned_on is not None and planned_on < project.start_date:
        errors["planned_on"] = _("The date cannot be before the project started (%(date)s).") % {
            "date": project.start_date.isoformat()
        }
    _raise(errors)
    if planned_value is None and cleaned_items:
        planned_value = sum(
            (item["quantity"] * item["unit_value"] for item in cleaned_items), Decimal("0")
        ).quantize(Decimal("0.01"))
    delivery = Delivery.objects.create(
        project=project,
        assistance_type=assistance_type,
        household=household,
        person=person,
        organisation=organisation,
        status=Delivery.Status.PLANNED,
        quantity=quantity,
        planned_value=planned_value,
        currency=currency,
        planned_on=planned_on,
        note=(note or "").strip(),
        planned_by=actor.user,
    )
    DeliveryItem.objects.bulk_create(
        DeliveryItem(delivery=delivery, **item) for item in cleaned_items
    )
    changes = diff(
        {},
        snapshot(
            delivery,
            [
                "project",
                "assistance_type",
                "household",
                "person",
                "organisation",
                "status",
                "quantity",
                "planned_value",
                "currency",
                "planned_on",
                "note",
            ],
        ),
    )
    if cleaned_items:
        changes["item_list"] = {"before": None, "after": _items_snapshot(cleaned_items)}
    audit_record(actor=actor, action="delivery.plan", target=delivery, changes=changes)
    return delivery


_EDITABLE = ["assistance_type", "person", "quantity", "planned_value", "planned_on", "note"]


@service
def delivery_update(
    *,
    actor: Actor,
    delivery: Delivery,
    expected_version: int | None,
    items=None,
    currency: str | None = None,
    **changes,
) -> Delivery:
    """Change a planned delivery. Once approved, what was approved stays as it was."""
    _require(actor, delivery, record=True)
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    if delivery.status != Delivery.Status.PLANNED:
        raise ValidationError(
            {
                "status": _("Only a planned delivery can be changed; this one is “%(status)s”.")
                % {"status": delivery.get_status_display()}
            }
        )
    errors: dict = {}
    _check_currency(delivery.project, currency, errors)
    if "assistance_type" in changes:
        _check_type(changes["assistance_type"], errors, was=delivery.assistance_type)
    if "person" in changes:
        _check_person(delivery.household, changes["person"], errors)
        if "person" not in errors:
            _check_beneficiary(delivery.project, delivery.household, changes["person"], errors)
    if "quantity" in changes:
        changes["quantity"] = _quantity(changes["quantity"], "quantity", errors) or Decimal("1")
    if "planned_value" in changes:
        changes["planned_value"] = _money(changes["planned_value"], "planned_value", errors)
    if changes.get("planned_on") and changes["planned_on"] < delivery.project.start_date:
        errors["planned_on"] = _("The date cannot be before the project started (%(date)s).") % {
            "date": delivery.project.start_date.isoformat()
        }
    if "note" in changes:
        changes["note"] = (changes["note"] or "").strip()
    cleaned_items = _clean_items(items, errors)
    _raise(errors)
    before = snapshot(delivery, _EDITABLE)
    for name, value in changes.items():
        setattr(delivery, name, value)
    changed = diff(before, snapshot(delivery, _EDITABLE))
    old_items = [
        {"description": item.description, "quantity": item.quantity, "unit_value": item.unit_value}
        for item in delivery.items.all()
    ]
    items_changed = cleaned_items is not None and _items_snapshot(cleaned_items) != _items_snapshot(
        old_items
    )
    if not changed and not items_changed:
        raise NothingChanged(delivery)
    # The version moves with any change, the items' too, so that two people editing the list
    # cannot overwrite each other either.
    save_versioned(delivery, expected_version=expected_version, fields=list(changed))
    if items_changed:
        _replace_items(delivery, cleaned_items)
        changed["item_list"] = {
            "before": _items_snapshot(old_items),
            "after": _items_snapshot(cleaned_items),
        }
    audit_record(actor=actor, action="delivery.update", target=delivery, changes=changed)
    return delivery


# --- the life cycle -----------------------------------------------------------------------


def _move(
    *,
    actor: Actor,
    delivery: Delivery,
    status: str,
    expected_version: int | None,
    fields: dict,
    action: str,
    extra_changes: dict | None = None,
) -> Delivery:
    before_status = delivery.status
    before = snapshot(delivery, list(fields))
    delivery.status = status
    for name, value in fields.items():
        setattr(delivery, name, value)
    save_versioned(delivery, expected_version=expected_version, fields=["status", *fields])
    changes = {"status": {"before": before_status, "after": status}}
    changes |= diff(before, snapshot(delivery, list(fields)))
    changes |= extra_changes or {}
    audit_record(actor=actor, action=action, target=delivery, changes=changes)
    return delivery


@service
def delivery_approve(
    *, actor: Actor, delivery: Delivery, expected_version: int | None, note: str = ""
) -> Delivery:
    """A manager of the project commits its money to this delivery."""
    _require(actor, delivery, manage=True)
    check_transition(delivery, Delivery.Status.APPROVED)
    errors: dict = {}
    _check_beneficiary(delivery.project, delivery.household, delivery.person, errors)
    if delivery.planned_value is None and delivery.items_total is None:
        errors["planned_value"] = _("Give the planned value before the delivery is approved.")
    _raise(errors)
    return _move(
        actor=actor,
        delivery=delivery,
        status=Delivery.Status.APPROVED,
        expected_version=expected_version,
        fields={"approved_by": actor.user, "approved_at": timezone.now()},
        action="delivery.approve",
        extra_changes={"note": {"before": None, "after": note.strip()}} if note.strip() else None,
    )


@service
def delivery_deliver(
    *,
    actor: Actor,
    delivery: Delivery,
    expected_version: int | None,
    handover_on: datetime.date | None,
    actual_value=None,
    currency: str | None = None,
    handover_document=None,
    handover_note: str = "",
    items=None,
) -> Delivery:
    """Record the handover: when, for how much, with the signed handover record. A grant's
    monitoring visits are scheduled from the handover date."""
    _require(actor, delivery, record=True)
    check_transition(delivery, Delivery.Status.DELIVERED)
    errors: dict = {}
    _check_beneficiary(delivery.project, delivery.household, delivery.person, errors)
    _check_past_date(
        handover_on,
        "handover_on",
        errors,
        project=delivery.project,
        required_message=_("Give the date of the handover."),
    )
    _check_currency(delivery.project, currency, errors)
    actual_value = _money(actual_value, "actual_value", errors)
    cleaned_items = _clean_items(items, errors)
    _check_upload(
        handover_document,
        "handover_document",
        errors,
        signatures=DOCUMENT_SIGNATURES,
        limit=MAX_DOCUMENT_BYTES,
    )
    _raise(errors)
    extra = {}
    if cleaned_items is not None:
        old = _replace_items(delivery, cleaned_items)
        extra["item_list"] = {
            "before": _items_snapshot(old),
            "after": _items_snapshot(cleaned_items),
        }
    if actual_value is None:
        # What was handed over is worth what its items are worth, unless told otherwise.
        actual_value = delivery.items_total
    if actual_value is None:
        raise ValidationError({"actual_value": _("Give the value of what was handed over.")})
    fields = {
        "handover_on": handover_on,
        "actual_value": actual_value,
        "handover_note": (handover_note or "").strip(),
        "delivered_by": actor.user,
    }
    if handover_document is not None:
        delivery.handover_document.save(handover_document.name, handover_document, save=False)
        fields["handover_document"] = delivery.handover_document.name
        extra["handover_document"] = {"before": None, "after": delivery.handover_document.name}
    try:
        _move(
            actor=actor,
            delivery=delivery,
            status=Delivery.Status.DELIVERED,
            expected_version=expected_version,
            fields=fields,
            action="delivery.deliver",
            extra_changes=extra,
        )
    except ConflictError:
        # The transaction forgets the handover; the stored file must be forgotten too.
        if handover_document is not None:
            delivery.handover_document.delete(save=False)
        raise
    _schedule_visits(delivery)
    return delivery


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _schedule_visits(delivery: Delivery) -> None:
    assistance_type = delivery.assistance_type
    if not assistance_type.is_grant:
        return
    MonitoringVisit.objects.bulk_create(
        MonitoringVisit(
            delivery=delivery, months_after=months, due_on=add_months(delivery.handover_on, months)
        )
        for months in assistance_type.monitoring_months
    )


@service
def delivery_verify(
    *, actor: Actor, delivery: Delivery, expected_version: int | None, note: str = ""
) -> Delivery:
    """A manager confirms the handover: the document and the value hold."""
    _require(actor, delivery, manage=True)
    check_transition(delivery, Delivery.Status.VERIFIED)
    if actor.user is not None and delivery.delivered_by_id == actor.user.pk:
        raise ValidationError(
            {"status": _("Somebody other than who recorded the handover verifies it.")}
        )
    return _move(
        actor=actor,
        delivery=delivery,
        status=Delivery.Status.VERIFIED,
        expected_version=expected_version,
        fields={"verified_by": actor.user, "verified_at": timezone.now()},
        action="delivery.verify",
        extra_changes={"note": {"before": None, "after": note.strip()}} if note.strip() else None,
    )


@service
def delivery_cancel(
    *, actor: Actor, delivery: Delivery, expected_version: int | None, reason: str
) -> Delivery:
    _require(actor, delivery, record=True, manage=True)
    check_transition(delivery, Delivery.Status.CANCELLED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancellation_reason": _("Give the reason for the cancellation.")})
    return _move(
        actor=actor,
        delivery=delivery,
        status=Delivery.Status.CANCELLED,
        expected_version=expected_version,
        fields={"cancellation_reason": reason},
        action="delivery.cancel",
    )


def delivery_transition(
    *, actor: Actor, delivery: Delivery, status: str, expected_version: int | None, **fields
) -> Delivery:
    """One entry for the page's buttons and the API's ``transition``: the service of
    ``status``, with only the fields that step takes."""
    S = Delivery.Status
    if status == S.APPROVED:
        return delivery_approve(
            actor=actor,
            delivery=delivery,
            expected_version=expected_version,
            note=fields.get("note") or "",
        )
    if status == S.DELIVERED:
        return delivery_deliver(
            actor=actor,
            delivery=delivery,
            expected_version=expected_version,
            handover_on=fields.get("handover_on"),
            actual_value=fields.get("actual_value"),
            currency=fields.get("currency"),
            handover_document=fields.get("handover_document"),
            handover_note=fields.get("handover_note") or "",
            items=fields.get("items"),
        )
    if status == S.VERIFIED:
        return delivery_verify(
            actor=actor,
            delivery=delivery,
            expected_version=expected_version,
            note=fields.get("note") or "",
        )
    if status == S.CANCELLED:
        return delivery_cancel(
            actor=actor,
            delivery=delivery,
            expected_version=expected_version,
            reason=fields.get("cancellation_reason") or "",
        )
    # Planned again, or a status that does not exist: the life cycle answers.
    check_transition(delivery, status)
    raise AssertionError("unreachable: every declared transition has its service")


# --- monitoring ---------------------------------------------------------------------------


@service
def monitoring_visit_record(
    *,
    actor: Actor,
    visit: MonitoringVisit,
    expected_version: int | None,
    visited_on: datetime.date | None,
    business_operating: bool | None,
    income_before=None,
    income_after=None,
    income_change=None,
    employees: int | None = None,
    notes: str = "",
    photos=(),
    captions=(),
) -> MonitoringVisit:
    """What a case worker saw on a grant's monitoring visit. Recording it again corrects it;
    photos are added to those already there."""
    delivery = visit.delivery
    _require(actor, delivery, record=True)
    errors: dict = {}
    if visited_on is None:
        errors["visited_on"] = _("Give the date of the visit.")
    elif visited_on > timezone.localdate():
        errors["visited_on"] = _("The date cannot be in the future.")
    elif delivery.handover_on and visited_on < delivery.handover_on:
        errors["visited_on"] = _("The visit cannot be before the handover (%(date)s).") % {
            "date": delivery.handover_on.isoformat()
        }
    if business_operating is None:
        errors["business_operating"] = _("Say whether the business is operating.")
    income_before = _money(income_before, "income_before", errors)
    income_after = _money(income_after, "income_after", errors)
    if income_change not in (None, ""):
        try:
            income_change = Decimal(str(income_change)).quantize(Decimal("0.01"))
        except InvalidOperation:
            errors["income_change"] = _("Enter an amount, for example 150 or -80.")
            income_change = None
    else:
        income_change = None
    if income_before is not None and income_after is not None:
        computed = income_after - income_before
        if income_change is not None and income_change != computed:
            errors["income_change"] = _(
                "The change does not match the income before and now (%(change)s)."
            ) % {"change": computed}
        income_change = computed
    if employees is not None and (employees < 0 or employees > 10000):
        errors["employees"] = _("Give the number of people employed.")
    photos = list(photos or ())
    if len(photos) + visit.photos.count() > MAX_PHOTOS_PER_VISIT:
        errors["photos"] = _("A visit keeps at most %(count)s photos.") % {
            "count": MAX_PHOTOS_PER_VISIT
        }
    else:
        for photo in photos:
            _check_upload(
                photo, "photos", errors, signatures=PHOTO_SIGNATURES, limit=MAX_PHOTO_BYTES
            )
    _raise(errors)
    fields = [
        "visited_on",
        "business_operating",
        "income_before",
        "income_after",
        "income_change",
        "employees",
        "notes",
    ]
    before = snapshot(visit, fields)
    visit.visited_on = visited_on
    visit.business_operating = business_operating
    visit.income_before = income_before
    visit.income_after = income_after
    visit.income_change = income_change
    visit.employees = employees
    visit.notes = (notes or "").strip()
    visit.recorded_by = actor.user
    changed = diff(before, snapshot(visit, fields))
    if not changed and not photos:
        raise NothingChanged(visit)
    save_versioned(visit, expected_version=expected_version, fields=[*changed, "recorded_by"])
    captions = list(captions or ())
    added = []
    for index, photo in enumerate(photos):
        record = MonitoringPhoto(
            visit=visit,
            caption=(captions[index] if index < len(captions) else "")[:200],
            uploaded_by=actor.user,
        )
        record.image.save(photo.name, photo, save=False)
        record.save()
        added.append(record.image.name)
    if added:
        changed["photos"] = {"before": None, "after": added}
    audit_record(
        actor=actor,
        action="monitoring_visit.record",
        target=visit,
        changes=changed,
        organisation_id=delivery.organisation_id,
    )
    return visit
