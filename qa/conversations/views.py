"""The conversation page: any contact the user may open, as turns with its metadata, recording, case timeline and
the reviews of it they may open."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from core import roles
from core.views import require_role
from qa.conversations import selectors
from qa.reviews.selectors import reviews_blocking
from qa.rules import is_reviewer


@require_role(roles.QA_REVIEWER, roles.OPS_LEAD, roles.AGENT)
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(selectors.contact_detail_queryset(user=request.user), pk=pk)
    # "Review this" (qa/partials/review_this.html) links to the review when the contact already has one.
    contact.review_id = reviews_blocking(contact.pk).values_list("pk", flat=True).first()
    context = {
        "contact": contact,
        "conv": selectors.conversation(contact=contact, user=request.user),
        "reviews": selectors.contact_reviews(contact=contact, user=request.user),
        "is_reviewer": is_reviewer(request.user),
    }
    return render(request, "qa/conversation_detail.html", context)
