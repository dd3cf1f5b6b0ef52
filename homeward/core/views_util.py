from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeward.core.errors import ConflictError, ValidationError
from homeward.core.scope import get_or_404

__all__ = ["VersionedSubmission", "apply_errors", "conflict_rows", "get_or_404", "submit_versioned"]


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's field errors on the form's fields (or on the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def conflict_rows(conflict, form) -> list[tuple[str, str]]:
    """What the other person saved, labelled as the form labels its fields."""
    if conflict is None:
        return []
    values = conflict.details.get("current_values", {})
    return [
        (str(form.fields[name].label) if name in form.fields else name, value or "—")
        for name, value in values.items()
    ]


@dataclass(frozen=True)
class VersionedSubmission:
    """What became of an edit form: ``saved`` (with the service's ``result``), or the
    ``form`` to show again, carrying the ``conflict`` when somebody saved first."""

    form: Any
    saved: bool = False
    result: Any = None
    conflict: ConflictError | None = None


def submit_versioned(
    request,
    form,
    *,
    save: Callable[[int], Any],
    reread: Callable[[], Any],
    rebuild: Callable[[Any, Any], Any],
) -> VersionedSubmission:
    """Save an edit of a ``Versioned`` record from a form, without losing anybody's work.

    ``save(version)`` calls the update service with ``expected_version=version``: the
    version the person read, sent back by the form, so a save never silently overwrites a
    newer one. ``reread()`` fetches the record as it is now and ``rebuild(data, current)``
    makes the form again from POSTed data.
    """
    if request.method != "POST" or not form.is_valid():
        return VersionedSubmission(form=form)
    try:
        result = save(form.cleaned_data["version"])
    except ConflictError as conflict:
        # Keep what this person typed but over the version they are now shown, so saving
        # again is a knowing decision to replace what the other person saved.
        current = reread()
        data = request.POST.copy()
        data["version"] = current.version
        form = rebuild(data, current)
        form.is_valid()
        return VersionedSubmission(form=form, conflict=conflict)
    except ValidationError as error:
        apply_errors(form, error)
        return VersionedSubmission(form=form)
    return VersionedSubmission(form=form, saved=True, result=result)
