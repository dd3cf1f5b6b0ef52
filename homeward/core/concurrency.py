"""Optimistic concurrency for ``Versioned`` records: no edit silently overwrites another."""

from django.db.models import F

from homeward.core.errors import ConflictError


def save_versioned(instance, *, expected_version: int | None, fields: list[str]) -> None:
    """Write ``fields`` of ``instance`` only if nobody saved it since ``expected_version``.

    One conditional UPDATE: checking first and writing second would let a save slip between.
    ``expected_version`` None means the caller did not read the record first (a script that
    means to overwrite), and is accepted.
    """
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    rows = model._base_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    updated = rows.update(version=F("version") + 1, **values, **_auto_now(instance))
    if updated == 0:
        current = model._base_manager.filter(pk=instance.pk).first()
        raise ConflictError(details=_conflict_details(current, values, expected_version))
    instance.refresh_from_db(fields=["version", "updated_at"])


def _auto_now(instance) -> dict:
    from django.utils import timezone

    return {"updated_at": timezone.now()} if hasattr(instance, "updated_at") else {}


def _conflict_details(current, attempted: dict, expected_version) -> dict:
    """What the other person's save holds for the fields this save wanted to write."""
    if current is None:
        return {"deleted": True}
    return {
        "your_version": expected_version,
        "current_version": current.version,
        "current_values": {name: _display(current, name) for name in attempted},
    }


def _display(record, name: str) -> str:
    """A saved value as people read it: a choice by its label, a place by its name."""
    field = record._meta.get_field(name)
    value = getattr(record, name)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def update_versioned(
    *,
    actor,
    instance,
    action: str,
    changes: dict,
    editable: set[str],
    expected_version: int | None,
) -> dict:
    """The body of every ``<noun>_update`` service of a ``Versioned`` record: refuse fields
    that may not change, validate, write only what changed if nobody saved in between, and
    audit it. Returns the changes; raises ``NothingChanged`` when there are none."""
    from django.utils.translation import gettext as _

    from homeward.core.audit import audit_record, diff, snapshot
    from homeward.core.errors import ValidationError
    from homeward.core.services import NothingChanged

    unknown = set(changes) - editable
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    before = snapshot(instance, editable)
    for name, value in changes.items():
        setattr(instance, name, value)
    fixed = [field.name for field in instance._meta.fields if field.name not in editable]
    instance.full_clean(exclude=fixed, validate_unique=False)
    changed = diff(before, snapshot(instance, editable))
    if not changed:
        raise NothingChanged(instance)
    save_versioned(instance, expected_version=expected_version, fields=list(changed))
    audit_record(actor=actor, action=action, target=instance, changes=changed)
    return changed
