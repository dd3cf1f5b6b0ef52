"""Errors that services raise and that the UI, the API and the CLI all present the same way.

Field errors use Django's own ``ValidationError`` with a dict of field names, so that forms,
serializers and import reports can name the field (and, for imports, the row).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ConflictError",
    "HomewardError",
    "TransitionNotAllowed",
    "ValidationError",
    "describe",
]


class HomewardError(Exception):
    """A refusal that the user can understand and act on."""

    code = "error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, details=None):
        self.message = message or self.default_message
        self.details = details or {}
        super().__init__(str(self.message))


class ConflictError(HomewardError):
    """Somebody else saved the record since it was opened: the save would overwrite their work."""

    code = "conflict"
    status = 409
    default_message = _(
        "Somebody else changed this record after you opened it. Review their changes and try again."
    )


class TransitionNotAllowed(HomewardError):
    code = "transition_not_allowed"
    status = 409
    default_message = _("This change of status is not allowed.")


def describe(error: ValidationError) -> str:
    """One line naming every field at fault, for the command line and logs."""
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
