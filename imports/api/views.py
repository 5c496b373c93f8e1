"""The bulk contact import: POST /api/v1/interactions/bulk/."""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, PermissionDenied, UnsupportedMediaType
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core import roles
from core.api.parsers import BulkJSONParser, RequestTooLarge
from core.models import Contact, TurnAuthor
from imports import services as imports


class BulkResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    fields = serializers.ListField(
        child=serializers.CharField(), help_text="The fields written; those no item carries keep their stored values."
    )


class BulkTurnSerializer(serializers.Serializer):
    author = serializers.ChoiceField(choices=TurnAuthor.choices)
    at = serializers.DateTimeField(allow_null=True, required=False, help_text="ISO 8601; without offset: TIME_ZONE")
    text = serializers.CharField(allow_blank=True)


def _optional(field: serializers.Field) -> serializers.Field:
    field.required = False
    field.allow_null = True
    return field


class BulkContactSerializer(serializers.Serializer):
    """One item of the bulk import (the schema of the request; the import service validates it).

    Optional fields are written only when the item carries them: a key left out keeps the stored value, a key
    that is null or empty clears it.
    """

    external_id = serializers.CharField(max_length=100, help_text="The key: a known id updates its contact.")
    case_id = serializers.CharField(max_length=100, help_text="Contacts sharing it are one case.")
    agent_email = serializers.EmailField()
    team = _optional(serializers.CharField(help_text="Team name; default: the agent's team on that day."))
    channel = serializers.CharField(max_length=30, help_text="An active code of the channel catalogue, e.g. whatsapp.")
    started_at = serializers.DateTimeField(help_text="ISO 8601; without offset: TIME_ZONE.")
    handle_seconds = serializers.IntegerField(min_value=0, max_value=imports.MAX_SECONDS)
    after_contact_seconds = serializers.IntegerField(min_value=0, max_value=imports.MAX_SECONDS)
    resolved = serializers.BooleanField(help_text="Also yes/no, true/false, 1/0.")
    first_contact_resolved = _optional(serializers.BooleanField(help_text="Explicit flag; wins if set."))
    csat = _optional(serializers.IntegerField(min_value=1, max_value=5))
    ces = _optional(serializers.IntegerField(min_value=1, help_text="1 to CES_SCALE_MAX."))
    nps = _optional(serializers.IntegerField(min_value=0, max_value=10))
    transcript = _optional(serializers.CharField(max_length=imports.MAX_TRANSCRIPT_CHARS, allow_blank=True))
    reason = _optional(serializers.CharField(max_length=100, allow_blank=True, help_text="Contact reason."))
    tags = _optional(serializers.ListField(child=serializers.CharField(max_length=50), max_length=imports.MAX_TAGS))
    escalated = _optional(serializers.BooleanField())
    transferred = _optional(serializers.BooleanField())
    complaint = _optional(serializers.BooleanField())
    hold_seconds = _optional(serializers.IntegerField(min_value=0, max_value=imports.MAX_SECONDS))
    language = _optional(serializers.CharField(max_length=35, allow_blank=True, help_text="BCP 47, e.g. pt-PT."))
    customer_id = _optional(serializers.CharField(max_length=100, allow_blank=True))
    survey_comment = _optional(serializers.CharField(max_length=imports.MAX_TRANSCRIPT_CHARS, allow_blank=True))
    recording_url = _optional(serializers.URLField(max_length=500, allow_blank=True, help_text="http or https."))
    messages = _optional(
        BulkTurnSerializer(
            many=True,
            help_text="The conversation as turns (replaces the stored turns; left out: kept). "
            f"Their texts total at most {imports.MAX_TRANSCRIPT_CHARS:,} characters.",
        )
    )


class BulkErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Position of the item in the list, from 1")
    field = serializers.CharField()
    message = serializers.CharField()


class BulkErrorsSerializer(serializers.Serializer):
    errors = BulkErrorSerializer(many=True)


class InteractionBulkView(GenericAPIView):
    """Import contacts: a JSON list of objects with the import fields (external_id is the key).

    Optional fields (and `messages`, the conversation's turns) are written only when an item carries them.

    All or nothing: if any item is bad, nothing is written and every bad item is listed (admins only). A body is
    UTF-8 JSON of at most BULK_IMPORT_MAX_BYTES (else 413) and BULK_IMPORT_MAX_ROWS items (else 400).
    """

    serializer_class = BulkResultSerializer
    queryset = Contact.objects.none()
    parser_classes = [BulkJSONParser]

    @extend_schema(
        request=BulkContactSerializer(many=True),
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
            "fields": summary.fields,
        }
        return Response(data, status=status.HTTP_201_CREATED)


def _errors(errors: list[imports.RowError], code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    """The bulk import's documented error answer: every error with its item (line 0: the body as a whole)."""
    return Response({"errors": [{"line": e.line, "field": e.field, "message": e.message} for e in errors]}, status=code)
