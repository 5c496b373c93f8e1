"""The bulk contact import: POST /api/v1/interactions/bulk/."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, PermissionDenied, UnsupportedMediaType
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core import roles
from core.api.parsers import BulkJSONParser, RequestTooLarge
from core.models import Contact
from imports import services as imports


class BulkResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class BulkErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Position of the item in the list, from 1")
    field = serializers.CharField()
    message = serializers.CharField()


class BulkErrorsSerializer(serializers.Serializer):
    errors = BulkErrorSerializer(many=True)


class InteractionBulkView(GenericAPIView):
    """Import contacts: a JSON list of objects with the import fields (external_id is the key).

    All or nothing: if any item is bad, nothing is written and every bad item is listed (admins only). A body is
    UTF-8 JSON of at most BULK_IMPORT_MAX_BYTES (else 413) and BULK_IMPORT_MAX_ROWS items (else 400).
    """

    serializer_class = BulkResultSerializer
    queryset = Contact.objects.none()
    parser_classes = [BulkJSONParser]

    @extend_schema(
        request={"application/json": {"type": "array", "items": {"type": "object"}}},
        responses={
            201: BulkResultSerializer,
            400: BulkErrorsSerializer,
            403: OpenApiResponse(description="Not admin"),
            413: BulkErrorsSerializer,
        },
    )
    def post(self, request):
        if not roles.is_admin(request.user):
            raise PermissionDenied("Only admins import contacts.")
        try:
            data = request.data
        except (ParseError, UnsupportedMediaType, RequestTooLarge) as error:
            # A body that is not JSON (or not sent as JSON), not UTF-8 or too large: the documented shape too,
            # 413 for too large and 400 for the rest.
            code = error.status_code if isinstance(error, RequestTooLarge) else status.HTTP_400_BAD_REQUEST
            return _errors([imports.RowError(0, "", str(error.detail))], code=code)
        if not isinstance(data, list):
            return _errors([imports.RowError(0, "", "Expected a JSON list of objects.")])
        if len(data) > settings.BULK_IMPORT_MAX_ROWS:
            message = (
                f"{len(data):,} items; at most {settings.BULK_IMPORT_MAX_ROWS:,} per call (BULK_IMPORT_MAX_ROWS): "
                "send them in smaller lists, or use the import_interactions command."
            )
            return _errors([imports.RowError(0, "", message)])
        try:
            summary = imports.interactions_import(rows=imports.read_objects(data))
        except imports.ImportRejected as rejected:
            return _errors(rejected.errors)
        data = {
            "rows": summary.rows,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
        }
        return Response(data, status=status.HTTP_201_CREATED)


def _errors(errors: list[imports.RowError], code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    """The bulk import's documented error answer: every error with its item (line 0: the body as a whole)."""
    return Response({"errors": [{"line": e.line, "field": e.field, "message": e.message} for e in errors]}, status=code)
