"""Hiring pages. Hiring managers see the requisitions they are on (admins all); every other role gets 403.

Candidate test pages (/hiring/t/<token>/…) need no account: the unguessable token is the only key.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from assessments import candidate_emails, forms, selectors, services
from assessments.models import (
    AptitudeAnswer,
    AptitudeQuestion,
    CandidateTest,
    Interview,
    Rating,
    Stage,
    TicketReply,
)
from core import roles
from core.readability import flesch_reading_ease, reading_ease_label
from core.views import add_service_errors, int_param, require_role

hiring_only = require_role(roles.HIRING_MANAGER)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------- requisitions


@hiring_only
def requisition_list(request: HttpRequest) -> HttpResponse:
    requisitions = selectors.requisition_list(user=request.user)
    return render(request, "assessments/requisition_list.html", {"requisitions": requisitions})


@hiring_only
def requisition_create(request: HttpRequest) -> HttpResponse:
    form = forms.RequisitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            requisition = services.requisition_create(
                title=data["title"],
                role_profile=data["role_profile"],
                team=data["team"],
                hiring_team=list(data["hiring_team"]),
                stages=data["stages"],
                openings=data["openings"],
                description=data["description"],
                created_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Requisition “{requisition}” opened.")
            return redirect("assessments:requisition-board", pk=requisition.pk)
    return render(request, "assessments/requisition_form.html", {"form": form})


@hiring_only
def requisition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    requisition = get_object_or_404(selectors.requisition_detail_queryset(user=request.user), pk=pk)
    initial = {
        "title": requisition.title,
        "role_profile": requisition.role_profile,
        "team": requisition.team,
        "hiring_team": list(requisition.hiring_team.all()),
        "stages": requisition.stages,
        "openings": requisition.openings,
        "status": requisition.status,
        "description": requisition.description,
    }
    form = forms.RequisitionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.requisition_update(
                requisition=requisition,
                title=data["title"],
                role_profile=data["role_profile"],
                team=data["team"],
                hiring_team=list(data["hiring_team"]),
                status=data["status"],
                stages=data["stages"],
                openings=data["openings"],
                description=data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Requisition saved.")
            return redirect("assessments:requisition-board", pk=requisition.pk)
    return render(request, "assessments/requisition_form.html", {"form": form, "requisition": requisition})


@hiring_only
def requisition_test_email(request: HttpRequest, pk: int) -> HttpResponse:
    """The email that carries a candidate's test link, editable by the requisition's hiring team."""
    requisition = get_object_or_404(selectors.requisition_detail_queryset(user=request.user), pk=pk)
    initial = {
        "test_email_subject": requisition.test_email_subject or candidate_emails.DEFAULT_SUBJECT,
        "test_email_body": requisition.test_email_body or candidate_emails.DEFAULT_BODY,
    }
    form = forms.TestEmailForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.requisition_test_email_set(
                requisition=requisition,
                subject=form.cleaned_data["test_email_subject"],
                body=form.cleaned_data["test_email_body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The test email is saved; links emailed from now on use it.")
            return redirect("assessments:requisition-test-email", pk=requisition.pk)
    return render(
        request,
        "assessments/requisition_test_email.html",
        {
            "requisition": requisition,
            "form": form,
            "placeholders": candidate_emails.PLACEHOLDERS,
            "is_default": not (requisition.test_email_subject or requisition.test_email_body),
        },
        status=400 if request.method == "POST" else 200,
    )


def _board_context(request: HttpRequest, requisition) -> dict:
    columns = selectors.board_candidates(requisition=requisition, user=request.user)
    return {
        "requisition": requisition,
        "columns": [
            (code, label, columns.get(code, [])) for code, label in selectors.board_columns(requisition=requisition)
        ],
        "stage_choices": requisition.stage_labels(),
    }


@hiring_only
def requisition_board(request: HttpRequest, pk: int) -> HttpResponse:
    requisition = get_object_or_404(selectors.requisition_detail_queryset(user=request.user), pk=pk)
    return render(request, "assessments/requisition_board.html", _board_context(request, requisition))


@hiring_only
def requisition_kits(request: HttpRequest, pk: int) -> HttpResponse:
    requisition = get_object_or_404(selectors.requisition_detail_queryset(user=request.user), pk=pk)
    kits = []
    labels = dict(Stage.choices)
    for stage in requisition.stages:
        kits.append(
            {
                "stage": stage,
                "label": labels[stage],
                "questions": selectors.kit_questions(requisition=requisition, stage=stage),
            }
        )
    weights = requisition.role_profile.skill_weights.select_related("skill").order_by("-weight", "skill__position")
    return render(
        request,
        "assessments/requisition_kits.html",
        {
            "requisition": requisition,
            "kits": kits,
            "weights": weights,
            "scenarios": selectors.scenario_list(),
            "written_rubric": selectors.written_rubric(),
            "tickets": selectors.mock_ticket_list(),
        },
    )


@hiring_only
def requisition_compare(request: HttpRequest, pk: int) -> HttpResponse:
    requisition = get_object_or_404(selectors.requisition_detail_queryset(user=request.user), pk=pk)
    context = selectors.comparison(requisition=requisition, user=request.user)
    return render(request, "assessments/requisition_compare.html", {"requisition": requisition, **context})


# ---------------------------------------------------------------- candidates


@hiring_only
def candidate_create(request: HttpRequest, pk: int) -> HttpResponse:
    requisition = get_object_or_404(selectors.requisition_detail_queryset(user=request.user), pk=pk)
    form = forms.CandidateForm(request.POST or None, request.FILES or None, requisition=requisition)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidate = services.candidate_create(
                requisition=requisition,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
                source=data["source"],
                cv=data.get("cv") or None,
                created_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{candidate} added at {candidate.get_stage_display()}.")
            return redirect("assessments:candidate-detail", pk=candidate.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/candidate_form.html", {"form": form, "requisition": requisition}, status=status)


@hiring_only
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(selectors.candidate_detail_queryset(user=request.user), pk=pk)
    my_interviews = list(
        candidate.interviews.filter(interviewer=request.user).select_related("scenario").order_by("stage")
    )
    tests = selectors.candidate_tests(candidate=candidate)
    replies = list(
        TicketReply.objects.filter(candidate_test__candidate=candidate, candidate_test__submitted_at__isnull=False)
        .select_related("ticket")
        .order_by("ticket__position")
    )
    for reply in replies:
        reply.reading_ease = flesch_reading_ease(reply.body)
        reply.reading_label = reading_ease_label(reply.reading_ease)
    decided = candidate.stage in (Stage.HIRED, Stage.REJECTED)
    can_see_others = selectors.can_see_others_ratings(user=request.user, candidate=candidate)
    return render(
        request,
        "assessments/candidate_detail.html",
        {
            "candidate": candidate,
            "history": selectors.candidate_history(
                candidate=candidate, user=request.user, can_see_others=can_see_others
            ),
            "my_interviews": my_interviews,
            "tests": tests,
            "replies": replies,
            "aptitude": selectors.aptitude_results(candidate=candidate),
            "start_form": forms.InterviewStartForm(
                requisition=candidate.requisition, initial={"stage": candidate.stage}
            ),
            "move_form_stages": candidate.requisition.stage_labels(),
            "link_form": forms.IssueLinkForm(),
            "hire_form": None if decided else forms.HireForm(candidate=candidate),
            "reject_form": None if decided else forms.RejectForm(),
            "can_see_others": can_see_others,
            "new_link": request.session.pop(f"new_link_{candidate.pk}", None),
        },
    )


@hiring_only
def candidate_cv(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(selectors.candidate_detail_queryset(user=request.user), pk=pk)
    if not candidate.cv:
        raise Http404("No CV uploaded.")
    return FileResponse(candidate.cv.open("rb"), as_attachment=True, filename=candidate.cv.name.rsplit("/", 1)[-1])


@hiring_only
@require_POST
def candidate_move(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(
        selectors.candidate_detail_queryset(user=request.user).select_related("requisition"), pk=pk
    )
    form = forms.MoveForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.candidate_move(
                candidate=candidate,
                to_stage=form.cleaned_data["to_stage"],
                moved_by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            error = _error_text(exc)
    else:
        error = "Choose a stage of this requisition."
    if request.htmx:
        context = _board_context(request, candidate.requisition)
        context["board_error"] = error
        return render(request, "assessments/partials/board.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{candidate} moved to {candidate.get_stage_display()}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("assessments:candidate-detail", args=[candidate.pk])  # never off-site (open redirect)
    return redirect(next_url)


@hiring_only
@require_POST
def candidate_issue_link(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(selectors.candidate_detail_queryset(user=request.user), pk=pk)
    form = forms.IssueLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the test and a validity of 1 to 30 days.")
    else:
        try:
            test, token = services.candidate_test_issue(
                candidate=candidate,
                kind=form.cleaned_data["kind"],
                valid_days=form.cleaned_data["valid_days"],
                created_by=request.user,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            # Shown once on the next page; only the token's hash is stored.
            request.session[f"new_link_{candidate.pk}"] = {
                "url": request.build_absolute_uri(reverse("assessments:take-test", args=[token])),
                "kind": test.get_kind_display(),
                "expires_at": test.expires_at.isoformat(),
            }
    return redirect("assessments:candidate-detail", pk=candidate.pk)


@hiring_only
@require_POST
def candidate_email_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a link and email it to the candidate (through the outbox, from the requisition's template)."""
    candidate = get_object_or_404(selectors.candidate_detail_queryset(user=request.user), pk=pk)
    form = forms.IssueLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the test and a validity of 1 to 30 days.")
    else:
        try:
            test = services.candidate_test_issue_and_email(
                candidate=candidate,
                kind=form.cleaned_data["kind"],
                valid_days=form.cleaned_data["valid_days"],
                created_by=request.user,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                f"{test.get_kind_display()} link created and its email queued to {candidate.email}; "
                "the test shows “Sent” once the mail server has taken it.",
            )
    return redirect("assessments:candidate-detail", pk=candidate.pk)


@hiring_only
@require_POST
def candidate_test_email(request: HttpRequest, pk: int) -> HttpResponse:
    """Email an existing link: one created to copy, or one whose email failed (send again)."""
    test = get_object_or_404(selectors.candidate_tests_for_user(user=request.user), pk=pk)
    try:
        services.candidate_test_email(test=test)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"The {test.get_kind_display().lower()} email is queued to the candidate.")
    return redirect("assessments:candidate-detail", pk=test.candidate_id)


@hiring_only
@require_POST
def candidate_reject(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(selectors.candidate_detail_queryset(user=request.user), pk=pk)
    form = forms.RejectForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_reject(
                candidate=candidate, decided_by=request.user, reasons=form.cleaned_data["reasons"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"{candidate} was not selected; the reasons are recorded.")
    else:
        messages.error(request, "Record the reasons for the decision.")
    return redirect("assessments:candidate-detail", pk=candidate.pk)


@hiring_only
def candidate_hire(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(selectors.candidate_detail_queryset(user=request.user), pk=pk)
    form = forms.HireForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agent = services.candidate_hire(
                candidate=candidate,
                decided_by=request.user,
                reasons=data["reasons"],
                team=data["team"],
                start_date=data["start_date"],
                employee_id=data["employee_id"],
                username=data["username"] or None,
                channels=data["channels"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{candidate} is hired: agent {agent.employee_id} in {agent.team}, with their baseline kept. "
                f"An invitation to choose a password is emailed to {agent.user.email}.",
            )
            return redirect("assessments:candidate-detail", pk=candidate.pk)
    return render(
        request,
        "assessments/candidate_hire.html",
        {"candidate": candidate, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@hiring_only
def candidate_scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(selectors.candidate_detail_queryset(user=request.user), pk=pk)
    if not selectors.can_see_others_ratings(user=request.user, candidate=candidate):
        return render(request, "assessments/candidate_scorecard_blind.html", {"candidate": candidate})
    card = selectors.scorecard(candidate=candidate)
    labels = dict(Stage.choices)
    return render(
        request,
        "assessments/candidate_scorecard.html",
        {
            "candidate": candidate,
            "card": card,
            "stages": [(code, labels[code]) for code in candidate.requisition.stages if code != Stage.APTITUDE],
            "others": selectors.others_interviews(candidate=candidate, user=request.user),
        },
    )


# ---------------------------------------------------------------- interviews


@hiring_only
@require_POST
def interview_start(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(selectors.candidate_detail_queryset(user=request.user), pk=pk)
    form = forms.InterviewStartForm(request.POST, requisition=candidate.requisition)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        return redirect("assessments:candidate-detail", pk=candidate.pk)
    try:
        interview = services.interview_start(
            candidate=candidate,
            stage=form.cleaned_data["stage"],
            interviewer=request.user,
            scenario=form.cleaned_data["scenario"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("assessments:candidate-detail", pk=candidate.pk)
    return redirect("assessments:interview-detail", pk=interview.pk)


def _interview_for(request: HttpRequest, pk: int) -> Interview:
    queryset = selectors.interview_queryset(user=request.user).prefetch_related(
        Prefetch("ratings", queryset=Rating.objects.order_by("pk"))
    )
    return get_object_or_404(queryset, pk=pk)


@hiring_only
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview_for(request, pk)
    items = selectors.interview_items(interview=interview)
    for item in items:
        if item.reply is not None:
            item.reading_ease = flesch_reading_ease(item.reply.body)
            item.reading_label = reading_ease_label(item.reading_ease)
    rated = sum(1 for item in items if item.rating and (item.rating.score or item.rating.not_enough_evidence))
    return render(
        request,
        "assessments/interview_detail.html",
        {
            "interview": interview,
            "candidate": interview.candidate,
            "items": items,
            "rated": rated,
            "submit_form": forms.SubmitInterviewForm(
                initial={"recommendation": interview.recommendation, "notes": interview.notes}
            ),
            "scores": [1, 2, 3, 4],
        },
    )


@hiring_only
@require_POST
def rating_save(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview_for(request, pk)
    key = request.POST.get("item", "")
    score = request.POST.get(f"score-{key}") or None
    error = None
    if score is not None and int_param(score) is None:
        error = "Rate from 1 to 4, or mark 'not enough evidence'."
    else:
        try:
            services.rating_save(
                interview=interview,
                item_key=key,
                score=int_param(score),
                not_enough_evidence=request.POST.get(f"nee-{key}") == "on",
                evidence=request.POST.get(f"evidence-{key}", "")[:5000],
            )
        except ValidationError as exc:
            error = _error_text(exc)
    if request.htmx:
        interview = _interview_for(request, pk)
        item = next(
            (i for i in selectors.interview_items(interview=interview) if i.key == request.POST.get("item")), None
        )
        if item is None:
            return HttpResponse(error or "Unknown item.", status=400)
        return render(
            request,
            "assessments/partials/rating_status.html",
            {"item": item, "error": error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect("assessments:interview-detail", pk=interview.pk)


def _posted_ratings(request: HttpRequest) -> list:
    """The ratings the interview form posts: the whole form comes on submit, so ratings typed without autosave (no
    JavaScript) are kept too. Items left untouched are left out."""
    ratings = []
    for key in request.POST.getlist("items"):
        score = request.POST.get(f"score-{key}") or None
        nee = request.POST.get(f"nee-{key}") == "on"
        evidence = request.POST.get(f"evidence-{key}", "")
        if score is None and not nee and not evidence:
            continue
        ratings.append(
            services.RatingInput(item_key=key, score=int_param(score), not_enough_evidence=nee, evidence=evidence)
        )
    return ratings


@hiring_only
@require_POST
def interview_submit(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview_for(request, pk)
    form = forms.SubmitInterviewForm(request.POST)
    decision = form.cleaned_data if form.is_valid() else {}
    try:
        services.interview_submit_posted(
            interview=interview,
            ratings=_posted_ratings(request),
            recommendation=decision.get("recommendation"),
            notes=decision.get("notes", ""),
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("assessments:interview-detail", pk=interview.pk)
    messages.success(request, "Your scores are submitted. You can now see the other interviewers' ratings.")
    return redirect("assessments:candidate-scorecard", pk=interview.candidate_id)


# ---------------------------------------------------------------- bank and report


@hiring_only
def question_bank(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/question_bank.html",
        {"questions": selectors.question_bank(), "scenarios": selectors.scenario_list()},
    )


@hiring_only
def predictive_report(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/report.html", {"report": selectors.predictive_report(user=request.user)})


# ---------------------------------------------------------------- candidate self-serve tests (no account)

_UNAVAILABLE = {
    "unknown": "This link is not valid. Check that you copied the whole address from your email.",
    "used": "This test has already been submitted. Thank you — the hiring team has your answers.",
    "expired": "This link has expired. Please contact the recruiter if you still want to take the test.",
    "replaced": "This link was replaced by a newer one. Please use the most recent link the recruiter gave you.",
    "closed": "This test is no longer available: the hiring team has closed this application. Thank you for your "
    "interest.",
    "time_up": "Time is up: the test was submitted with the answers you had saved.",
}


def _int(value) -> int:
    return int_param(value) or 0


def _open_test(token: str):
    try:
        return services.candidate_test_for_token(token=token), None
    except services.LinkUnavailable as exc:
        return None, exc.reason


def _unavailable(request: HttpRequest, reason: str) -> HttpResponse:
    status = 404 if reason == "unknown" else 410
    return render(request, "assessments/take_unavailable.html", {"message": _UNAVAILABLE[reason]}, status=status)


@never_cache  # a candidate's answers, reached by a secret link without signing in: no cache keeps them
def take_test(request: HttpRequest, token: str) -> HttpResponse:
    test, reason = _open_test(token)
    if test is None:
        return _unavailable(request, reason)
    services.candidate_test_open(test=test)  # the first visit shows as "Opened" to the hiring team
    context = {"test": test, "token": token, "first_name": test.candidate.first_name}
    if test.kind == CandidateTest.Kind.MOCK_TICKET:
        services.candidate_test_start(test=test)
        replies = {reply.ticket_id: reply.body for reply in test.replies.all()}
        tickets = list(selectors.mock_ticket_list())
        for ticket in tickets:
            ticket.reply_body = replies.get(ticket.pk, "")
        context["tickets"] = tickets
        return render(request, "assessments/take_mock_tickets.html", context)
    if test.started_at is None:
        if request.method == "POST" and request.POST.get("start"):
            services.candidate_test_start(test=test)
            return redirect("assessments:take-test", token=token)
        return render(request, "assessments/take_aptitude_intro.html", context)
    answers = dict(AptitudeAnswer.objects.filter(candidate_test=test).values_list("question_id", "choice"))
    questions = list(AptitudeQuestion.objects.filter(test_id=test.aptitude_test_id).order_by("position"))
    for question in questions:
        question.chosen = answers.get(question.pk)
    deadline = services.aptitude_deadline(test=test)
    context.update(
        {
            "questions": questions,
            "deadline": deadline,
            "seconds_left": max(0, int((deadline - timezone.now()).total_seconds())),
            "answered": len(answers),
        }
    )
    return render(request, "assessments/take_aptitude.html", context)


@never_cache
@require_POST
def take_save(request: HttpRequest, token: str) -> HttpResponse:
    """Autosave one reply or one answer (htmx); answers nothing but a short status."""
    test, reason = _open_test(token)
    if test is None:
        return HttpResponse(_UNAVAILABLE[reason], status=410 if reason != "unknown" else 404)
    try:
        if test.kind == CandidateTest.Kind.MOCK_TICKET:
            ticket = get_object_or_404(selectors.mock_ticket_list(), pk=_int(request.POST.get("ticket")))
            body = request.POST.get(f"body-{ticket.pk}", request.POST.get("body", ""))
            services.ticket_reply_save(test=test, ticket=ticket, body=body)
        else:
            question = get_object_or_404(
                AptitudeQuestion.objects.filter(test_id=test.aptitude_test_id), pk=_int(request.POST.get("question"))
            )
            choice = int_param(request.POST.get(f"q-{question.pk}", request.POST.get("choice")))
            if choice is None:
                raise ValidationError("Choose one of the answers.")
            services.aptitude_answer_save(test=test, question=question, choice=choice)
    except ValidationError as error:
        return HttpResponse(_error_text(error), status=400)
    return render(request, "assessments/partials/saved.html", {"at": timezone.now()})


def _posted_numbered(request: HttpRequest, prefix: str) -> dict[int, str]:
    """{id: value} of the posted fields named `prefix` + an id (body-12, q-7); other names are ignored."""
    posted = {}
    for name, value in request.POST.items():
        pk = int_param(name.removeprefix(prefix)) if name.startswith(prefix) else None
        if pk is not None:
            posted[pk] = value
    return posted


def _posted_choices(request: HttpRequest) -> dict[int, int]:
    """{question id: choice} of the aptitude answers posted as whole numbers (anything else is left out)."""
    choices = {pk: int_param(value) for pk, value in _posted_numbered(request, "q-").items()}
    return {pk: choice for pk, choice in choices.items() if choice is not None}


@never_cache
@require_POST
def take_submit(request: HttpRequest, token: str) -> HttpResponse:
    test, reason = _open_test(token)
    if test is None:
        return _unavailable(request, reason)
    try:
        services.candidate_test_submit_posted(
            test=test, replies=_posted_numbered(request, "body-"), choices=_posted_choices(request)
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("assessments:take-test", token=token)
    return render(request, "assessments/take_done.html", {"test": test, "first_name": test.candidate.first_name})
