"""KPI figures per agent, team and vendor."""

import re

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from core import roles
from core.models import Agent, Team, Vendor
from core.models.contacts import YEARS, ContactChannel
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


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,30}")


class ChannelPeriodSerializer(PeriodSerializer):
    channel = serializers.CharField(
        required=False,
        help_text="Only contacts on this channel (a code of the channel catalogue, e.g. phone); QA counts are null",
    )

    def validate_channel(self, value: str) -> str:
        # A code is a slug: anything else (a NUL byte, which PostgreSQL refuses in a query, included) is unknown.
        if not SLUG.fullmatch(value) or not ContactChannel.objects.filter(code=value).exists():
            known = ", ".join(ContactChannel.objects.order_by("code").values_list("code", flat=True))
            raise serializers.ValidationError(f"Unknown channel {value!r}; the channel codes are: {known}.")
        return value


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
    reviews = serializers.IntegerField(allow_null=True, help_text="Null with `channel`: reviews are not by channel")
    qa_score_sum = serializers.FloatField(allow_null=True)
    repeat_contacts = serializers.IntegerField(help_text="Contacts followed by another of their case in the window")
    escalated_contacts = serializers.IntegerField()
    transferred_contacts = serializers.IntegerField()
    complaint_cases = serializers.IntegerField(help_text="Cases whose first contact is flagged complaint")
    complaint_fcr_cases = serializers.IntegerField()
    escalated_csat_responses = serializers.IntegerField()
    escalated_csat_satisfied = serializers.IntegerField()
    hold_seconds_sum = serializers.IntegerField()
    hold_contacts = serializers.IntegerField(help_text="Contacts with a hold time")
    fcr_pct = serializers.FloatField(allow_null=True)
    csat_pct = serializers.FloatField(allow_null=True)
    csat_avg = serializers.FloatField(allow_null=True)
    ces_avg = serializers.FloatField(allow_null=True)
    nps = serializers.FloatField(allow_null=True)
    aht_seconds = serializers.FloatField(allow_null=True)
    acw_seconds = serializers.FloatField(allow_null=True)
    qa_score = serializers.FloatField(allow_null=True)
    qa_reviews = serializers.IntegerField(allow_null=True)
    repeat_contact_pct = serializers.FloatField(allow_null=True)
    escalation_pct = serializers.FloatField(allow_null=True)
    transfer_pct = serializers.FloatField(allow_null=True)
    complaint_fcr_pct = serializers.FloatField(allow_null=True)
    escalated_csat_pct = serializers.FloatField(allow_null=True)
    hold_seconds = serializers.FloatField(allow_null=True, help_text="Mean hold seconds of the contacts with one")


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

    period_serializer = PeriodSerializer

    def objects(self, params: dict) -> QuerySet:
        raise NotImplementedError

    def rows(self, objects: QuerySet, params: dict) -> list[dict]:
        raise NotImplementedError

    def get(self, request):
        period = self.period_serializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        params = period.validated_data
        rows = self.rows(self.objects(params), params)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


_PARAMS = [PeriodSerializer]
_CHANNEL_PARAMS = [ChannelPeriodSerializer]


@extend_schema(parameters=_CHANNEL_PARAMS, responses=AgentFiguresSerializer(many=True))
class AgentMetricsView(_MetricsView):
    """KPI figures per agent (`team`, `vendor` filter on the agent's team today; `channel` on the contacts)."""

    serializer_class = AgentFiguresSerializer
    period_serializer = ChannelPeriodSerializer
    queryset = Agent.objects.none()  # for the schema; rows come from the metrics selectors

    def objects(self, params):
        agents = agents_for_user(user=self.request.user)
        if "team" in params:
            agents = agents.filter(team__name=params["team"])
        if "vendor" in params:
            agents = agents.filter(team__vendor__name=params["vendor"])
        return agents

    def rows(self, objects, params):
        return metrics.metrics_by_agent(
            agents=objects, start=params["start"], end=params["end"], channel=params.get("channel")
        )


@extend_schema(parameters=_CHANNEL_PARAMS, responses=TeamFiguresSerializer(many=True))
class TeamMetricsView(_MetricsView):
    """KPI figures per team: contacts count for the team they were handled in (`channel`: only those on it)."""

    serializer_class = TeamFiguresSerializer
    period_serializer = ChannelPeriodSerializer
    queryset = Team.objects.none()

    def objects(self, params):
        teams = teams_for_user(user=self.request.user)
        if "team" in params:
            teams = teams.filter(name=params["team"])
        if "vendor" in params:
            teams = teams.filter(vendor__name=params["vendor"])
        return teams

    def rows(self, objects, params):
        return metrics.metrics_by_team(
            teams=objects, start=params["start"], end=params["end"], channel=params.get("channel")
        )


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
