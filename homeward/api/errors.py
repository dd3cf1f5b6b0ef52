"""One error format for the whole API::

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"name": ["…"]}}}

``fields`` is present only for validation errors and names every field at fault.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from homeward.core.errors import HomewardError


def _error(status_code, code, message, fields=None, details=None):
    body = {"status": status_code, "code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    if details:
        body["details"] = details
    return Response({"error": body}, status=status_code)


def _flatten(detail, prefix: str = "") -> dict:
    """Nested errors (a household's members) as ``{"members.1.national_id": [...]}``: the same
    names the services use, so a client reads every validation error the same way."""
    fields: dict = {}
    for key, value in detail.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            fields.update(_flatten(value, f"{name}."))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                if isinstance(item, dict) and item:
                    fields.update(_flatten(item, f"{name}.{index}."))
        else:
            fields[name] = value
    return fields


def exception_handler(exc, context):
    if isinstance(exc, HomewardError):
        return _error(exc.status, exc.code, exc.message, details=exc.details)
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return _error(400, "invalid", _("The data you sent is not valid."), fields=fields)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return _error(404, "not_found", _("Not found."))
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = (
            _flatten(exc.detail)
            if isinstance(exc.detail, dict)
            else {"non_field_errors": exc.detail}
        )
        return _error(
            status.HTTP_400_BAD_REQUEST,
            "invalid",
            _("The data you sent is not valid."),
            fields=detail,
        )
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    error = _error(response.status_code, code if isinstance(code, str) else "error", detail)
    for header in ("WWW-Authenticate", "Retry-After"):
        if header in response:
            error[header] = response[header]
    return error
