"""The conversation browser: search and filter the conversations a user may see, save filters, review this."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from core import roles
from core.views import int_param, require_role
from qa.browser import filters, selectors, services
from qa.browser.forms import ReviewThisForm, SavedFilterForm
from qa.reviews.models import ALREADY_REVIEWED
from qa.reviews.selectors import reviews_blocking

BROWSER_ROLES = (roles.QA_REVIEWER, roles.OPS_LEAD)  # ops leads browse their teams' conversations read-only


def _detail_url(pk: int) -> str | None:
    """The conversation page, where the app has one."""
    try:
        return reverse("qa:conversation-detail", args=[pk])
    except NoReverseMatch:
        return None


def _filter_query(query: QueryDict) -> str:
    """The query string of the filters alone (no page), as saved and as the pages' links carry it."""
    data = query.copy()
    data.pop("page", None)
    return data.urlencode()


def _list_page(request: HttpRequest, query: QueryDict, *, save_form: SavedFilterForm | None = None, status=200):
    user = request.user
    filterset = filters.ConversationFilter(
        filters.with_default_period(query),
        queryset=selectors.contacts_for_browser(user=user),
        request=request,
    )
    page = None
    if filterset.is_valid():
        page = selectors.result_page(filterset.qs, page=int_param(query.get("page")) or 1)
        can_review = selectors.can_review(user)
        for contact in page.rows:
            contact.link = (
                reverse("qa:review-detail", args=[contact.review_id])
                if contact.review_id and can_review
                else _detail_url(contact.pk)
                or (reverse("qa:conversation-review", args=[contact.pk]) if can_review else None)
            )
    else:
        status = 400
    query_string = _filter_query(query)
    context = {
        "filter": filterset,
        "page": page,
        "query_string": query_string,
        "saved_filters": selectors.saved_filters_for(user=user),
        "save_form": save_form or SavedFilterForm(initial={"query": query_string}),
        "can_review": selectors.can_review(user),
        "count_cap": selectors.COUNT_CAP,
        "thresholds": {"csat": filters.CSAT_LOW, "ces": filters.CES_HIGH, "nps": filters.NPS_LOW},
    }
    return render(request, "qa/conversation_list.html", context, status=status)


@require_role(*BROWSER_ROLES)
def conversation_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, request.GET)


@require_POST
@require_role(*BROWSER_ROLES)
def saved_filter_create(request: HttpRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST)
    if form.is_valid():
        try:
            saved = services.saved_filter_create(
                user=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Filter “{saved.name}” saved.")
            return redirect(f"{reverse('qa:conversation-list')}?{saved.query}")
    query = QueryDict(form.data.get("query", ""))
    return _list_page(request, query, save_form=form, status=400)


@require_POST
@require_role(*BROWSER_ROLES)
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(selectors.saved_filters_for(user=request.user), pk=pk)
    services.saved_filter_delete(saved_filter=saved)
    messages.success(request, f"Filter “{saved.name}” deleted.")
    return redirect("qa:conversation-list")


@require_role(roles.QA_REVIEWER)
def conversation_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Review this conversation: GET asks why (the reason is required), POST starts the review and opens it."""
    contact = get_object_or_404(
        selectors.contacts_for_browser(user=request.user).select_related("agent__user", "team"), pk=pk
    )
    existing = reviews_blocking(contact).first()
    if existing is not None:
        messages.error(request, f"{ALREADY_REVIEWED} It is opened below instead of starting another one.")
        return redirect("qa:review-detail", pk=existing.pk)
    form = ReviewThisForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                review = services.review_this(
                    contact=contact, reviewer=request.user, origin=form.cleaned_data["origin"]
                )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, f"Review of {contact.external_id} started: {review.get_origin_display()}.")
                return redirect("qa:review-detail", pk=review.pk)
        status = 400
    context = {"contact": contact, "form": form, "detail_url": _detail_url(contact.pk)}
    return render(request, "qa/conversation_review.html", context, status=status)
