"""The API's one error shape: `{"message": "...", "errors": {"field": ["..."]}}`.

Field errors (DRF's and Django's ValidationError), ApplicationError from the services,
and 401/403/404/405/429 all come out in it.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError

NON_FIELD = "non_field_errors"


def _field_errors(detail) -> dict[str, list[str]]:
    """DRF's nested error details flattened to field → list of messages."""
    if isinstance(detail, dict):
        errors = {}
        for field, value in detail.items():
            for key, messages in _field_errors(value).items():
                name = field if key == NON_FIELD else f"{field}.{key}"
                errors.setdefault(name, []).extend(messages)
        return errors
    if isinstance(detail, list):
        errors = {}
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                for key, messages in _field_errors(value).items():
                    name = str(index) if key == NON_FIELD else f"{index}.{key}"
                    errors.setdefault(name, []).extend(messages)
            else:
                errors.setdefault(NON_FIELD, []).append(str(value))
        return errors
    return {NON_FIELD: [str(detail)]}


def _django_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            (NON_FIELD if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {NON_FIELD: [str(message) for message in error.messages]}


def _extra_errors(extra: dict) -> dict[str, list[str]]:
    return {
        str(key): [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        for key, value in extra.items()
    }


def error_response(message: str, errors: dict | None = None, *, status_code: int, headers=None):
    return Response(
        {"message": str(message), "errors": errors or {}}, status=status_code, headers=headers
    )


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return error_response(
            exc.message, _extra_errors(exc.extra), status_code=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, DjangoValidationError):
        errors = _django_errors(exc)
        message = errors[NON_FIELD][0] if list(errors) == [NON_FIELD] else None
        return error_response(
            message or _("Check the fields named in errors."),
            errors,
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            _("Check the fields named in errors."),
            _field_errors(exc.detail),
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
    message = detail if isinstance(detail, str) else _("The request was refused.")
    headers = {
        name: response.headers[name]
        for name in ("WWW-Authenticate", "Retry-After", "Allow")
        if name in response.headers
    }
    return error_response(message, status_code=response.status_code, headers=headers)
