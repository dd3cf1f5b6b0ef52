from homeward.core.errors import ValidationError
from homeward.core.scope import get_or_404

__all__ = ["apply_errors", "conflict_rows", "get_or_404"]


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
