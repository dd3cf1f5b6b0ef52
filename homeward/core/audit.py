"""The audit trail: who did what to which record, when, from where, with before and after.

``audit_record`` must run inside the transaction of the change it describes, so that a change
rolled back leaves no row and no change commits without one. ``@service`` (see
``core.services``) checks that every state-changing service wrote at least one row.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from contextvars import ContextVar

from django.db import connection, models
from django.db.models.fields.files import FieldFile

from homeward.core.models import AuditEvent

# Per service call: how many audit rows it wrote (None outside a service).
_audit_counter: ContextVar[list[int] | None] = ContextVar("audit_counter", default=None)


class AuditOutsideTransaction(RuntimeError):
    pass


def _jsonable(value):
    if isinstance(value, models.Model):
        # A record is named by its code where it has one: that is what people read.
        return getattr(value, "code", None) or value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(item) for item in value]
    return value


def snapshot(instance: models.Model, fields) -> dict:
    """The current values of ``fields``, to diff against after the change."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """``{field: {"before": x, "after": y}}`` for the fields whose value changed.

    Nothing and an empty value are the same to a reader, so a change between them is none.
    """
    empty = (None, "", [], {})
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
        and not (before.get(name) in empty and after.get(name) in empty)
    }


def _organisation_of(target) -> int | None:
    if target is None:
        return None
    path = getattr(type(target), "scope_organisation_path", None)
    if path == "pk":
        return target.pk
    if not path:
        return None
    # "household__organisation": follow the foreign keys to the owner, so that a person's
    # record is filed under the organisation whose data protection officer audits it.
    *through, last = path.split("__")
    owner = target
    for name in through:
        owner = getattr(owner, name, None)
        if owner is None:
            return None
    return getattr(owner, f"{last}_id", None)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    target_label: str | None = None,
    changes: dict | None = None,
    organisation_id: int | None = None,
) -> AuditEvent:
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(
            f"Audit of {action!r} must be written inside the transaction of its change."
        )
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target.pk if target_id is None else target_id
        target_label = str(target) if target_label is None else target_label
    if organisation_id is None:
        organisation_id = _organisation_of(target)
    event = AuditEvent.objects.create(
        actor=actor.user,
        actor_label=actor.label,
        organisation_id=organisation_id,
        action=action,
        target_type=target_type or "",
        target_id="" if target_id is None else str(target_id),
        target_label=(target_label or "")[:255],
        changes=_jsonable(changes or {}),
        ip_address=actor.ip_address,
        via=actor.via,
    )
    counter = _audit_counter.get()
    if counter is not None:
        counter[0] += 1
    return event


def audit_read(*, actor, target: models.Model, action: str | None = None) -> AuditEvent:
    """Record that ``actor`` looked at ``target`` (a person's record) or exported it."""
    from django.db import transaction

    with transaction.atomic():
        return audit_record(
            actor=actor, action=action or f"{target._meta.model_name}.read", target=target
        )
