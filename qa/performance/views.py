"""Reviewer performance, for QA leads (a partner's QA lead sees their vendor's reviewers) and admins."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core import roles
from core.views import require_role
from qa.performance import selectors
from qa.reviews.selectors import duration_label
from qa.reviews.views import _period
from qa.rules import require_qa_lead

PAGE_SIZE = 50


@require_role(roles.QA_REVIEWER)
def reviewer_performance(request: HttpRequest) -> HttpResponse:
    require_qa_lead(request.user)
    start, end, days = _period(request)
    page = Paginator(selectors.reviewers_in_scope(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    reviewers = list(page.object_list)
    figures = selectors.reviewer_performance(
        user=request.user, reviewer_ids=[r.pk for r in reviewers], start=start, end=end, today=timezone.localdate()
    )
    rows = []
    for reviewer in reviewers:
        row = figures[reviewer.pk]
        row["reviewer"] = reviewer
        row["grade_label"] = duration_label(row.get("grade_median")) if row.get("timed") else "—"
        row["active_label"] = duration_label(row.get("active_median")) if row.get("timed") else "—"
        rows.append(row)
    return render(
        request,
        "qa/reviewer_performance.html",
        {
            "rows": rows,
            "page": page,
            "origins": selectors.ORIGINS,
            "start": start,
            "end": end,
            "days": days,
        },
    )
