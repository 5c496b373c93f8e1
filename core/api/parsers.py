"""JSON request bodies: too deep or too large answers 400 or 413, never a 500.

DRF reads JSON bodies through `request.body`, which Django caps at DATA_UPLOAD_MAX_MEMORY_SIZE (the exception
handler answers 413 past it). The bulk import takes larger bodies, so its parser reads the stream itself, up to
BULK_IMPORT_MAX_BYTES.
"""

import json

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 to JSON nested too deeply for Python's parser (a RecursionError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class BulkJSONParser(parsers.BaseParser):
    """UTF-8 JSON (a byte-order mark is fine) of at most BULK_IMPORT_MAX_BYTES, read straight from the stream.

    Not a JSONParser subclass on purpose: DRF would read those through `request.body` and Django's smaller limit.
    """

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.BULK_IMPORT_MAX_BYTES
        meta = parser_context["request"].META
        declared = meta.get("CONTENT_LENGTH") or "0"
        size = int(declared) if declared.isascii() and declared.isdigit() else 0
        body = b"" if size > limit else stream.read(limit + 1)
        if size > limit or len(body) > limit:
            raise RequestTooLarge(
                f"The body is larger than {limit:,} bytes (BULK_IMPORT_MAX_BYTES): send the items in smaller lists."
            )
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseError(
                f"The body is not valid UTF-8 (byte 0x{body[error.start]:02X} at byte {error.start + 1}): "
                "send JSON encoded as UTF-8."
            ) from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
