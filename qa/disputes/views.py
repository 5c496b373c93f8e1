"""Pages of disputes: the agent disputes a released review (from the review page); another reviewer resolves it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import roles
from core.views import require_role
from qa.disputes import services as disputes
from qa.reviews.forms import DisputeForm
from qa.reviews.selectors import review_detail_queryset
from qa.reviews.services import ReviewConflict
from qa.reviews.views import review_form, review_page_context
from qa.rules import can_resolve
from qa.scorecards.selectors import version_criteria


@require_role(roles.AGENT)
@require_POST
def review_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(review_detail_queryset(user=request.user), pk=pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            disputes.review_dispute(review=review, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your dispute was sent to another reviewer.")
        return redirect("qa:review-detail", pk=review.pk)
    criteria = version_criteria(version=review.version) if review.version_id else []
    context = review_page_context(request, review, None, criteria)
    context["dispute_form"] = form
    return render(request, "qa/review_detail.html", context, status=400)


@require_role(roles.QA_REVIEWER)
def review_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Another reviewer settles a dispute: may change answers, must explain the decision."""
    review = get_object_or_404(review_detail_queryset(user=request.user), pk=pk)
    if not can_resolve(request.user, review):
        raise PermissionDenied("Only a reviewer other than the original one resolves a disputed review.")
    criteria = version_criteria(version=review.version)
    status = 200
    note_error = ""
    if request.method == "POST":
        form = review_form(review, criteria, data=request.POST)
        note = request.POST.get("note", "")
        if form.is_valid():
            try:
                disputes.review_resolve(
                    review=review,
                    resolver=request.user,
                    note=note,
                    lock_version=form.cleaned_data["lock_version"],
                    answers=form.answers(),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "note" in error.message_dict:
                    note_error = " ".join(error.message_dict.pop("note"))
                    if error.message_dict:
                        form.add_service_error(ValidationError(error.message_dict))
                else:
                    form.add_service_error(error)
                status = 409 if isinstance(error, ReviewConflict) else 400
            else:
                messages.success(request, "Dispute resolved; the agent can see the decision.")
                return redirect("qa:review-detail", pk=review.pk)
        else:
            status = 400
    else:
        form = review_form(review, criteria)
        note = ""
    context = review_page_context(request, review, form, criteria)
    context.update({"resolving": True, "note": note, "note_error": note_error})
    return render(request, "qa/review_detail.html", context, status=status)
