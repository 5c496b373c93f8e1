"""Filters of the assessments API. A filter that takes an id chooses among what the caller may see (django-filter's
ModelChoiceFilter with a scoped queryset), so an id outside their scope and an id that does not exist get the same
400 "not one of the available choices": the answer never tells whether another hiring team's requisition exists.
(`?role_profile=` on requisitions chooses among every role profile: the catalogue is listed to everyone.)"""

import django_filters
from django.db.models import QuerySet

from assessments import selectors
from assessments.models import Candidate, Requisition


def _requisitions(request) -> QuerySet[Requisition]:
    """The requisitions the caller is on (all for admins; none outside hiring), as the candidate list is scoped."""
    return selectors.requisitions_for_user(user=request.user) if request is not None else Requisition.objects.none()


class CandidateFilter(django_filters.FilterSet):
    requisition = django_filters.ModelChoiceFilter(queryset=_requisitions)

    class Meta:
        model = Candidate
        fields = ["requisition", "stage", "source"]
