"""KPI figures per agent, team and vendor, and the bulk contact import."""

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, PermissionDenied, UnsupportedMediaType
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from skillhub import roles
from skillhub.api.parsers import BulkJSONParser, RequestTooLarge
from skillhub.models import Agent, Contact, Team, Vendor
from skillhub.models.contacts import YEARS
from skillhub.selectors import metrics
from skillhub.selectors.scope import agents_for_user, teams_for_user, vendors_for_user
from skillhub.services import imports


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day, YYYY-MM-DD")
    end = serializers.DateField(help_text="Last day (inclusive), YYYY-MM-DD")
    team = serializers.CharField(required=False, help_text="Only this team (by name)")
    vendor = serializers.CharField(required=False, help_text="Only this vendor's teams (by name)")

    def validate(self, attrs):
        for name in ("start", "end"):
            if not YEARS[0] <= attrs[name].year <= YEARS[1]:
                raise serializers.ValidationError({name: [f"Pick a day between {YEARS[0]} and {YEARS[1]}."]})
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["The end must not be before the start."]})
        if (attrs["end"] - attrs["start"]).days > 3 * 366:
            raise serializers.ValidationError({"end": ["A period is at most three years."]})
        return attrs


class FiguresSerializer(serializers.Serializer):
    contacts = serializers.IntegerField()
    cases = serializers.IntegerField()
    fcr_cases = serializers.IntegerField()
    csat_responses = serializers.IntegerField()
    csat_satisfied = serializers.IntegerField()
    csat_sum = serializers.IntegerField()
    ces_responses = serializers.IntegerField()
    ces_sum = serializers.IntegerField()
    nps_responses = serializers.IntegerField()
    promoters = serializers.IntegerField()
    detractors = serializers.IntegerField()
    handle_seconds = serializers.IntegerField()
    after_seconds = serializers.IntegerField()
    reviews = serializers.IntegerField()
    qa_score_sum = serializers.FloatField()
    fcr_pct = serializers.FloatField(allow_null=True)
    csat_pct = serializers.FloatField(allow_null=True)
    csat_avg = serializers.FloatField(allow_null=True)
    ces_avg = serializers.FloatField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)
    aht_seconds = serializers.FloatField(allow_null=True)
    acw_seconds = serializers.FloatField(allow_null=True)
    qa_score = serializers.FloatField(allow_null=True)
    qa_reviews = serializers.IntegerField()


class AgentFiguresSerializer(FiguresSerializer):
    agent_id = serializers.IntegerField()
    agent_name = serializers.CharField()
    team_id = serializers.IntegerField()
    team_name = serializers.CharField()


class TeamFiguresSerializer(FiguresSerializer):
    team_id = serializers.IntegerField()
    team_name = serializers.CharField()
    vendor_id = serializers.IntegerField()
    vendor_name = serializers.CharField()
    vendor_kind = serializers.CharField()


class VendorFiguresSerializer(FiguresSerializer):
    vendor_id = serializers.IntegerField()
    vendor_name = serializers.CharField()
    vendor_kind = serializers.CharField()


class _MetricsView(GenericAPIView):
    """Figures over start..end for the objects in the caller's scope (an agent: only themself)."""

    def objects(self, params: dict) -> QuerySet:
        raise NotImplementedError

    def rows(self, objects: QuerySet, params: dict) -> list[dict]:
        raise NotImplementedError

    def get(self, request):
        period = PeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        params = period.validated_data
        rows = self.rows(self.objects(params), params)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


_PARAMS = [PeriodSerializer]


@extend_schema(parameters=_PARAMS, responses=AgentFiguresSerializer(many=True))
class AgentMetricsView(_MetricsView):
    """KPI figures per agent (`team`, `vendor` filter on the agent's team today)."""

    serializer_class = AgentFiguresSerializer
    queryset = Agent.objects.none()  # for the schema; rows come from the metrics selectors

    def objects(self, params):
        agents = agents_for_user(user=self.request.user)
        if "team" in params:
            agents = agents.filter(team__name=params["team"])
        if "vendor" in params:
            agents = agents.filter(team__vendor__name=params["vendor"])
        return agents

    def rows(self, objects, params):
        return metrics.metrics_by_agent(agents=objects, start=params["start"], end=params["end"])


@extend_schema(parameters=_PARAMS, responses=TeamFiguresSerializer(many=True))
class TeamMetricsView(_MetricsView):
    """KPI figures per team: contacts count for the team they were handled in."""

    serializer_class = TeamFiguresSerializer
    queryset = Team.objects.none()

    def objects(self, params):
        teams = teams_for_user(user=self.request.user)
        if "team" in params:
            teams = teams.filter(name=params["team"])
        if "vendor" in params:
            teams = teams.filter(vendor__name=params["vendor"])
        return teams

    def rows(self, objects, params):
        return metrics.metrics_by_team(teams=objects, start=params["start"], end=params["end"])


@extend_schema(parameters=_PARAMS, responses=VendorFiguresSerializer(many=True))
class VendorMetricsView(_MetricsView):
    """KPI figures per vendor (in-house or partner), summing the teams of theirs in the caller's scope."""

    serializer_class = VendorFiguresSerializer
    queryset = Vendor.objects.none()

    def objects(self, params):
        vendors = vendors_for_user(user=self.request.user)
        if "vendor" in params:
            vendors = vendors.filter(name=params["vendor"])
        if "team" in params:
            vendors = vendors.filter(teams__name=params["team"])
        return vendors.distinct()

    def rows(self, objects, params):
        # A lead sees a vendor's figures only over the teams in their scope.
        teams = None if roles.is_admin(self.request.user) else teams_for_user(user=self.request.user)
        return metrics.metrics_by_vendor(vendors=objects, start=params["start"], end=params["end"], teams=teams)


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
