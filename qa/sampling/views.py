"""Pages of sampling: draw conversations to review on demand, past draws, a run's reviews and reviewer load."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core import roles
from core.views import require_role
from qa.reviews.selectors import score_sd
from qa.reviews.views import PERIOD_DAYS
from qa.rules import is_qa_lead, require_qa_lead
from qa.sampling import selectors, services
from qa.sampling.forms import MarginForm, SamplingForm
from qa.scorecards.selectors import RuleExplainer
from qa.scorecards.services import default_version
from qa.stats import reviews_needed


@require_role(roles.QA_REVIEWER)
def sampling(request: HttpRequest) -> HttpResponse:
    """Draw conversations to review on demand, see past draws, and how many reviews a margin needs."""
    teams = selectors.teams_in_scope(user=request.user)
    lead = is_qa_lead(request.user)
    form = SamplingForm(request.POST or None, teams=teams)
    preview = None
    confirm_fields: list[tuple[str, str]] = []
    if request.method == "POST":
        require_qa_lead(request.user)
        if form.is_valid() and not request.POST.get("confirm"):
            # First the preview (nothing saved): how many per agent and per reviewer, then a confirm with its seed.
            try:
                preview = services.sampling_preview(**form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                confirm_fields = [
                    (name, value)
                    for name in form.fields
                    if name != "seed"
                    for value in request.POST.getlist(name)
                    if value != ""
                ] + [("seed", str(preview.seed))]
        elif form.is_valid():
            try:
                started = services.sampling_run_start(created_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if started.problem:
                    messages.error(request, started.problem)
                else:
                    messages.success(
                        request, f"Sampling with seed {started.run.seed}; the reviews appear in reviewers' queues."
                    )
                return redirect("qa:sampling-detail", pk=started.run.pk)
    margin_form = MarginForm(request.GET or None)
    margin = margin_form.cleaned_data["margin"] if margin_form.is_valid() else 5.0
    observed_sd = score_sd(user=request.user, since=timezone.localdate() - timedelta(days=PERIOD_DAYS))
    sd = observed_sd if observed_sd is not None else 15.0
    runs = selectors.recent_runs(teams=teams)
    explainer = RuleExplainer() if lead else None
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
            "version": default_version(),
            # By rules (the form's default), which scorecard each team's conversations get.
            "team_scorecards": [explainer.for_team(team) for team in teams] if explainer else [],
            "preview": preview,
            "confirm_fields": confirm_fields,
        },
        status=400 if form.errors else 200,
    )


@require_role(roles.QA_REVIEWER)
def sampling_detail(request: HttpRequest, pk: int) -> HttpResponse:
    teams = selectors.teams_in_scope(user=request.user)
    run = get_object_or_404(selectors.runs_for_teams(teams=teams), pk=pk)
    reviews = selectors.run_reviews(run=run, user=request.user)
    load = selectors.reviewer_load(reviews)
    return render(
        request,
        "qa/sampling_detail.html",
        {"run": run, "reviews": reviews, "load": load, "teams": run.teams.all()},
    )
