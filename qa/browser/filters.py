"""The conversation browser's filters (django-filter). Every choice (agent, team, vendor) is drawn from what the user
may see, so a partner never finds in-house teams or agents in a list, and an id outside their scope is the same
"not one of the available choices" as an id that does not exist."""

import json
from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import Agent, Contact, Team, Vendor
from core.selectors.channels import channel_choices
from core.selectors.scope import agents_for_user, teams_for_user, vendors_for_user
from qa.browser import selectors

DEFAULT_DAYS = 30
CSAT_LOW, CES_HIGH, NPS_LOW = 2, 5, 6  # "low" answers: CSAT ≤ 2, CES ≥ 5 (more effort), NPS ≤ 6 (detractors)

ANSWER_CHOICES = [("answered", "Answered"), ("unanswered", "Not answered"), ("low", "Low")]
YES_NO = [("yes", "Yes"), ("no", "No")]


def _agents(request) -> QuerySet[Agent]:
    if request is None:
        return Agent.objects.none()
    return agents_for_user(user=request.user).select_related("user").order_by("user__last_name", "user__first_name")


def _teams(request) -> QuerySet[Team]:
    return teams_for_user(user=request.user).order_by("name") if request is not None else Team.objects.none()


def _vendors(request) -> QuerySet[Vendor]:
    return vendors_for_user(user=request.user).order_by("name") if request is not None else Vendor.objects.none()


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.user.get_full_name() or obj.user.username


class AgentFilter(django_filters.ModelChoiceFilter):
    field_class = AgentChoiceField


class ConversationFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end comes before the start.")
        low, high = data.get("handle_min"), data.get("handle_max")
        if low is not None and high is not None and low > high:
            self.add_error("handle_max", "The maximum is below the minimum.")
        return data


class ConversationFilter(django_filters.FilterSet):
    words = django_filters.CharFilter(
        method="filter_words",
        label="Words in the conversation",
        max_length=200,
        help_text='Words in the transcript or its turns: "a phrase", -excluded, this or that.',
    )
    start = django_filters.DateFilter(method="filter_start", label="From")
    end = django_filters.DateFilter(method="filter_end", label="To")
    agent = AgentFilter(queryset=_agents)
    team = django_filters.ModelChoiceFilter(queryset=_teams)
    vendor = django_filters.ModelChoiceFilter(queryset=_vendors, field_name="team__vendor")
    channel = django_filters.ChoiceFilter(choices=lambda: channel_choices(include_inactive=True), empty_label="Any")
    reason = django_filters.CharFilter(field_name="reason", lookup_expr="icontains", max_length=100)
    tag = django_filters.CharFilter(method="filter_tag", label="Tag", max_length=100)
    csat = django_filters.ChoiceFilter(
        choices=ANSWER_CHOICES, empty_label="Any", method="filter_answer", label=f"CSAT (low: ≤ {CSAT_LOW})"
    )
    ces = django_filters.ChoiceFilter(
        choices=ANSWER_CHOICES, empty_label="Any", method="filter_answer", label=f"CES (low: ≥ {CES_HIGH})"
    )
    nps = django_filters.ChoiceFilter(
        choices=ANSWER_CHOICES, empty_label="Any", method="filter_answer", label=f"NPS (low: ≤ {NPS_LOW})"
    )
    escalated = django_filters.ChoiceFilter(choices=YES_NO, empty_label="Any", method="filter_flag", label="Escalated")
    repeat = django_filters.ChoiceFilter(
        choices=YES_NO, empty_label="Any", method="filter_repeat", label="Repeat contact"
    )
    reviewed = django_filters.ChoiceFilter(
        choices=YES_NO, empty_label="Any", method="filter_reviewed", label="Reviewed"
    )
    handle_min = django_filters.NumberFilter(
        method="filter_handle_min", label="Handle time from (min)", min_value=0, max_value=100_000
    )
    handle_max = django_filters.NumberFilter(
        method="filter_handle_max", label="Handle time to (min)", min_value=0, max_value=100_000
    )

    class Meta:
        model = Contact
        fields: list[str] = []
        form = ConversationFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select form-select-sm"
            else:
                widget.attrs["class"] = "form-control form-control-sm"
            if name in ("start", "end"):
                widget.input_type = "date"
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = "Any"

    def filter_words(self, queryset, name, value):
        return selectors.words_filter(queryset, words=value)

    def filter_start(self, queryset, name, value):
        return queryset.filter(started_at__gte=_day_start(value))

    def filter_end(self, queryset, name, value):
        return queryset.filter(started_at__lt=_day_start(value + timedelta(days=1)))

    def filter_tag(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            return queryset.filter(tags__contains=[value])
        return queryset.filter(tags__icontains=json.dumps(value))  # SQLite has no JSON containment

    def filter_answer(self, queryset, name, value):
        if value == "answered":
            return queryset.filter(**{f"{name}__isnull": False})
        if value == "unanswered":
            return queryset.filter(**{f"{name}__isnull": True})
        low = {"csat": Q(csat__lte=CSAT_LOW), "ces": Q(ces__gte=CES_HIGH), "nps": Q(nps__lte=NPS_LOW)}[name]
        return queryset.filter(low)

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{name: value == "yes"})

    def filter_repeat(self, queryset, name, value):
        return selectors.repeat_filter(queryset, repeat=value == "yes")

    def filter_reviewed(self, queryset, name, value):
        return selectors.reviewed_filter(queryset, reviewed=value == "yes")

    def filter_handle_min(self, queryset, name, value):
        return queryset.filter(handle_seconds__gte=int(value * 60))

    def filter_handle_max(self, queryset, name, value):
        return queryset.filter(handle_seconds__lte=int(value * 60))


def default_period(today=None) -> dict[str, str]:
    today = today or timezone.localdate()
    return {"start": (today - timedelta(days=DEFAULT_DAYS)).isoformat(), "end": today.isoformat()}


def with_default_period(query) -> dict:
    """The GET data with the default period (last DEFAULT_DAYS days) when the user gave neither bound."""
    data = query.copy()
    if "start" not in data and "end" not in data:
        data.update(default_period())
    return data
