"""Pages of disputes: the agent disputes a released review (from the review page); another reviewer resolves it (or
proposes a resolution a QA lead approves or sends back); the review's comment thread; the list of disputes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import roles
from core.views import require_role
from qa.disputes import selectors
from qa.disputes import services as disputes
from qa.disputes.forms import CommentForm, DisputeForm, SendBackForm
from qa.reviews.selectors import review_detail_queryset
from qa.reviews.services import ReviewConflict
from qa.reviews.views import review_form, review_page_context
from qa.rules import can_resolve, require_qa_lead
from qa.scorecards.selectors import version_criteria


def _review_page(request: HttpRequest, review, *, status: int, **extra) -> HttpResponse:
    """The review page again (a refused form with its errors)."""
    criteria = version_criteria(version=review.version) if review.version_id else []
    context = review_page_context(request, review, None, criteria)
    context.update(extra)
    return render(request, "qa/review_detail.html", context, status=status)


@require_role(roles.AGENT)
@require_POST
def review_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(review_detail_queryset(user=request.user), pk=pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            disputes.review_dispute(
                review=review,
                user=request.user,
                code=form.cleaned_data["code"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your dispute was sent to another reviewer.")
        return redirect("qa:review-detail", pk=review.pk)
    return _review_page(request, review, status=400, dispute_form=form)


@require_role(roles.QA_REVIEWER)
def review_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Another reviewer settles a dispute: may change answers, must explain the decision. With QA_DISPUTE_APPROVAL
    on, this proposes the resolution; a QA lead approves it before it applies."""
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
                if disputes.approval_required():
                    messages.success(request, "Resolution proposed; it applies once a QA lead approves it.")
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


@require_role(roles.QA_REVIEWER)
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """A QA lead approves the proposed resolution: the changed answers and the new score apply."""
    review = get_object_or_404(review_detail_queryset(user=request.user), pk=pk)
    require_qa_lead(request.user)
    try:
        disputes.dispute_approve(review=review, lead=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Resolution approved; the review is re-scored and the agent can see the decision.")
    return redirect("qa:review-detail", pk=review.pk)


@require_role(roles.QA_REVIEWER)
@require_POST
def proposal_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    """A QA lead sends the proposed resolution back with a note: the dispute is open again."""
    review = get_object_or_404(review_detail_queryset(user=request.user), pk=pk)
    require_qa_lead(request.user)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            disputes.dispute_send_back(review=review, lead=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
                return _review_page(request, review, status=400, send_back_form=form)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Sent back; the dispute is open again for a resolver.")
        return redirect("qa:review-detail", pk=review.pk)
    return _review_page(request, review, status=400, send_back_form=form)


@require_role(roles.QA_REVIEWER, roles.AGENT, roles.OPS_LEAD)
@require_POST
def review_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Post to the review's thread. htmx gets the thread back (with the form's errors); a plain POST is redirected
    to the thread, or gets the review page again with the errors."""
    review = get_object_or_404(review_detail_queryset(user=request.user), pk=pk)
    if not roles.has_role(request.user, roles.QA_REVIEWER, roles.AGENT):
        raise PermissionDenied("Ops leads read the thread; they do not write in it.")
    form = CommentForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            disputes.review_comment_post(review=review, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            if hasattr(error, "error_dict") and "text" in error.message_dict:
                form.add_error("text", error.message_dict["text"])
            else:
                raise PermissionDenied(" ".join(error.messages)) from None
            status = 400
        else:
            form = CommentForm()
    else:
        status = 400
    if request.headers.get("HX-Request"):
        context = {
            "review": review,
            "thread": list(selectors.review_thread(review=review)),
            "can_comment": True,
            "comment_form": form,
        }
        return render(request, "qa/partials/review_thread_body.html", context, status=status)
    if status == 200:
        return redirect(reverse("qa:review-detail", kwargs={"pk": review.pk}) + "#thread")
    return _review_page(request, review, status=status, comment_form=form)


DISPUTE_TABS = [
    ("open", "To resolve"),
    ("approval", "Waiting for a QA lead"),
    ("overdue", "Overdue"),
    ("settled", "Resolved"),
]


@require_role(roles.QA_REVIEWER)
def dispute_list(request: HttpRequest) -> HttpResponse:
    """Disputes in the reviewer's scope by tab, paginated, with their reason code and due date."""
    tab = request.GET.get("tab", "open")
    if tab not in dict(DISPUTE_TABS):
        tab = "open"
    page = Paginator(selectors.dispute_list(user=request.user, tab=tab), 25).get_page(request.GET.get("page"))
    counts = selectors.dispute_tab_counts(user=request.user)
    return render(
        request,
        "qa/dispute_list.html",
        {
            "tab": tab,
            "tabs": [(key, label, counts[key]) for key, label in DISPUTE_TABS],
            "page": page,
            "now": timezone.now(),
            "approval_on": disputes.approval_required(),
        },
    )
