"""Pages of reviews (the queue is in qa.reviews.queue_views): the review page (score, autosave, live score,
acknowledge), agents' figures, the what-if of a scorecard version (last period's reviews re-scored under it) and its
preview as a reviewer (the review page's own scoring form)."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import roles
from core.selectors.channels import channel_name, is_written
from core.selectors.scope import agents_for_user
from core.views import int_param, require_role
from qa.reviews import queue_views, selectors, services
from qa.reviews.forms import ScorecardForm
from qa.reviews.models import Review
from qa.rules import can_resolve, is_qa_lead, is_reviewer, require_qa_lead
from qa.scorecards import whatif
from qa.scorecards.models import Criterion, ScorecardVersion
from qa.scorecards.selectors import criteria_by_skill, preview_channel, version_criteria, version_queryset
from qa.scoring import RawAnswer, answer_label, score_answers
from qa.stats import mean_ci_from_sums

PERIOD_DAYS = 90

# The conversation view beside the scorecard (turns, recording, case timeline). qa.conversations builds on reviews
# (its case timeline links to them), so QaConfig.ready() registers its builder here instead of this module importing
# it: conversation(contact=, user=, alias=, written=).
CONVERSATION_VIEW: list[Callable[..., object]] = []


def register_conversation_view(builder: Callable[..., object]) -> None:
    CONVERSATION_VIEW[:] = [builder]


def review_form(review: Review, criteria, *, data=None) -> ScorecardForm:
    return ScorecardForm(
        data,
        criteria=criteria,
        channel=review.contact.channel,
        answers=services.review_raw_answers(review),
        initial={"lock_version": review.lock_version, "comment": review.comment},
    )


# What other QA topics show on the review page, each a function (user, review, criteria, answers) -> context: they
# build on reviews, so they register here (qa.apps) instead of this module importing them. Disputes add the dispute
# form and its deadline, a resolution waiting for a QA lead, and the review's thread.
REVIEW_PAGE_SECTIONS: list[Callable[..., dict]] = []


def _page_sections(**kwargs) -> dict:
    context: dict = {}
    for section in REVIEW_PAGE_SECTIONS:
        context.update(section(**kwargs))
    return context


def review_page_context(
    request: HttpRequest, review: Review, form: ScorecardForm | None, criteria, *, alias: str | None = None
) -> dict:
    """`alias` ("Agent A"): the agent is another vendor's, in a shared calibration; their names and the customer's
    details are masked for this viewer."""
    user = request.user
    contact = review.contact
    if contact.agent_id == review.agent_id:  # already loaded with the review: no query for the conversation view
        contact.agent = review.agent
    if contact.team_id == review.team_id:
        contact.team = review.team
    answers = services.review_raw_answers(review)
    written = is_written(review.contact.channel)
    live = score_answers(
        criteria=criteria, answers=form.answers() if form and form.is_bound else answers, channel=review.contact.channel
    )
    groups = criteria_by_skill(criteria, channel=review.contact.channel)
    skill_scores = list(review.skill_scores.select_related("skill").order_by("skill__position"))
    context = {
        "review": review,
        "form": form,
        "answer_groups": [
            (group.skill, [(c, answers.get(c.pk), _shown_answer(c, answers.get(c.pk))) for c in group.criteria])
            for group in groups
        ],
        "skill_score_map": {s.skill_id: s.score for s in skill_scores},
        "live": live,
        "skill_names": {c.skill_id: c.skill.name for c in criteria},
        "answers": answers,
        "conv": CONVERSATION_VIEW[0](contact=contact, user=user, alias=alias, written=written)
        if CONVERSATION_VIEW
        else None,
        "alias": alias,
        "written": written,
        "history": selectors.review_history(review=review, internal=is_reviewer(user)),
        "skill_scores": skill_scores,
        "is_own": review.agent.user_id == user.pk,
        "can_resolve": can_resolve(user, review),
        "is_reviewer": is_reviewer(user),
        **_page_sections(user=user, review=review, criteria=criteria, answers=answers),
    }
    # Origins: the agent's self-review beside the reviewer's, and the time spent (reviewer and leads only).
    context.update(selectors.self_review_beside(review=review, user=user, criteria=criteria))
    context["shows_time"] = not review.is_calibration and (
        review.reviewer_id == user.pk
        and review.origin != Review.Origin.SELF
        or is_qa_lead(user)
        or roles.has_role(user, roles.OPS_LEAD)
    )
    if context["shows_time"]:
        context["time_spent"] = selectors.duration_label(review.active_seconds)
        if review.opened_at and review.submitted_at:
            context["time_to_grade"] = selectors.duration_label(
                (review.submitted_at - review.opened_at).total_seconds()
            )
    # The heartbeat runs while the review's own reviewer has its scoring form open (not when resolving a dispute).
    context["tracks_time"] = bool(form) and review.reviewer_id == user.pk and services.review_is_editable(review)
    return context


def _shown_answer(criterion: Criterion, raw: RawAnswer | None) -> str:
    value, is_na = (raw.value, raw.is_na) if raw is not None else (None, False)
    return answer_label(criterion, value, is_na=is_na, points="of_scale_described", unanswered="Not answered")


def _is_editable_by(user, review: Review) -> bool:
    if not services.review_is_editable(review):
        return False
    if review.origin == Review.Origin.SELF:  # the agent's own self-review: theirs alone
        return review.agent.user_id == user.pk
    return is_reviewer(user) and review.agent.user_id != user.pk


@require_role(roles.QA_REVIEWER, roles.AGENT, roles.OPS_LEAD)
def review_detail(request: HttpRequest, pk: int, after_calibration_submit=None, calibration_alias=None) -> HttpResponse:
    """The review page: a reviewer scores a draft here; everyone else in scope reads it with its history.

    `after_calibration_submit(request, review)` answers once a calibration review is submitted (qa/urls.py passes
    qa.calibration.views.redirect_to_calibration_session: calibration builds on reviews, not the other way round);
    `calibration_alias(request, review)` names another vendor's agent in a shared calibration ("Agent A")."""
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    criteria = version_criteria(version=review.version) if review.version_id else []
    editable = _is_editable_by(request.user, review)
    form = None
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("This review cannot be edited here.")
        form = review_form(review, criteria, data=request.POST)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            # Next after submitting (the queue's order is read before this review leaves it)
            queue_query = request.POST.get("queue", "")
            advance = submit and not review.is_calibration and selectors.reviewer_auto_advance(user=request.user)
            order = queue_views.open_order(user=request.user, query=queue_query) if advance else []
            try:
                services.review_save(
                    review=review,
                    actor=request.user,
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                    lock_version=form.cleaned_data["lock_version"],
                    submit=submit,
                )
            except services.ReviewConflict as error:
                form.add_error(None, error)
                form.conflict = True
                status = 409
            except ValidationError as error:
                form.add_service_error(error)
                status = 400
            else:
                if submit and review.is_calibration:  # back to its session (which may open its results)
                    if after_calibration_submit is not None:
                        return after_calibration_submit(request, review)
                    messages.success(request, "Calibration review submitted.")
                    return redirect("qa:review-detail", pk=review.pk)
                if review.origin == Review.Origin.SELF:
                    if not submit:
                        messages.success(request, "Draft saved.")
                        return redirect("qa:review-detail", pk=review.pk)
                    messages.success(request, "Self-review submitted: it is shown beside the reviewer's score.")
                    reviewed = selectors.reviewed_by_reviewer(self_review=review, user=request.user)
                    return redirect("qa:review-detail", pk=reviewed.pk if reviewed else review.pk)
                if advance:
                    return queue_views.advance_after_submit(request, review, order=order, query=queue_query)
                messages.success(request, "Review submitted and released to the agent." if submit else "Draft saved.")
                return redirect(queue_views.review_url(review.pk, queue_query))
        else:
            status = 400
    elif editable:
        form = review_form(review, criteria)
        services.review_opened(review=review, user=request.user)  # time to grade runs from the first opening
    alias = calibration_alias(request, review) if calibration_alias is not None and review.is_calibration else None
    context = review_page_context(request, review, form, criteria, alias=alias)
    return render(request, "qa/review_detail.html", context, status=status)


@require_role(roles.QA_REVIEWER, roles.AGENT)
@require_POST
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the running total of the answers in the posted form (nothing is saved)."""
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    if not is_reviewer(request.user) and not _is_editable_by(request.user, review):
        raise PermissionDenied("Only reviewers, and an agent on their own self-review, score here.")
    criteria = version_criteria(version=review.version)
    form = ScorecardForm(request.POST, criteria=criteria, channel=review.contact.channel)
    form.is_valid()
    live = score_answers(criteria=criteria, answers=form.answers(), channel=review.contact.channel)
    return render(
        request,
        "qa/partials/live_score.html",
        {"live": live, "skill_names": {c.skill_id: c.skill.name for c in criteria}},
    )


@require_role(roles.QA_REVIEWER, roles.AGENT)
@require_POST
def review_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save the draft as the reviewer types ("Save draft" without the button) and answer with a status line;
    the new lock_version goes back out of band, so the next save is not refused as stale."""
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    context = {"review": review, "saved_at": None, "error": None, "conflict": False, "lock_version": None}
    if not _is_editable_by(request.user, review):
        context["error"] = "this review can no longer be edited here. Reload it."
        return render(request, "qa/partials/autosave_status.html", context, status=403)
    criteria = version_criteria(version=review.version)
    form = review_form(review, criteria, data=request.POST)
    status = 200
    if not form.is_valid():
        context["error"] = "some answers need attention; save the draft to see which."
        status = 400
    else:
        try:
            review = services.review_save(
                review=review,
                actor=request.user,
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                lock_version=form.cleaned_data["lock_version"],
                autosave=True,
            )
        except services.ReviewConflict as error:
            context.update(error=" ".join(error.messages), conflict=True)
            status = 409
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            status = 400
        else:
            # Nothing saved yet (an autosave that changed nothing on a fresh draft): keep the first status line.
            saved_at = review.updated_at if review.lock_version else None
            context.update(review=review, saved_at=saved_at, lock_version=review.lock_version)
    return render(request, "qa/partials/autosave_status.html", context, status=status)


@require_role(roles.AGENT)
@require_POST
def review_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    try:
        services.review_acknowledge(review=review, user=request.user)
        messages.success(request, "Thanks — the review is acknowledged.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("qa:review-detail", pk=review.pk)


def _period(request: HttpRequest):
    end = timezone.localdate()
    try:
        days = max(7, min(365, int(request.GET.get("days", PERIOD_DAYS))))
    except ValueError:
        days = PERIOD_DAYS
    return end - timedelta(days=days - 1), end, days


def trend_series(trend: list[dict]) -> dict:
    """The chart's data: one point per week, None where a week has no reviews (the line breaks there), and the 95%
    band's low and high both None where either is missing (a week with one review), so the band is only drawn
    between two real bounds."""
    values, low, high = [], [], []
    for row in trend:
        ci = row["ci"]
        values.append(round(ci.mean, 2) if ci.n and ci.mean is not None else None)
        banded = ci.n and ci.low is not None and ci.high is not None
        low.append(round(ci.low, 2) if banded else None)
        high.append(round(ci.high, 2) if banded else None)
    return {
        "trend_labels": [row["week"].isoformat() for row in trend],
        "trend_values": values,
        "trend_low": low,
        "trend_high": high,
        "trend_n": [row["ci"].n for row in trend],
    }


def _agent_page(request: HttpRequest, agent) -> HttpResponse:
    start, end, days = _period(request)
    context = selectors.agent_qa_page(agent=agent, viewer=request.user, start=start, end=end)
    context.update({"agent": agent, "start": start, "end": end, "days": days})
    context.update(trend_series(context["trend"]))
    return render(request, "qa/agent_reviews.html", context)


@require_role(roles.AGENT)
def my_reviews(request: HttpRequest) -> HttpResponse:
    agent = get_object_or_404(agents_for_user(user=request.user).select_related("user", "team"), user=request.user)
    return _agent_page(request, agent)


@require_role(roles.QA_REVIEWER, roles.OPS_LEAD)
def agent_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    agent = get_object_or_404(agents_for_user(user=request.user).select_related("user", "team"), pk=pk)
    return _agent_page(request, agent)


@require_role(roles.QA_REVIEWER, roles.OPS_LEAD)
def agent_list(request: HttpRequest) -> HttpResponse:
    start, end, days = _period(request)
    agents = list(selectors.agents_with_figures(user=request.user, start=start, end=end))
    for agent in agents:
        agent.qa = mean_ci_from_sums(n=agent.qa_n, total=agent.qa_total, total_sq=agent.qa_total_sq)
        agent.targeted = mean_ci_from_sums(
            n=agent.targeted_n, total=agent.targeted_total, total_sq=agent.targeted_total_sq
        )
    teams = selectors.team_figures(user=request.user, start=start, end=end)
    return render(
        request,
        "qa/agent_list.html",
        {"agents": agents, "teams": teams, "start": start, "end": end, "days": days},
    )


@require_role(roles.QA_REVIEWER)
def version_whatif(request: HttpRequest, pk: int) -> HttpResponse:
    """Last period's reviews (in the lead's scope) re-scored under this version, beside their real scores."""
    require_qa_lead(request.user)
    version = get_object_or_404(version_queryset(), pk=pk)
    start, end, days = _period(request)
    reviews = selectors.whatif_reviews(version=version, user=request.user, start=start, end=end, limit=whatif.LIMIT)
    rows, summary = whatif.whatif_rescore(version=version, reviews=reviews)
    return render(
        request,
        "qa/version_whatif.html",
        {"version": version, "rows": rows, "summary": summary, "start": start, "end": end, "days": days},
    )


# ------------------------------------------------------------------------- self-review and time spent (origins)


@require_role(roles.AGENT)
@require_POST
def review_self_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The agent starts (or goes back to) their own review of a conversation whose review was released to them."""
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    try:
        self_review = services.self_review_start(review=review, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("qa:review-detail", pk=review.pk)
    return redirect("qa:review-detail", pk=self_review.pk)


@require_role(roles.QA_REVIEWER, roles.AGENT)
@require_POST
def review_time(request: HttpRequest, pk: int) -> HttpResponse:
    """A heartbeat of the review page (static/qa/js/review_time.js): `seconds` of active time since the last one.
    Only the review's own reviewer, while the review is a draft; 204 when recorded, 400 on a bad number."""
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    if review.reviewer_id != request.user.pk or not _is_editable_by(request.user, review):
        raise PermissionDenied("Only the review's reviewer records time on it while it is a draft.")
    seconds = int_param(request.POST.get("seconds"))
    try:
        services.review_time_add(review=review, user=request.user, seconds=-1 if seconds is None else seconds)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    return HttpResponse(status=204)


@require_role(roles.QA_REVIEWER)
def version_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring form exactly as a reviewer sees it on a conversation of the chosen channel (criteria grouped by
    skill, other channels' criteria hidden), with a live score; nothing is saved. A draft is published from here."""
    version = get_object_or_404(version_queryset(), pk=pk)
    channel, channels = preview_channel(request.GET.get("channel"))
    criteria = version_criteria(version=version)
    form = ScorecardForm(criteria=criteria, channel=channel, initial={"lock_version": 0})
    return render(
        request,
        "qa/version_preview.html",
        {
            "version": version,
            "form": form,
            "channel": channel,
            "channel_label": channel_name(channel),
            "channels": channels,
            "hidden_count": len(criteria) - len(form.criteria),
            "live": score_answers(criteria=criteria, answers={}, channel=channel),
            "skill_names": {c.skill_id: c.skill.name for c in criteria},
            "can_publish": is_qa_lead(request.user) and version.status == ScorecardVersion.Status.DRAFT,
        },
    )


@require_role(roles.QA_REVIEWER)
@require_POST
def version_preview_score(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the live score of the preview's answers (nothing is saved)."""
    version = get_object_or_404(version_queryset(), pk=pk)
    channel, _ = preview_channel(request.GET.get("channel"))
    criteria = version_criteria(version=version)
    form = ScorecardForm(request.POST, criteria=criteria, channel=channel)
    form.is_valid()
    live = score_answers(criteria=criteria, answers=form.answers(), channel=channel)
    return render(
        request,
        "qa/partials/live_score.html",
        {"live": live, "skill_names": {c.skill_id: c.skill.name for c in criteria}},
    )
