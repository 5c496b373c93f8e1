from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError as BrokerUnavailable

from core import roles
from core.models import Channel
from core.selectors.scope import agents_for_user
from core.views import require_role
from qa import selectors, services
from qa.forms import CriterionForm, DisputeForm, MarginForm, SamplingForm, ScorecardForm, SectionForm, TemplateForm
from qa.models import Criterion, Review, SamplingRun, ScorecardSection, ScorecardTemplate, ScorecardVersion
from qa.rules import can_resolve, is_qa_lead, is_reviewer
from qa.scoring import RawAnswer, answer_label, score_answers
from qa.stats import mean_ci_from_sums, reviews_needed
from qa.text import WRITTEN_CHANNELS, transcript_hints
from qa.whatif import whatif_rescore

PERIOD_DAYS = 90


def _require_lead(request: HttpRequest) -> None:
    if not is_qa_lead(request.user):
        raise PermissionDenied("Only QA leads build scorecards and run sampling.")


# Queue -------------------------------------------------------------------------------------------------------------


@require_role(roles.QA_REVIEWER)
def queue(request: HttpRequest) -> HttpResponse:
    context = selectors.reviewer_queue(user=request.user)
    context["today"] = timezone.localdate()
    context["is_qa_lead"] = is_qa_lead(request.user)
    return render(request, "qa/review_queue.html", context)


# Reviewing ---------------------------------------------------------------------------------------------------------


def _review_form(review: Review, criteria, *, data=None) -> ScorecardForm:
    return ScorecardForm(
        data,
        criteria=criteria,
        channel=review.contact.channel,
        answers=services.review_raw_answers(review),
        initial={"lock_version": review.lock_version, "comment": review.comment},
    )


def _review_context(request: HttpRequest, review: Review, form: ScorecardForm | None, criteria) -> dict:
    user = request.user
    answers = services.review_raw_answers(review)
    live = score_answers(
        criteria=criteria, answers=form.answers() if form and form.is_bound else answers, channel=review.contact.channel
    )
    groups = selectors.criteria_by_skill(criteria, channel=review.contact.channel)
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
        "hints": transcript_hints(transcript=review.contact.transcript, channel=review.contact.channel),
        "written": review.contact.channel in WRITTEN_CHANNELS,
        "history": selectors.review_history(review=review),
        "skill_scores": skill_scores,
        "is_own": review.agent.user_id == user.pk,
        "can_resolve": can_resolve(user, review),
        "is_reviewer": is_reviewer(user),
        "dispute_form": DisputeForm(),
    }


def _shown_answer(criterion: Criterion, raw: RawAnswer | None) -> str:
    value, is_na = (raw.value, raw.is_na) if raw is not None else (None, False)
    return answer_label(criterion, value, is_na=is_na, points="of_scale_described", unanswered="Not answered")


def _is_editable_by(user, review: Review) -> bool:
    return is_reviewer(user) and services.review_is_editable(review) and review.agent.user_id != user.pk


@require_role(roles.QA_REVIEWER, roles.AGENT, roles.OPS_LEAD)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The review page: a reviewer scores a draft here; everyone else in scope reads it with its history."""
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    criteria = selectors.version_criteria(version=review.version) if review.version_id else []
    editable = _is_editable_by(request.user, review)
    form = None
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("This review cannot be edited here.")
        form = _review_form(review, criteria, data=request.POST)
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
                if submit and review.is_calibration:  # calibration hook: back to the session (may open its results)
                    return redirect_to_calibration_session(request, review)
                messages.success(request, "Review submitted and released to the agent." if submit else "Draft saved.")
                return redirect("qa:review-detail", pk=review.pk)
        else:
            status = 400
    elif editable:
        form = _review_form(review, criteria)
    return render(request, "qa/review_detail.html", _review_context(request, review, form, criteria), status=status)


@require_role(roles.QA_REVIEWER)
@require_POST
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the running total of the answers in the posted form (nothing is saved)."""
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    criteria = selectors.version_criteria(version=review.version)
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
    criteria = selectors.version_criteria(version=review.version)
    form = _review_form(review, criteria, data=request.POST)
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


@require_role(roles.AGENT)
@require_POST
def review_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            services.review_dispute(review=review, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your dispute was sent to another reviewer.")
        return redirect("qa:review-detail", pk=review.pk)
    criteria = selectors.version_criteria(version=review.version) if review.version_id else []
    context = _review_context(request, review, None, criteria)
    context["dispute_form"] = form
    return render(request, "qa/review_detail.html", context, status=400)


@require_role(roles.QA_REVIEWER)
def review_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Another reviewer settles a dispute: may change answers, must explain the decision."""
    review = get_object_or_404(selectors.review_detail_queryset(user=request.user), pk=pk)
    if not can_resolve(request.user, review):
        raise PermissionDenied("Only a reviewer other than the original one resolves a disputed review.")
    criteria = selectors.version_criteria(version=review.version)
    status = 200
    note_error = ""
    if request.method == "POST":
        form = _review_form(review, criteria, data=request.POST)
        note = request.POST.get("note", "")
        if form.is_valid():
            try:
                services.review_resolve(
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
                status = 409 if isinstance(error, services.ReviewConflict) else 400
            else:
                messages.success(request, "Dispute resolved; the agent can see the decision.")
                return redirect("qa:review-detail", pk=review.pk)
        else:
            status = 400
    else:
        form = _review_form(review, criteria)
        note = ""
    context = _review_context(request, review, form, criteria)
    context.update({"resolving": True, "note": note, "note_error": note_error})
    return render(request, "qa/review_detail.html", context, status=status)


# Agents' figures ---------------------------------------------------------------------------------------------------


def _period(request: HttpRequest):
    end = timezone.localdate()
    try:
        days = max(7, min(365, int(request.GET.get("days", PERIOD_DAYS))))
    except ValueError:
        days = PERIOD_DAYS
    return end - timedelta(days=days - 1), end, days


def _agent_page(request: HttpRequest, agent) -> HttpResponse:
    start, end, days = _period(request)
    context = selectors.agent_qa_page(agent=agent, viewer=request.user, start=start, end=end)
    context.update({"agent": agent, "start": start, "end": end, "days": days})
    context["trend_labels"] = [row["week"].isoformat() for row in context["trend"]]
    context["trend_values"] = [round(row["ci"].mean, 2) for row in context["trend"]]
    context["trend_low"] = [round(row["ci"].low, 2) if row["ci"].low is not None else None for row in context["trend"]]
    context["trend_high"] = [
        round(row["ci"].high, 2) if row["ci"].high is not None else None for row in context["trend"]
    ]
    context["trend_n"] = [row["ci"].n for row in context["trend"]]
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


# Templates ---------------------------------------------------------------------------------------------------------


@require_role(roles.QA_REVIEWER)
def template_list(request: HttpRequest) -> HttpResponse:
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        _require_lead(request)
        if form.is_valid():
            try:
                template = services.template_create(created_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("name" if hasattr(error, "error_dict") else None, error.messages)
            else:
                messages.success(request, "Template created; add sections and criteria to its draft.")
                return redirect("qa:version-detail", pk=template.versions.get().pk)
    return render(
        request,
        "qa/template_list.html",
        {"templates": selectors.template_list(user=request.user), "form": form, "can_build": is_qa_lead(request.user)},
        status=400 if form.errors else 200,
    )


@require_role(roles.QA_REVIEWER)
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Builder and preview of one version: its sections and criteria, and the scorecard a reviewer would see."""
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    channel = request.GET.get("channel") or Channel.PHONE
    if channel not in Channel.values:
        channel = Channel.PHONE
    criteria = selectors.version_criteria(version=version)
    frozen = services.version_is_frozen(version=version)
    sections = list(version.sections.order_by("position", "pk"))
    by_section = {s.pk: [] for s in sections}
    for criterion in criteria:
        by_section[criterion.section_id].append(criterion)
    preview = selectors.criteria_by_skill(criteria, channel=channel)
    context = {
        "version": version,
        "sections": [(s, by_section[s.pk]) for s in sections],
        "frozen": frozen,
        "can_build": is_qa_lead(request.user),
        "channel": channel,
        "channels": Channel.choices,
        "preview": preview,
        "preview_count": sum(len(group.criteria) for group in preview),
        "versions": version.template.versions.order_by("-number"),
        "skills_covered": sorted({c.skill.name for c in criteria}),
        "n_reviews": version.reviews.count(),
        "section_form": SectionForm(),
    }
    if request.htmx and request.GET.get("partial") == "preview":
        return render(request, "qa/partials/scorecard_preview.html", context)
    return render(request, "qa/version_detail.html", context)


@require_role(roles.QA_REVIEWER)
@require_POST
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Start editing: a version with reviews is never changed; its edits go to a (new) draft version."""
    _require_lead(request)
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    target = services.version_for_editing(version=version, user=request.user)
    if target != version:
        messages.info(request, f"v{version.number} has reviews, so your edits go to draft v{target.number}.")
    return redirect("qa:version-detail", pk=target.pk)


@require_role(roles.QA_REVIEWER)
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lead(request)
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    try:
        services.version_publish(version=version, user=request.user)
        messages.success(request, f"v{version.number} is published; new reviews use it.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("qa:version-detail", pk=version.pk)


@require_role(roles.QA_REVIEWER)
@require_POST
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lead(request)
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_save(version=version, title=form.cleaned_data["title"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "A section needs a title.")
    return redirect("qa:version-detail", pk=version.pk)


def _criterion_form_page(request, *, version, criterion=None) -> HttpResponse:
    _require_lead(request)
    if services.version_is_frozen(version=version):
        messages.error(request, "This version has reviews; start a new version to edit it.")
        return redirect("qa:version-detail", pk=version.pk)
    initial = {}
    if criterion is not None:
        initial = {
            "section": criterion.section_id,
            "skill": criterion.skill_id,
            "text": criterion.text,
            "guidance": criterion.guidance,
            "weight": criterion.weight,
            "scale": criterion.scale,
            "scale_min": criterion.scale_min,
            "scale_max": criterion.scale_max,
            "point_labels": "\n".join(criterion.point_labels or []),
            "critical": criterion.critical,
            "allow_na": criterion.allow_na,
            "channels": criterion.channels,
        }
    elif request.GET.get("section"):
        initial["section"] = request.GET["section"]
    form = CriterionForm(request.POST or None, version=version, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(section=form.cleaned_data["section"], criterion=criterion, **form.service_fields())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Criterion saved.")
            return redirect(reverse("qa:version-detail", args=[version.pk]) + "#builder")
    return render(
        request,
        "qa/criterion_form.html",
        {"form": form, "version": version, "criterion": criterion},
        status=400 if form.errors else 200,
    )


@require_role(roles.QA_REVIEWER)
def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    if not version.sections.exists():
        _require_lead(request)
        messages.error(request, "Add a section first.")
        return redirect("qa:version-detail", pk=version.pk)
    return _criterion_form_page(request, version=version)


@require_role(roles.QA_REVIEWER)
def criterion_update(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = get_object_or_404(Criterion.objects.select_related("version__template", "section"), pk=pk)
    return _criterion_form_page(request, version=criterion.version, criterion=criterion)


@require_role(roles.QA_REVIEWER)
@require_POST
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lead(request)
    criterion = get_object_or_404(Criterion.objects.select_related("version"), pk=pk)
    try:
        services.criterion_delete(criterion=criterion)
        messages.success(request, "Criterion removed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("qa:version-detail", pk=criterion.version_id)


@require_role(roles.QA_REVIEWER)
@require_POST
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_lead(request)
    section = get_object_or_404(ScorecardSection.objects.select_related("version"), pk=pk)
    try:
        services.section_delete(section=section)
        messages.success(request, "Section removed.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("qa:version-detail", pk=section.version_id)


@require_role(roles.QA_REVIEWER)
def version_whatif(request: HttpRequest, pk: int) -> HttpResponse:
    """Last period's reviews (in the lead's scope) re-scored under this version, beside their real scores."""
    _require_lead(request)
    version = get_object_or_404(selectors.version_queryset(), pk=pk)
    start, end, days = _period(request)
    rows, summary = whatif_rescore(version=version, user=request.user, start=start, end=end)
    return render(
        request,
        "qa/version_whatif.html",
        {"version": version, "rows": rows, "summary": summary, "start": start, "end": end, "days": days},
    )


# Sampling ----------------------------------------------------------------------------------------------------------


@require_role(roles.QA_REVIEWER)
def sampling(request: HttpRequest) -> HttpResponse:
    """Draw conversations to review on demand, see past draws, and how many reviews a margin needs."""
    teams = selectors.teams_in_scope(user=request.user)
    lead = is_qa_lead(request.user)
    form = SamplingForm(request.POST or None, teams=teams)
    if request.method == "POST":
        _require_lead(request)
        if form.is_valid():
            from qa.tasks import sampling_run_execute

            data = form.cleaned_data
            try:
                run = services.sampling_run_create(
                    teams=data["teams"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    per_agent=data["per_agent"],
                    seed=data["seed"],
                    channel=data["channel"],
                    max_csat=data["max_csat"],
                    min_handle_seconds=data["min_handle_seconds"],
                    created_by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                try:
                    sampling_run_execute.delay_on_commit(run.pk)
                except BrokerUnavailable:
                    messages.error(
                        request,
                        f"The sampling run (seed {run.seed}) is saved but the task queue is unreachable, so it has "
                        "not started. Try again in a few minutes.",
                    )
                    return redirect("qa:sampling-detail", pk=run.pk)
                except ValidationError as error:  # run at once (no queue configured) and lost a race with another
                    messages.error(request, " ".join(error.messages))
                    return redirect("qa:sampling-detail", pk=run.pk)
                messages.success(request, f"Sampling with seed {run.seed}; the reviews appear in reviewers' queues.")
                return redirect("qa:sampling-detail", pk=run.pk)
    margin_form = MarginForm(request.GET or None)
    margin = margin_form.cleaned_data["margin"] if margin_form.is_valid() else 5.0
    observed_sd = selectors.score_sd(user=request.user, since=timezone.localdate() - timedelta(days=PERIOD_DAYS))
    sd = observed_sd if observed_sd is not None else 15.0
    runs = (
        SamplingRun.objects.filter(teams__in=teams)
        .distinct()
        .select_related("version__template", "created_by")
        .prefetch_related("teams")
        .order_by("-created_at")[:20]
    )
    return render(
        request,
        "qa/sampling.html",
        {
            "form": form,
            "can_run": lead,
            "runs": runs,
            "margin_form": margin_form,
            "margin": margin,
            "sd": sd,
            "observed_sd": observed_sd,
            "needed": reviews_needed(sd=sd, margin=margin),
            "version": services.default_version(),
        },
        status=400 if form.errors else 200,
    )


@require_role(roles.QA_REVIEWER)
def sampling_detail(request: HttpRequest, pk: int) -> HttpResponse:
    teams = selectors.teams_in_scope(user=request.user)
    run = get_object_or_404(SamplingRun.objects.filter(teams__in=teams).distinct(), pk=pk)
    reviews = (
        selectors.reviews_for_user(user=request.user)
        .filter(sampling_run=run)
        .select_related("contact", "agent__user", "reviewer")
        .order_by("agent__user__last_name", "contact__started_at")
    )
    load = (
        reviews.order_by()
        .values("reviewer__username", "reviewer__first_name", "reviewer__last_name")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(submitted_at__isnull=False)))
        .order_by("reviewer__last_name", "reviewer__username")
    )
    return render(
        request,
        "qa/sampling_detail.html",
        {"run": run, "reviews": reviews, "load": load, "teams": run.teams.all()},
    )


@require_role(roles.QA_REVIEWER)
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ScorecardTemplate, pk=pk)
    version = (
        template.versions.filter(status=ScorecardVersion.Status.DRAFT).first()
        or template.versions.order_by("-number").first()
    )
    return redirect("qa:version-detail", pk=version.pk)


from qa.views_calibration import redirect_to_calibration_session  # noqa: E402
