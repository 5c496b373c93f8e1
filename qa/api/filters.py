import django_filters

from qa.models import Review
from skillhub.models import Channel


class ReviewFilter(django_filters.FilterSet):
    channel = django_filters.ChoiceFilter(field_name="contact__channel", choices=Channel.choices)
    contact = django_filters.CharFilter(field_name="contact__external_id")
    submitted_after = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_before = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    started_after = django_filters.DateFilter(field_name="contact__started_at", lookup_expr="date__gte")
    started_before = django_filters.DateFilter(field_name="contact__started_at", lookup_expr="date__lte")

    class Meta:
        model = Review
        fields = ["agent", "team", "reviewer", "status", "auto_failed", "is_calibration", "version"]
