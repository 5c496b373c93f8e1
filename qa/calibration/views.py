"""Pages of calibration sessions: list, create, a session, its results, gold sets, reviewer history, vendors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from core.views import int_param, require_role
from qa.calibration import selectors as sel
from qa.calibration import services
from qa.calibration.forms import (
    ContactSearchForm,
    DiscussionForm,
    GoldSetForm,
    ReviseForm,
    SessionForm,
    UserChoiceLabel,
    criterion_choices,
)
from qa.calibration.models import CalibrationAssignment, CalibrationDiscussion
from qa.reviews.models import Review
from qa.rules import is_qa_lead
from qa.scorecards.models import Criterion


def _require_lead(request: HttpRequest) -> None:
    if not is_qa_lead(request.user):
        raise PermissionDenied("Only QA leads run calibration sessions and gold sets.")


def _session_or_404(request: HttpRequest, pk: int):
    session = get_object_or_404(
        sel.sessions_for_user(user=request.user).select_related("owner", "calibrator", "gold_set", "version__template"),
        pk=pk,
    )
    return services.session_sync(session=session)


def _without_csrf_token(request: HttpRequest) -> HttpResponse | None:
    """The finder's Search button without JavaScript sends the whole form by GET, CSRF token included: send the
    browser on to the same address without it, so the token stays out of its history and of shared links."""
    if "csrfmiddlewaretoken" not in request.GET:
        return None
    query = request.GET.copy()
    query.pop("csrfmiddlewaretoken")
    return redirect(f"{request.path}?{query.urlencode()}")


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_role(roles.QA_REVIEWER)
def session_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "qa/calibration_list.html",
        {"sessions": sel.session_list(user=request.user), "is_qa_lead": is_qa_lead(request.user)},
    )


@require_role(roles.QA_REVIEWER)
def session_create(request: HttpRequest) -> HttpResponse:
    _require_lead(request)
    if (clean := _without_csrf_token(request)) is not None:
        return clean
    initial = {}
    gold_set = int_param(request.GET.get("gold_set"))
    if gold_set is not None:
        initial["gold_set"] = gold_set
    # A GET carrying the form's fields (the finder's Search button, without JavaScript) keeps what was typed.
    if "title" in request.GET:
        initial.update({key: request.GET.getlist(key) for key in ("participants",)})
        initial.update(
            {
                key: request.GET[key]
                for key in ("title", "gold_set", "version", "calibrator", "deadline")
                if request.GET.get(key)
            }
        )
    form = SessionForm(request.POST or None, lead=request.user, initial=initial)
    finder = _contact_finder(request, form)
    if request.htmx and request.GET.get("partial") == "contacts":
        return render(request, "qa/partials/calibration_contacts.html", finder)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.session_create(
                    owner=request.user,
                    title=data["title"],
                    deadline=data["deadline"],
                    participants=data["participants"],
                    version=data["version"],
                    contacts=data["contacts"],
                    calibrator=data["calibrator"],
                    gold_set=data["gold_set"],
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, "Session created: each participant has a blind calibration review to score.")
                return redirect("qa:calibration-detail", pk=session.pk)
        status = 400
    return render(request, "qa/calibration_form.html", {"form": form, **finder}, status=status)


FINDER_PAGE_SIZE = 25


def _contact_finder(request: HttpRequest, form: SessionForm | GoldSetForm) -> dict:
    """The conversation finder: the chosen conversations (posted, or carried by a search), and one page of the others
    that match the filters. Four queries: chosen, count, page, and the filters' choices when rendered."""
    params = request.POST if request.method == "POST" else request.GET
    search = ContactSearchForm(params if any(k.startswith("find-") for k in params) else None, lead=request.user)
    chosen_ids = [pk for pk in (int_param(v) for v in params.getlist("contacts")) if pk is not None]
    chosen = list(sel.contacts_to_calibrate(user=request.user).filter(pk__in=chosen_ids)) if chosen_ids else []
    matches = sel.contacts_to_calibrate(user=request.user, exclude=[c.pk for c in chosen], **search.filters())
    page = Paginator(matches, FINDER_PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    for key in ("page", "csrfmiddlewaretoken", "partial"):
        query.pop(key, None)
    return {"search": search, "chosen": chosen, "page": page, "finder_query": query.urlencode()}


@require_role(roles.QA_REVIEWER)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    return render(
        request,
        "qa/calibration_detail.html",
        {
            "session": session,
            "items": session.items.select_related("contact__agent__user", "contact__team").order_by("position"),
            "aliases": sel.agent_aliases(session=session, user=request.user),
            "progress": sel.session_progress(session=session),
            "mine": sel.my_assignments(session=session, user=request.user),
            "can_manage": sel.can_manage(session=session, user=request.user),
            "can_see_results": sel.can_see_results(session=session, user=request.user),
        },
    )


@require_role(roles.QA_REVIEWER)
def session_results(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if not sel.can_see_results(session=session, user=request.user):
        raise PermissionDenied(
            "The results open when everyone has submitted or the deadline passes, and only to those who scored."
        )
    results = sel.session_results(session=session)
    mine = sel.my_assignments(session=session, user=request.user)
    my_answers = _my_answer_rows(results, mine) if mine else []
    return render(
        request,
        "qa/calibration_results.html",
        {
            "session": session,
            "results": results,
            "can_manage": sel.can_manage(session=session, user=request.user),
            "my_answers": my_answers,
            "choices": {row.criterion.pk: criterion_choices(row.criterion) for row in results.criteria},
            # Links to reviewers' histories only where the history page (same rule) would open for this viewer.
            "history_ids": sel.reviewer_ids_visible_to(
                user=request.user, user_ids=[row.participant.user_id for row in results.participants]
            ),
            "answer_history": (
                sel.session_answer_history(session=session)
                if sel.can_see_answer_history(session=session, user=request.user)
                else None
            ),
        },
    )


def _my_answer_rows(results: sel.Results, mine: list[CalibrationAssignment]) -> list[dict]:
    """Per conversation I scored: my blind answer, my revision and the benchmark, per criterion (no extra queries)."""
    rows = []
    for assignment in mine:
        if assignment.review.submitted_at is None:
            continue
        lines = []
        for criterion_row in results.criteria:
            spread = next((s for s in criterion_row.items if s.item.pk == assignment.item_id), None)
            if spread is None:
                continue
            cell = next((c for c in spread.cells if c[0].participant.pk == assignment.participant_id), None)
            if cell is None:
                continue
            lines.append(
                {
                    "criterion": criterion_row.criterion,
                    "blind": cell[1],
                    "revised": cell[2],
                    "benchmark": spread.spread.benchmark,
                }
            )
        rows.append({"assignment": assignment, "lines": lines})
    return rows


@require_role(roles.QA_REVIEWER)
@require_http_methods(["GET", "POST"])
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: who has not submitted yet, with a confirm button (no JavaScript needed); POST: close early."""
    session = _session_or_404(request, pk)
    if not sel.can_manage(session=session, user=request.user):
        raise PermissionDenied("Only the session's lead can close it.")
    if request.method == "GET":
        if session.status != session.Status.OPEN:
            return redirect("qa:calibration-detail", pk=session.pk)
        progress = sel.session_progress(session=session)
        done = [p for p in progress if p.n_submitted >= p.n_assigned]
        waiting = ", ".join(sorted(UserChoiceLabel.label(p.user) for p in progress if p not in done))
        detail_url = reverse("qa:calibration-detail", args=[session.pk])
        return render(
            request,
            "qa/confirm.html",
            {
                "title": f"Close “{session.title}” early?",
                "lead": "The results open to everyone now; answers not submitted by then are left out of them.",
                "details": [
                    f"{len(done)} of {len(progress)} reviewers have submitted everything"
                    + (f"; still scoring: {waiting}" if waiting else "")
                    + f". The deadline is {date_format(timezone.localtime(session.deadline), 'j M Y H:i')}.",
                    "Closing cannot be undone: nobody can submit to this session afterwards.",
                ],
                "action_url": reverse("qa:calibration-close", args=[session.pk]),
                "button": "Close early and open results",
                "button_class": "btn-danger",
                "cancel_url": detail_url,
                "crumbs": [("Calibration", reverse("qa:calibration-list")), (session.title, detail_url)],
            },
        )
    try:
        services.session_close(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("qa:calibration-detail", pk=session.pk)
    messages.success(request, "Closed early: the results are open.")
    return redirect("qa:calibration-results", pk=session.pk)


@require_role(roles.QA_REVIEWER)
@require_POST
def answer_revise(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        CalibrationAssignment.objects.filter(
            participant__session__in=sel.sessions_for_user(user=request.user).values("pk")
        ).select_related("participant__session", "review"),
        pk=pk,
    )
    session = services.session_sync(session=assignment.participant.session)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the answer you would give now.")
        return redirect("qa:calibration-results", pk=session.pk)
    criterion = Criterion.objects.filter(pk=form.cleaned_data["criterion"], version_id=session.version_id).first()
    value, is_na = form.answer()
    try:
        if criterion is None:
            raise ValidationError("This criterion is not on the session's scorecard.")
        revision = services.answer_revise(
            assignment=assignment, criterion=criterion, user=request.user, value=value, is_na=is_na
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request,
            "Changed answer kept apart from your blind answer." if revision else "Back to your blind answer.",
        )
    return redirect("qa:calibration-results", pk=session.pk)


@require_role(roles.QA_REVIEWER)
@require_POST
def discussion_save(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if not sel.can_manage(session=session, user=request.user):
        raise PermissionDenied("Only the session's lead records discussions.")
    form = DiscussionForm(request.POST)
    criterion = None
    if form.is_valid():
        criterion = Criterion.objects.filter(pk=form.cleaned_data["criterion"], version_id=session.version_id).first()
    if criterion is None:
        messages.error(request, "Choose a criterion of the session's scorecard.")
        return redirect("qa:calibration-results", pk=session.pk)
    value, is_na = form.agreed_answer()
    try:
        services.discussion_save(
            session=session,
            criterion=criterion,
            user=request.user,
            note=form.cleaned_data["note"],
            agreed_value=value,
            agreed_na=is_na,
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"Discussion saved for “{criterion.text}”.")
    return redirect(f"{_results_url(session.pk)}#criterion-{criterion.pk}")


def _results_url(pk: int) -> str:
    return reverse("qa:calibration-results", kwargs={"pk": pk})


@require_role(roles.QA_REVIEWER)
@require_POST
def discussion_promote(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = get_object_or_404(
        CalibrationDiscussion.objects.filter(
            session__in=sel.sessions_for_user(user=request.user).values("pk")
        ).select_related("session", "criterion__version"),
        pk=pk,
    )
    if not sel.can_manage(session=discussion.session, user=request.user):
        raise PermissionDenied("Only the session's lead adds guidance.")
    try:
        services.discussion_promote(discussion=discussion, user=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"The agreed answer is now guidance on “{discussion.criterion.text}”.")
    return redirect(f"{_results_url(discussion.session_id)}#criterion-{discussion.criterion_id}")


# Gold sets ---------------------------------------------------------------------------------------------------------


@require_role(roles.QA_REVIEWER)
def gold_set_list(request: HttpRequest) -> HttpResponse:
    _require_lead(request)
    if (clean := _without_csrf_token(request)) is not None:
        return clean
    if "name" in request.GET:  # the finder's Search button, without JavaScript: keep what was typed
        initial = {key: request.GET[key] for key in ("name", "description", "version") if request.GET.get(key)}
    else:
        initial = {}
    form = GoldSetForm(request.POST or None, lead=request.user, initial=initial)
    finder = _contact_finder(request, form)
    if request.htmx and request.GET.get("partial") == "contacts":
        return render(request, "qa/partials/calibration_contacts.html", finder)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                gold_set = services.gold_set_create(owner=request.user, **form.cleaned_data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, "Gold set created: record the agreed answers next.")
                return redirect("qa:calibration-gold-detail", pk=gold_set.pk)
        status = 400
    return render(
        request,
        "qa/calibration_gold_list.html",
        {"gold_sets": sel.gold_sets_for_user(user=request.user), "form": form, **finder},
        status=status,
    )


@require_role(roles.QA_REVIEWER)
def gold_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lead(request)
    gold_set = get_object_or_404(sel.gold_sets_for_user(user=request.user), pk=pk)
    criteria = list(gold_set.version.criteria.select_related("skill"))
    items = list(gold_set.items.select_related("contact__agent__user", "contact__team").prefetch_related("answers"))
    if request.method == "POST":
        item = next((i for i in items if str(i.pk) == request.POST.get("item")), None)
        if item is None:
            messages.error(request, "Choose a conversation of this gold set.")
            return redirect("qa:calibration-gold-detail", pk=gold_set.pk)
        saved, problems = 0, []
        for criterion in criteria:
            if not criterion.applies_to(item.contact.channel):
                continue
            raw = request.POST.get(f"c{criterion.pk}", "")
            if raw == "":
                continue
            is_na = raw == "na"
            try:
                value = None if is_na else int(raw)
                services.gold_answer_set(
                    item=item,
                    criterion=criterion,
                    user=request.user,
                    value=value,
                    is_na=is_na,
                    note=request.POST.get(f"c{criterion.pk}_note", ""),
                )
                saved += 1
            except (ValueError, ValidationError) as error:
                text = _errors(error) if isinstance(error, ValidationError) else "Not a value of the scale."
                problems.append(f"{criterion.text}: {text}")
        if problems:
            messages.error(request, " ".join(problems))
        else:
            messages.success(request, f"{saved} agreed answers saved for {item.contact.external_id}.")
        return redirect("qa:calibration-gold-detail", pk=gold_set.pk)
    rows = []
    for item in items:
        answers = {a.criterion_id: a for a in item.answers.all()}
        lines = [
            {"criterion": c, "answer": answers.get(c.pk), "choices": criterion_choices(c)}
            for c in criteria
            if c.applies_to(item.contact.channel)
        ]
        rows.append({"item": item, "lines": lines, "done": sum(1 for line in lines if line["answer"])})
    return render(
        request,
        "qa/calibration_gold_detail.html",
        {
            "gold_set": gold_set,
            "rows": rows,
            "comparison": sel.gold_set_comparison(gold_set=gold_set),
            "sessions": sel.sessions_for_user(user=request.user).filter(gold_set=gold_set).order_by("-created_at"),
        },
    )


# History and vendors -----------------------------------------------------------------------------------------------


@require_role(roles.QA_REVIEWER)
def reviewer_history(request: HttpRequest, pk: int) -> HttpResponse:
    reviewer = get_object_or_404(sel.reviewers_visible_to(user=request.user), pk=pk)
    history = sel.reviewer_history(reviewer=reviewer, viewer=request.user)
    chart = {
        "labels": [row.session.title for row in history["rows"]],
        "distance": [row.distance for row in history["rows"]],
        "agreement": [row.agreement_pct for row in history["rows"]],
    }
    return render(
        request,
        "qa/calibration_history.html",
        {"reviewer": reviewer, "history": history, "chart": chart, "is_qa_lead": is_qa_lead(request.user)},
    )


@require_role(roles.QA_REVIEWER)
def vendor_view(request: HttpRequest) -> HttpResponse:
    _require_lead(request)
    figures = sel.vendor_figures(user=request.user)
    history_ids = sel.reviewer_ids_visible_to(
        user=request.user, user_ids=[row["user_id"] for row in figures["reviewers"]]
    )
    return render(request, "qa/calibration_vendors.html", {"figures": figures, "history_ids": history_ids})


def redirect_to_calibration_session(request: HttpRequest, review: Review) -> HttpResponse:
    """After a participant submits a calibration review on the review page: back to its session (whose results open
    if everyone has now scored). qa/urls.py hands this to the review page (qa.reviews.views.review_detail)."""
    assignment = CalibrationAssignment.objects.filter(review=review).select_related("item__session").first()
    if assignment is None:
        messages.success(request, "Calibration review submitted.")
        return redirect("qa:review-detail", pk=review.pk)
    session = services.session_sync(session=assignment.item.session)
    if session.status == session.Status.CLOSED:
        messages.success(request, "Submitted — everyone has scored, so the results are open.")
    else:
        messages.success(request, "Submitted. The results open when everyone has scored or the deadline passes.")
    return redirect("qa:calibration-detail", pk=session.pk)


def calibration_agent_alias(request: HttpRequest, review: Review) -> str | None:
    """For the review page: the alias ("Agent A") under which the viewer sees a calibration review's agent of another
    vendor, or None. qa/urls.py hands this to qa.reviews.views.review_detail."""
    return sel.review_agent_alias(review=review, user=request.user)
