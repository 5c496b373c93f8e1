"""KPI figures per agent, team and vendor."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from core import roles
from core.models import Agent, Team, Vendor
from core.models.contacts import YEARS
from core.selectors.scope import agents_for_user, teams_for_user, vendors_for_user
from metrics import selectors as metrics


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
