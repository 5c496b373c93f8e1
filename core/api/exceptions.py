"""Map Django's ValidationError (raised by services) to a 400 with field errors, a body over Django's
DATA_UPLOAD_MAX_MEMORY_SIZE to a 413 (Django's own answer would be an HTML 400 page), and a refused API token to a
401 that names the Token scheme."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.template.defaultfilters import filesizeformat
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from core.api.authentication import TokenRefused
from core.api.parsers import RequestTooLarge


def exception_handler(exc, context):
    if isinstance(exc, TokenRefused):
        exc.status_code, exc.auth_header = 401, "Token"
    if isinstance(exc, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        exc = RequestTooLarge(f"The request body is larger than {limit} (DATA_UPLOAD_MAX_MEMORY_SIZE).")
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    return drf_exception_handler(exc, context)
