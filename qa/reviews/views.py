"""Pages of reviews: the reviewer's queue, the review page (score, autosave, live score, acknowledge), agents'
figures, and the what-if of a scorecard version (last period's reviews re-scored under it)."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import roles
from core.selectors.channels import is_written
from core.selectors.scope import agents_for_user
from core.views import require_role
from qa.reviews import selectors, services
from qa.reviews.forms import ScorecardForm
from qa.reviews.models import Review
from qa.reviews.text import mask_transcript, transcript_hints
from qa.rules import can_resolve, is_qa_lead, is_reviewer, require_qa_lead
from qa.scorecards import whatif
from qa.scorecards.models import Criterion
from qa.scorecards.selectors import criteria_by_skill, version_criteria, version_queryset
from qa.scoring import RawAnswer, answer_label, score_answers
from qa.stats import mean_ci_from_sums

PERIOD_DAYS = 90


@require_role(roles.QA_REVIEWER)
def queue(request: HttpRequest) -> HttpResponse:
    context = selectors.reviewer_queue(user=request.user)
    context["today"] = timezone.localdate()
    context["is_qa_lead"] = is_qa_lead(request.user)
    return render(request, "qa/review_queue.html", context)


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
    transcript = review.contact.transcript
    if alias:
        agent_user = review.agent.user
        names = [agent_user.get_full_name(), agent_user.first_name, agent_user.last_name, agent_user.username]
        transcript = mask_transcript(transcript, names=[*names, agent_user.email], alias=alias)
    answers = services.review_raw_answers(review)
    written = is_written(review.contact.channel)
    live = score_answers(
        criteria=criteria, answers=form.answers() if form and form.is_bound else answers, channel=review.contact.channel
    )
    groups = criteria_by_skill(criteria, channel=review.contact.channel)
    skill_scores = list(review.skill_scores.select_related("skill").order_by("skill__position"))
    return {
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
        "hints": transcript_hints(transcript=transcript, channel=review.contact.channel, written=written),
        "alias": alias,
        "written": written,
        "history": selectors.review_history(review=review, internal=is_reviewer(user)),
        "skill_scores": skill_scores,
        "is_own": review.agent.user_id == user.pk,
        "can_resolve": can_resolve(user, review),
        "is_reviewer": is_reviewer(user),
        **_page_sections(user=user, review=review, criteria=criteria, answers=answers),
    }


def _shown_answer(criterion: Criterion, raw: RawAnswer | None) -> str:
    value, is_na = (raw.value, raw.is_na) if raw is not None else (None, False)
    return answer_label(criterion, value, is_na=is_na, points="of_scale_described", unanswered="Not answered")


def _is_editable_by(user, review: Review) -> bool:
    return is_reviewer(user) and services.review_is_editable(review) and review.agent.user_id != user.pk


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
                messages.success(request, "Review submitted and released to the agent." if submit else "Draft saved.")
                return redirect("qa:review-detail", pk=review.pk)
        else:
            status = 400
    elif editable:
        form = review_form(review, criteria)
    alias = calibration_alias(request, review) if calibration_alias is not None and review.is_calibration else None
    context = review_page_context(request, review, form, criteria, alias=alias)
    return render(request, "qa/review_detail.html", context, status=status)


@require_role(roles.QA_REVIEWER)
@require_POST
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the running total of the answers in the posted form (nothing is saved)."""
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    criteria = version_criteria(version=review.version)
    form = ScorecardForm(request.POST, criteria=criteria, channel=review.contact.channel)
    form.is_valid()
    live = score_answers(criteria=criteria, answers=form.answers(), channel=review.contact.channel)
    return render(
        request,
        "qa/partials/live_score.html",
        {"live": live, "skill_names": {c.skill_id: c.skill.name for c in criteria}},
    )


@require_role(roles.QA_REVIEWER)
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
