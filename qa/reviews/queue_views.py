"""Pages of the reviewer's queue: the filtered, sorted, paginated queue with its tabs (to do, drafts, overdue,
released, disputes to resolve), bulk assignment by QA leads, taking an unassigned review, "next" after submitting or
skipping, the reviewer's preference and the nav's count of disputes to resolve."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import roles
from core.views import int_param, require_role
from qa.reviews import assignment, selectors, services
from qa.reviews.filters import MINE, OPEN_TABS, ORDERINGS, TABS, QueueFilter
from qa.reviews.forms import QueueAssignForm, ReviewerPreferenceForm
from qa.reviews.models import Review
from qa.rules import is_qa_lead, require_qa_lead

# GET parameters that are not the queue's filter (the page, and what the review page carries)
NOT_FILTERS = ("page",)


def queue_query(data: QueryDict) -> str:
    """The queue's filter as a query string (without the page): what links carry to keep the queue's place."""
    data = data.copy()
    for key in NOT_FILTERS:
        data.pop(key, None)
    return data.urlencode()


def queue_url(query: str = "", **params) -> str:
    data = QueryDict(query, mutable=True)
    data.pop("page", None)
    for key, value in params.items():
        data[key] = value
    text = data.urlencode()
    return reverse("qa:queue") + (f"?{text}" if text else "")


def review_url(pk: int, query: str) -> str:
    url = reverse("qa:review-detail", args=[pk])
    return f"{url}?{urlencode({'queue': query})}" if query else url


def queue_context(request: HttpRequest) -> tuple[dict, int]:
    """The queue page's context from its GET parameters (status 400 when a filter is not valid)."""
    user = request.user
    lead = is_qa_lead(user)
    reviewers = list(selectors.queue_reviewers(user=user)) if lead else None
    data = request.GET
    filterset = QueueFilter(data, queryset=selectors.queue_base(user=user), user=user, reviewers=reviewers)
    valid = filterset.is_valid()
    today = timezone.localdate()
    tab, sort = filterset.choice("tab", "todo"), filterset.choice("sort", "due")
    filtered = filterset.qs
    counts = selectors.queue_counts(filtered, today=today)
    # Disputes are whoever scored them: the same filters but the reviewer's and the due date's.
    dispute_data = data.copy()
    for key in ("reviewer", "due_before"):
        dispute_data.pop(key, None)
    disputes = QueueFilter(
        dispute_data,
        queryset=selectors.disputes_to_resolve(user=user),
        user=user,
        reviewers=reviewers,
        default_reviewer=None,
    ).qs
    counts["disputes"] = disputes.count()
    if tab == "disputes":
        rows = selectors.dispute_rows(disputes)
    else:
        rows = selectors.queue_rows(selectors.queue_tab(filtered, tab, today=today)).order_by(*ORDERINGS[sort])
    page = Paginator(rows, selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    query = queue_query(data)
    for review in page.object_list:
        review.open_url = review_url(review.pk, query)
        due = review.due_date
        review.overdue_days = (today - due).days if due and due < today and review.status == "draft" else 0
    context = {
        "filter": filterset,
        "form": filterset.form,
        "tab": tab,
        "sort": sort,
        "who": filterset.choice("reviewer", MINE),
        "counts": counts,
        "tabs": [(value, label, counts[value], queue_url(query, tab=value)) for value, label in TABS],
        "tab_label": dict(TABS)[tab],
        "disputes_url": queue_url(query, tab="disputes"),
        "selected": set(),
        "page": page,
        "rows": page.object_list,
        "query": query,
        "today": today,
        "now": timezone.now(),
        "is_qa_lead": lead,
        "can_assign": lead and tab != "disputes" and tab != "released",
        "assign_form": QueueAssignForm(reviewers=selectors.queue_reviewers(user=user)) if lead else None,
        "preference_form": ReviewerPreferenceForm(initial={"auto_advance": selectors.reviewer_auto_advance(user=user)}),
    }
    return context, 200 if valid else 400


@require_role(roles.QA_REVIEWER)
def queue(request: HttpRequest) -> HttpResponse:
    context, status = queue_context(request)
    return render(request, "qa/review_queue.html", context, status=status)


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    return redirect(queue_url(request.GET.urlencode()))


@require_role(roles.QA_REVIEWER)
@require_POST
def queue_assign(request: HttpRequest) -> HttpResponse:
    """A QA lead assigns the ticked drafts to a reviewer of the right scope, or unassigns them. The page's filter
    rides in the query string, so the queue comes back as it was; a refusal re-renders it (400) naming the rows."""
    require_qa_lead(request.user)
    form = QueueAssignForm(request.POST, reviewers=selectors.queue_reviewers(user=request.user))
    if form.is_valid():
        ids = form.cleaned_data["review"]
        reviews = list(
            selectors.queue_base(user=request.user)
            .filter(pk__in=ids)
            .select_related("contact", "agent__user", "team__vendor")
            .order_by("pk")
        )
        if len(reviews) != len(ids):
            raise Http404("No such review in your scope.")
        reviewer = form.cleaned_data["reviewer"] if form.cleaned_data["action"] == form.ASSIGN else None
        try:
            assignment.reviews_assign(reviews=reviews, reviewer=reviewer, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            n = len(reviews)
            what = f"{n} review{'s' if n != 1 else ''}"
            messages.success(request, f"{what} assigned to {reviewer}." if reviewer else f"{what} unassigned.")
            return _back_to_queue(request)
    context, _ = queue_context(request)
    context["assign_form"] = form
    context["selected"] = set(form.cleaned_data.get("review", [])) if hasattr(form, "cleaned_data") else set()
    return render(request, "qa/review_queue.html", context, status=400)


@require_role(roles.QA_REVIEWER)
@require_POST
def review_take(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer takes an unassigned draft of their scope and opens it."""
    review = get_object_or_404(
        selectors.queue_base(user=request.user).select_related("contact", "agent__user", "team__vendor"), pk=pk
    )
    try:
        assignment.review_take(review=review, reviewer=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_queue(request)
    messages.success(request, f"You now review {review.contact.external_id}.")
    return redirect(review_url(review.pk, request.GET.urlencode()))


@require_role(roles.QA_REVIEWER)
@require_POST
def queue_preference(request: HttpRequest) -> HttpResponse:
    form = ReviewerPreferenceForm(request.POST)
    form.is_valid()  # a checkbox: absent is off, never invalid
    auto = form.cleaned_data.get("auto_advance", False)
    services.reviewer_preference_set(user=request.user, auto_advance=auto)
    messages.success(
        request, "After submitting, the next review opens." if auto else "After submitting, you stay on the review."
    )
    return _back_to_queue(request)


def open_order(*, user, query: str) -> list[int]:
    """The ids of `user`'s open reviews in the order of the queue `query` describes (its tab if an open one, else
    "to do"; always their own reviews): what "next" walks."""
    data = QueryDict(query, mutable=True)
    data["reviewer"] = MINE
    if data.get("tab") not in OPEN_TABS:
        data["tab"] = "todo"
    filterset = QueueFilter(data, queryset=selectors.queue_base(user=user), user=user)
    if not filterset.is_valid():
        filterset = QueueFilter(QueryDict(), queryset=selectors.queue_base(user=user), user=user)
    qs = selectors.queue_tab(filterset.qs, filterset.choice("tab", "todo"), today=timezone.localdate())
    return selectors.queue_order(qs=qs.order_by(*ORDERINGS[filterset.choice("sort", "due")]))


def go_next(request: HttpRequest, *, order: list[int], after: int | None, query: str, done: str) -> HttpResponse:
    """Open the review after `after` in `order`, saying `done` + its name; the queue with "Queue done" if none."""
    following = selectors.queue_next_after(order, after) if after is not None else (order[0] if order else None)
    nxt = None
    if following is not None:
        nxt = selectors.queue_base(user=request.user).select_related("contact", "agent__user").filter(pk=following)
        nxt = nxt.first()
    if nxt is None:
        messages.success(request, f"{done} Queue done: nothing else is waiting for you here.".strip())
        return redirect(queue_url(query))
    messages.success(request, f"{done} Next: {nxt.contact.external_id} ({nxt.agent.name}).".strip())
    return redirect(review_url(nxt.pk, query))


def advance_after_submit(request: HttpRequest, review: Review, *, order: list[int], query: str) -> HttpResponse:
    """After a review is submitted: straight to the next one of the reviewer's queue (taken before submitting, so
    the submitted review's place is known)."""
    return go_next(
        request, order=order, after=review.pk, query=query, done="Review submitted and released to the agent."
    )


@require_role(roles.QA_REVIEWER)
def queue_next(request: HttpRequest) -> HttpResponse:
    """ "Skip to next": the review after `after` in the queue the `queue` parameter describes."""
    query = request.GET.get("queue", "")
    return go_next(
        request,
        order=open_order(user=request.user, query=query),
        after=int_param(request.GET.get("after")),
        query=query,
        done="",
    )


@require_role(roles.QA_REVIEWER)
def queue_badge(request: HttpRequest) -> HttpResponse:
    """htmx, from the nav: the link to the disputes tab with how many disputes this reviewer may resolve."""
    count = selectors.disputes_to_resolve_count(user=request.user)
    return render(request, "qa/partials/disputes_badge.html", {"count": count, "url": queue_url(tab="disputes")})
