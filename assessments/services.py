"""Writes for hiring: requisitions, candidates and moves, interviews and ratings, candidate test links, decisions."""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assessments import candidate_emails
from assessments.models import (
    ASSESSMENT_STAGES,
    STAGE_MOVE_REASON,
    AgentSkillBaseline,
    AptitudeAnswer,
    AptitudeQuestion,
    AptitudeTest,
    Candidate,
    CandidateTest,
    Interview,
    MockTicket,
    Rating,
    Requisition,
    Scenario,
    Stage,
    StageMove,
    TicketReply,
)
from core import roles, security
from core.models import Agent, Notice, RoleProfile, Team, User, Vendor
from core.notifications import emails, outbox
from core.notifications.services import notify

LINK_VALID_DAYS = 7


def _check_hiring_team(users) -> None:
    for user in users:
        if not roles.has_role(user, roles.HIRING_MANAGER):
            raise ValidationError({"hiring_team": f"{user} is not a hiring manager."})


@transaction.atomic
def requisition_create(
    *,
    title: str,
    role_profile: RoleProfile,
    hiring_team: list[User],
    created_by: User,
    team: Team | None = None,
    stages: list[str] | None = None,
    openings: int = 1,
    description: str = "",
) -> Requisition:
    team_members = list(hiring_team)
    # A hiring manager who opens a requisition is on it; an admin may open one for others.
    if created_by not in team_members and not roles.is_admin(created_by):
        team_members.append(created_by)
    if not team_members:
        raise ValidationError({"hiring_team": "A requisition needs at least one hiring manager."})
    _check_hiring_team(team_members)
    requisition = Requisition(
        title=title,
        role_profile=role_profile,
        team=team,
        stages=_clean_stages(stages),
        openings=openings,
        description=description,
        created_by=created_by,
    )
    requisition.full_clean()
    requisition.save()
    requisition.hiring_team.set(team_members)
    return requisition


@transaction.atomic
def requisition_update(
    *,
    requisition: Requisition,
    title: str,
    role_profile: RoleProfile,
    hiring_team: list[User],
    status: str,
    team: Team | None = None,
    stages: list[str] | None = None,
    openings: int = 1,
    description: str = "",
) -> Requisition:
    if not hiring_team:
        raise ValidationError({"hiring_team": "A requisition needs at least one hiring manager."})
    _check_hiring_team(hiring_team)
    requisition.title = title
    requisition.role_profile = role_profile
    requisition.team = team
    requisition.status = status
    requisition.stages = _clean_stages(stages)
    requisition.openings = openings
    requisition.description = description
    requisition.full_clean()
    requisition.save()
    requisition.hiring_team.set(hiring_team)
    return requisition


def _clean_stages(stages: list[str] | None) -> list[str]:
    if not stages:
        return [str(stage) for stage in ASSESSMENT_STAGES]
    unknown = set(stages) - {str(stage) for stage in ASSESSMENT_STAGES}
    if unknown:
        raise ValidationError({"stages": f"Unknown stages: {', '.join(sorted(unknown))}."})
    # Keep the canonical order whatever order they were ticked in.
    return [str(stage) for stage in ASSESSMENT_STAGES if stage in stages]


@transaction.atomic
def candidate_create(
    *,
    requisition: Requisition,
    first_name: str,
    last_name: str,
    email: str,
    created_by: User,
    phone: str = "",
    source: str = Candidate.Source.CAREERS_SITE,
    cv=None,
) -> Candidate:
    if requisition.status != Requisition.Status.OPEN:
        raise ValidationError("Candidates can only be added to an open requisition.")
    if requisition.candidates.filter(email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a candidate for this requisition."})
    candidate = Candidate(
        requisition=requisition,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        source=source,
        stage=requisition.stages[0],
    )
    if cv:
        candidate.cv = cv
    candidate.full_clean()
    candidate._history_user = created_by
    candidate.save()
    StageMove.objects.create(candidate=candidate, from_stage="", to_stage=candidate.stage, moved_by=created_by)
    return candidate


def _lock_stage(candidate: Candidate) -> None:
    """Lock the candidate's row until the transaction ends and read its stage from it, so two moves or decisions
    at once (a double click) take turns and the second sees the first's outcome."""
    candidate.stage = Candidate.objects.select_for_update().values_list("stage", flat=True).get(pk=candidate.pk)


@transaction.atomic
def candidate_move(*, candidate: Candidate, to_stage: str, moved_by: User, note: str = "") -> Candidate:
    """Move a candidate to another assessment stage of their requisition (hiring and rejecting are decisions)."""
    _lock_stage(candidate)
    if candidate.stage in (Stage.HIRED, Stage.REJECTED):
        raise ValidationError(f"{candidate} has a decision ({candidate.get_stage_display()}); they cannot move.")
    if to_stage not in candidate.requisition.stages:
        raise ValidationError({"to_stage": "That stage is not used by this requisition."})
    if to_stage == candidate.stage:
        return candidate
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    move = StageMove.objects.create(
        candidate=locked, from_stage=locked.stage, to_stage=to_stage, moved_by=moved_by, note=note
    )
    security.log_event(
        "candidate_moved", user=moved_by, candidate=candidate.pk, from_stage=locked.stage, to_stage=to_stage
    )
    locked.stage = to_stage
    locked._history_user = moved_by
    locked._change_reason = STAGE_MOVE_REASON
    locked.save(update_fields=["stage"])
    candidate.stage = to_stage
    _notify_moved(candidate=candidate, move=move)
    return candidate


@transaction.atomic
def candidate_reject(*, candidate: Candidate, decided_by: User, reasons: str) -> Candidate:
    if not reasons.strip():
        raise ValidationError({"reasons": "Record the reasons for the decision."})
    _lock_stage(candidate)
    if candidate.stage in (Stage.HIRED, Stage.REJECTED):
        raise ValidationError(f"{candidate} already has a decision.")
    move = StageMove.objects.create(
        candidate=candidate, from_stage=candidate.stage, to_stage=Stage.REJECTED, moved_by=decided_by, note=reasons
    )
    candidate.stage = Stage.REJECTED
    candidate.decision_reasons = reasons
    candidate.decided_by = decided_by
    candidate.decided_at = timezone.now()
    candidate._history_user = decided_by
    candidate._change_reason = STAGE_MOVE_REASON
    candidate.save(update_fields=["stage", "decision_reasons", "decided_by", "decided_at"])
    _revoke_open_links(candidate=candidate)  # a decided candidate's test links stop working
    security.log_event("hiring_decision", user=decided_by, candidate=candidate.pk, decision="rejected")
    _notify_moved(candidate=candidate, move=move)
    return candidate


@transaction.atomic
def candidate_hire(
    *,
    candidate: Candidate,
    decided_by: User,
    reasons: str,
    team: Team,
    start_date: date,
    employee_id: str,
    username: str | None = None,
    channels: list[str] | None = None,
) -> Agent:
    """Hire: create the agent profile and keep the per-skill assessment scores as their starting baseline."""
    from core.accounts.invitations import invitation_send
    from core.services.org import agent_create

    if not reasons.strip():
        raise ValidationError({"reasons": "Record the reasons for the decision."})
    _lock_stage(candidate)
    if candidate.stage in (Stage.HIRED, Stage.REJECTED):
        raise ValidationError(f"{candidate} already has a decision.")
    if Agent.objects.filter(employee_id=employee_id).exists():
        raise ValidationError({"employee_id": "An agent already has this employee id."})
    if Agent.objects.filter(email__iexact=candidate.email).exists():
        raise ValidationError({"email": "An agent already has this email address."})
    username = username or candidate.email.split("@")[0].lower()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"The username {username} is taken; choose another."})
    agent = agent_create(
        username=username,
        email=candidate.email,
        first_name=candidate.first_name,
        last_name=candidate.last_name,
        employee_id=employee_id,
        team=team,
        start_date=start_date,
        channels=channels,
        role_profile=candidate.requisition.role_profile,
    )
    rows = (
        Rating.objects.filter(
            interview__candidate=candidate, interview__status=Interview.Status.SUBMITTED, score__isnull=False
        )
        .values("skill_id")
        .annotate(avg=Avg("score"), n=Count("pk"))
    )
    AgentSkillBaseline.objects.bulk_create(
        AgentSkillBaseline(
            agent=agent, skill_id=row["skill_id"], candidate=candidate, score=round(row["avg"], 2), ratings=row["n"]
        )
        for row in rows
    )
    move = StageMove.objects.create(
        candidate=candidate, from_stage=candidate.stage, to_stage=Stage.HIRED, moved_by=decided_by, note=reasons
    )
    candidate.stage = Stage.HIRED
    candidate.agent = agent
    candidate.decision_reasons = reasons
    candidate.decided_by = decided_by
    candidate.decided_at = timezone.now()
    candidate._history_user = decided_by
    candidate._change_reason = STAGE_MOVE_REASON
    candidate.save(update_fields=["stage", "agent", "decision_reasons", "decided_by", "decided_at"])
    _revoke_open_links(candidate=candidate)  # a decided candidate's test links stop working
    invitation_send(user=agent.user, created_by=decided_by)  # the new agent sets their own password
    security.log_event("hiring_decision", user=decided_by, candidate=candidate.pk, decision="hired", agent=agent.pk)
    _notify_moved(candidate=candidate, move=move)
    return agent


# ---------------------------------------------------------------- interviews


@transaction.atomic
def interview_start(
    *, candidate: Candidate, stage: str, interviewer: User, scenario: Scenario | None = None
) -> Interview:
    """Open (or return) this interviewer's scoring of the candidate at a stage."""
    if stage not in candidate.requisition.stages:
        raise ValidationError({"stage": "That stage is not used by this requisition."})
    if stage == Stage.APTITUDE:
        raise ValidationError({"stage": "The aptitude test is scored automatically."})
    existing = Interview.objects.filter(candidate=candidate, stage=stage, interviewer=interviewer).first()
    if existing is not None:
        return existing
    if stage == Stage.ROLE_PLAY and scenario is None:
        raise ValidationError({"scenario": "Choose the role-play scenario."})
    interview = Interview(
        candidate=candidate,
        stage=stage,
        interviewer=interviewer,
        scenario=scenario if stage == Stage.ROLE_PLAY else None,
    )
    interview.full_clean()
    interview._history_user = interviewer
    interview.save()
    return interview


@dataclass(frozen=True)
class RatingInput:
    """One item's rating as posted: a 1–4 score, or 'not enough evidence', and the evidence noted."""

    item_key: str
    score: int | None = None
    not_enough_evidence: bool = False
    evidence: str = ""


RATING_FIELDS = ["question", "criterion", "ticket", "skill", "score", "not_enough_evidence", "evidence", "updated_at"]


@transaction.atomic
def ratings_save(*, interview: Interview, ratings: list[RatingInput]) -> list[Rating]:
    """Save several ratings of one interview at once, all or none; 'not enough evidence' clears any score.

    A constant number of queries whatever the kit's size: new ratings are bulk-created and changed ones
    bulk-updated, each with a history record by the interviewer; an unchanged rating is not written again.
    """
    from assessments import selectors

    if not ratings:
        return []
    # Lock the interview and read its status from the row, so no rating slips in after a submission.
    status = Interview.objects.select_for_update().values_list("status", flat=True).get(pk=interview.pk)
    if status != Interview.Status.DRAFT:
        raise ValidationError("This interview was submitted; its ratings are final.")
    posted: dict[str, RatingInput] = {}
    for rating in ratings:
        score = None if rating.not_enough_evidence else rating.score
        if score is not None and not 1 <= int(score) <= 4:
            raise ValidationError({"score": "Rate from 1 to 4."})
        # Posted raw, not through a form field (which refuses NUL); the database would fail on it.
        if "\x00" in rating.evidence:
            raise ValidationError({"evidence": "The evidence contains a NUL character."})
        posted[rating.item_key] = RatingInput(
            item_key=rating.item_key,
            score=int(score) if score is not None else None,
            not_enough_evidence=rating.not_enough_evidence,
            evidence=rating.evidence,
        )
    kit = {item.key: item for item in selectors.interview_items(interview=interview)}
    if any(key not in kit for key in posted):
        raise ValidationError({"item": "This item is not part of the interview's kit."})
    existing = {rating.item_key: rating for rating in Rating.objects.filter(interview=interview, item_key__in=posted)}
    now = timezone.now()
    new: list[Rating] = []
    changed: list[Rating] = []
    saved: list[Rating] = []
    for key, value in posted.items():
        item = kit[key]
        values = {
            # Ids, not objects: comparing a loaded rating's relations would query each one.
            "question_id": item.question.pk if item.question else None,
            "criterion_id": item.criterion.pk if item.criterion else None,
            "ticket_id": item.ticket.pk if item.ticket else None,
            "skill_id": item.skill.pk,
            "score": value.score,
            "not_enough_evidence": value.not_enough_evidence,
            "evidence": value.evidence,
        }
        rating = existing.get(key)
        if rating is None:
            rating = Rating(interview=interview, item_key=key, updated_at=now, **values)
            new.append(rating)
        elif any(getattr(rating, name) != new_value for name, new_value in values.items()):
            for name, new_value in values.items():
                setattr(rating, name, new_value)
            rating.updated_at = now
            changed.append(rating)
        saved.append(rating)
    if new:
        bulk_create_with_history(new, Rating, default_user=interview.interviewer)
    if changed:
        bulk_update_with_history(changed, Rating, RATING_FIELDS, default_user=interview.interviewer)
    return saved


def rating_save(
    *,
    interview: Interview,
    item_key: str,
    score: int | None,
    not_enough_evidence: bool = False,
    evidence: str = "",
) -> Rating:
    """Save one rating as the interviewer goes (the autosave); see ratings_save."""
    (rating,) = ratings_save(
        interview=interview,
        ratings=[
            RatingInput(item_key=item_key, score=score, not_enough_evidence=not_enough_evidence, evidence=evidence)
        ],
    )
    return rating


@transaction.atomic
def interview_submit(*, interview: Interview, recommendation: str, notes: str = "") -> Interview:
    """Lock the ratings; every item must be rated or marked 'not enough evidence'."""
    from assessments import selectors

    if interview.status != Interview.Status.DRAFT:
        raise ValidationError("This interview was already submitted.")
    if recommendation not in Interview.Recommendation.values:
        raise ValidationError({"recommendation": "Choose an overall recommendation."})
    items = selectors.interview_items(interview=interview)
    if not items:
        raise ValidationError("There is nothing to rate yet.")
    missing = [
        item.title
        for item in items
        if item.rating is None or (item.rating.score is None and not item.rating.not_enough_evidence)
    ]
    if missing:
        raise ValidationError(
            f"Rate every item or mark it 'not enough evidence' before submitting ({len(missing)} left)."
        )
    updated = Interview.objects.filter(pk=interview.pk, status=Interview.Status.DRAFT).update(
        status=Interview.Status.SUBMITTED, recommendation=recommendation, notes=notes, submitted_at=timezone.now()
    )
    if not updated:
        raise ValidationError("This interview was already submitted.")
    interview.refresh_from_db()
    # The conditional update writes no history: record the submission (who, when, the recommendation) here.
    Interview.history.bulk_history_create(
        [interview], update=True, default_user=interview.interviewer, default_change_reason="Submitted"
    )
    security.log_event(
        "interview_submitted",
        user=interview.interviewer,
        interview=interview.pk,
        candidate=interview.candidate_id,
        stage=interview.stage,
        recommendation=interview.recommendation,
    )
    return interview


def interview_submit_posted(
    *, interview: Interview, ratings: list[RatingInput], recommendation: str | None, notes: str = ""
) -> Interview:
    """Submit an interview with what its form posts: the ratings first (typed without autosave, or changed since),
    all or none, then the submission. A refused submission (no valid recommendation, `None` when the form did not
    validate, or items left unrated) keeps the saved ratings as a draft to finish: two steps, each its own
    transaction, so nothing typed is lost."""
    ratings_save(interview=interview, ratings=ratings)
    if recommendation not in Interview.Recommendation.values:
        raise ValidationError("Choose an overall recommendation before submitting.")
    # Read again: the kit's items read the interview's ratings, which the save above changed.
    interview = Interview.objects.select_related("candidate__requisition", "scenario", "interviewer").get(
        pk=interview.pk
    )
    return interview_submit(interview=interview, recommendation=recommendation, notes=notes)


# ---------------------------------------------------------------- candidate test links


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN_SALT = "assessments.candidate_test.token"


def _token_from_nonce(nonce: str) -> str:
    """A link's token, made from a random nonce and the secret key, so the link can be emailed again (a reminder,
    a failed email sent again) while the database alone never gives it away."""
    digest = salted_hmac(TOKEN_SALT, nonce, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def candidate_test_token(*, test: CandidateTest) -> str | None:
    """The link's token again, or None: a link made before emailing existed, or the secret key changed since."""
    if not test.token_nonce:
        return None
    token = _token_from_nonce(test.token_nonce)
    return token if token_hash(token) == test.token_hash else None


@transaction.atomic
def candidate_test_issue(
    *, candidate: Candidate, kind: str, created_by: User, valid_days: int = LINK_VALID_DAYS
) -> tuple[CandidateTest, str]:
    """Create a private link; returns the test and the token, which is shown once and stored only as a hash."""
    if kind not in CandidateTest.Kind.values:
        raise ValidationError({"kind": "Unknown test."})
    if not 1 <= valid_days <= 30:
        raise ValidationError({"valid_days": "A link is valid for 1 to 30 days."})
    # Links issued at once (several clicks, two tabs) take turns on the candidate's row: each revokes the one
    # before it, so one link stays live (the database refuses a second open one too).
    _lock_stage(candidate)
    if candidate.stage in (Stage.HIRED, Stage.REJECTED):
        raise ValidationError(f"{candidate} already has a decision.")
    aptitude = None
    if kind == CandidateTest.Kind.APTITUDE:
        aptitude = AptitudeTest.objects.order_by("pk").first()
        if aptitude is None:
            raise ValidationError("No aptitude test is set up.")
    _revoke_open_links(candidate=candidate, kind=kind)
    nonce = secrets.token_urlsafe(32)
    token = _token_from_nonce(nonce)
    test = CandidateTest.objects.create(
        candidate=candidate,
        kind=kind,
        aptitude_test=aptitude,
        token_hash=token_hash(token),
        token_nonce=nonce,
        expires_at=timezone.now() + timedelta(days=valid_days),
        created_by=created_by,
    )
    return test, token


def _revoke_open_links(*, candidate: Candidate, kind: str | None = None) -> int:
    """The candidate's unsubmitted links (of one test, or all) stop working now."""
    links = CandidateTest.objects.filter(candidate=candidate, submitted_at__isnull=True, revoked_at__isnull=True)
    if kind is not None:
        links = links.filter(kind=kind)
    return links.update(revoked_at=timezone.now())


class LinkUnavailable(Exception):
    """The link is unknown, already used, replaced by a newer one, expired, or the candidate has a decision."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def candidate_test_for_token(*, token: str) -> CandidateTest:
    """The test behind a link, if it may still be used; finishes a timed-out aptitude test."""
    test = (
        CandidateTest.objects.select_related("candidate__requisition", "aptitude_test")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if test is None:
        raise LinkUnavailable("unknown")
    if test.submitted_at is not None:
        raise LinkUnavailable("used")
    if test.candidate.stage in (Stage.HIRED, Stage.REJECTED):
        raise LinkUnavailable("closed")
    if test.revoked_at is not None:
        raise LinkUnavailable("replaced")
    now = timezone.now()
    if test.expires_at <= now:
        raise LinkUnavailable("expired")
    deadline = aptitude_deadline(test=test)
    if deadline is not None and deadline <= now:
        candidate_test_submit(test=test)
        raise LinkUnavailable("time_up")
    return test


def aptitude_deadline(*, test: CandidateTest):
    if test.kind != CandidateTest.Kind.APTITUDE or test.started_at is None:
        return None
    return test.started_at + timedelta(minutes=test.aptitude_test.time_limit_minutes)


def candidate_test_start(*, test: CandidateTest) -> CandidateTest:
    if test.started_at is None:
        CandidateTest.objects.filter(pk=test.pk, started_at__isnull=True).update(started_at=timezone.now())
        test.refresh_from_db(fields=["started_at"])
    return test


def _check_open(test: CandidateTest) -> None:
    if test.submitted_at is not None:
        raise ValidationError("This test was already submitted.")
    if test.revoked_at is not None or test.candidate.stage in (Stage.HIRED, Stage.REJECTED):
        raise ValidationError("This test is no longer available.")
    now = timezone.now()
    deadline = aptitude_deadline(test=test)
    if test.expires_at <= now or (deadline is not None and deadline <= now):
        raise ValidationError("Time is up for this test.")


@transaction.atomic
def ticket_reply_save(*, test: CandidateTest, ticket: MockTicket, body: str) -> TicketReply:
    if test.kind != CandidateTest.Kind.MOCK_TICKET:
        raise ValidationError("This link is not for mock tickets.")
    _check_open(test)
    if len(body) > 10000:
        raise ValidationError({"body": "Keep the reply under 10,000 characters."})
    if "\x00" in body:  # posted raw by the candidate's page; the database would fail on it
        raise ValidationError({"body": "The reply contains a NUL character."})
    reply, _ = TicketReply.objects.update_or_create(candidate_test=test, ticket=ticket, defaults={"body": body})
    return reply


@transaction.atomic
def aptitude_answer_save(*, test: CandidateTest, question: AptitudeQuestion, choice: int) -> AptitudeAnswer:
    if test.kind != CandidateTest.Kind.APTITUDE or question.test_id != test.aptitude_test_id:
        raise ValidationError("This question is not part of this test.")
    _check_open(test)
    if not 0 <= choice < len(question.choices):
        raise ValidationError({"choice": "Choose one of the answers."})
    answer, _ = AptitudeAnswer.objects.update_or_create(
        candidate_test=test, question=question, defaults={"choice": choice}
    )
    return answer


def candidate_test_submit_posted(
    *, test: CandidateTest, replies: dict[int, str], choices: dict[int, int]
) -> CandidateTest:
    """Submit a candidate's test with what the submit form carries (ticket id -> reply, question id -> choice), so
    replies and answers given without autosave are kept. A reply that cannot be saved raises ValidationError and the
    test stays open (the replies saved before it are kept); an answer that cannot be saved any more (time ran out
    since the last autosave) is left out and the saved ones count. Then the link stops working."""
    from assessments import selectors

    if test.kind == CandidateTest.Kind.MOCK_TICKET:
        for ticket in selectors.mock_ticket_list():
            if ticket.pk in replies:
                ticket_reply_save(test=test, ticket=ticket, body=replies[ticket.pk])
    else:
        for question in AptitudeQuestion.objects.filter(test_id=test.aptitude_test_id):
            if question.pk in choices:
                try:
                    aptitude_answer_save(test=test, question=question, choice=choices[question.pk])
                except ValidationError:
                    pass  # time ran out between the last save and submit: keep what was saved
    return candidate_test_submit(test=test)


@transaction.atomic
def candidate_test_submit(*, test: CandidateTest) -> CandidateTest:
    """Finish the test; the link stops working and the requisition's hiring team is told. Safe to call twice."""
    submitted = CandidateTest.objects.filter(pk=test.pk, submitted_at__isnull=True).update(submitted_at=timezone.now())
    test.refresh_from_db(fields=["submitted_at"])
    if submitted:
        candidate = test.candidate
        notify(
            event="candidate_test_submitted",
            users=requisition_recipients(requisition=candidate.requisition),
            title=f"{candidate} submitted the {test.get_kind_display().lower()}",
            body=f"{candidate.requisition}: the answers are ready to score.",
            key=f"candidate_test_submitted:{test.pk}",
            url=reverse("assessments:candidate-detail", args=[candidate.pk]),
            action="Open the candidate",
        )
    return test


def candidate_test_open(*, test: CandidateTest) -> CandidateTest:
    """Record the candidate's first visit to the link (later visits change nothing)."""
    if test.opened_at is None:
        CandidateTest.objects.filter(pk=test.pk, opened_at__isnull=True).update(opened_at=timezone.now())
        test.refresh_from_db(fields=["opened_at"])
    return test


# ---------------------------------------------------------------- candidate emails


@transaction.atomic
def requisition_test_email_set(*, requisition: Requisition, subject: str, body: str) -> Requisition:
    """Keep the requisition's test-link email; a part left empty, or equal to the default, follows the default."""
    subject, body = subject.strip(), body.strip()
    candidate_emails.template_check(
        subject=subject or candidate_emails.DEFAULT_SUBJECT, body=body or candidate_emails.DEFAULT_BODY
    )
    requisition.test_email_subject = "" if subject == candidate_emails.DEFAULT_SUBJECT else subject
    requisition.test_email_body = "" if body == candidate_emails.DEFAULT_BODY.strip() else body
    requisition.save(update_fields=["test_email_subject", "test_email_body"])
    return requisition


def _company(requisition: Requisition) -> str:
    if requisition.team_id:
        return requisition.team.vendor.name
    in_house = Vendor.objects.filter(kind=Vendor.Kind.IN_HOUSE, is_active=True).order_by("pk").first()
    return in_house.name if in_house else "our company"


def _email_values(*, test: CandidateTest, link: str) -> dict[str, str]:
    candidate = test.candidate
    expires = date_format(timezone.localtime(test.expires_at), "j F Y, H:i T")
    return {
        "candidate_name": candidate.name,
        "first_name": candidate.first_name,
        "test_name": test.get_kind_display(),
        "link": link,
        "expires_at": expires,
        "company": _company(candidate.requisition),
        "requisition": candidate.requisition.title,
    }


def _check_sendable(test: CandidateTest, *, now) -> str:
    """The link to email, or ValidationError saying why it cannot be."""
    if not test.candidate.email.strip():
        raise ValidationError(f"{test.candidate} has no email address: add one to the candidate first.")
    if test.candidate.stage in (Stage.HIRED, Stage.REJECTED):
        raise ValidationError(f"{test.candidate} already has a decision.")
    if test.submitted_at is not None:
        raise ValidationError("This test was already submitted.")
    if test.revoked_at is not None:
        raise ValidationError("This link was replaced by a newer one; email the newest link.")
    if test.expires_at <= now:
        raise ValidationError("This link has expired; create a new one.")
    token = candidate_test_token(test=test)
    if token is None:
        raise ValidationError("This link cannot be emailed (it was shown once when created); create a new one.")
    return emails.absolute_url(reverse("assessments:take-test", args=[token]))


@transaction.atomic
def candidate_test_email(*, test: CandidateTest) -> CandidateTest:
    """Email the link to the candidate through the outbox, from the requisition's template. The link shows
    "Email queued" until the outbox row is sent (or failed); one email at a time per link."""
    now = timezone.now()
    # Lock the link (its row only): two clicks at once send one email, the second sees it queued.
    test = (
        CandidateTest.objects.select_for_update(of=("self",))
        .select_related("candidate__requisition__team__vendor", "email_outbox")
        .get(pk=test.pk)
    )
    if test.email_outbox is not None and test.email_outbox.status in (outbox.Status.PENDING, outbox.Status.SENDING):
        raise ValidationError(
            "The email of this link is already queued; it leaves as soon as the mail server takes it."
        )
    link = _check_sendable(test, now=now)
    requisition = test.candidate.requisition
    filled = candidate_emails.fill_template(
        subject=requisition.test_email_subject,
        body=requisition.test_email_body,
        values=_email_values(test=test, link=link),
    )
    text, html = emails.render("candidate_test", {"title": filled.subject, "body": filled.body, "link": link})
    row = outbox.email_create(
        to=test.candidate.email,
        subject=filled.subject,
        text=text,
        html=html,
        event="candidate_test",
        key=f"candidate_test:{test.pk}",
    )
    CandidateTest.objects.filter(pk=test.pk).update(email_outbox=row, emailed_at=now)
    test.email_outbox, test.emailed_at = row, now
    return test


@transaction.atomic
def candidate_test_issue_and_email(
    *, candidate: Candidate, kind: str, created_by: User, valid_days: int = LINK_VALID_DAYS
) -> CandidateTest:
    """Create a link and email it to the candidate at once (all or nothing: no link without its email)."""
    if not candidate.email.strip():
        raise ValidationError(f"{candidate} has no email address: add one to the candidate first.")
    test, _ = candidate_test_issue(candidate=candidate, kind=kind, created_by=created_by, valid_days=valid_days)
    return candidate_test_email(test=test)


def candidate_test_reminders_send(*, now=None) -> int:
    """Email a reminder to candidates whose emailed link expires within CANDIDATE_TEST_REMINDER_HOURS and who have
    not submitted: once per link (`reminded_at`, claimed by a conditional update). A link emailed already inside
    that window gets none. Returns the reminders queued; safe to run twice."""
    now = now or timezone.now()
    window = timedelta(hours=settings.CANDIDATE_TEST_REMINDER_HOURS)
    due = (
        CandidateTest.objects.filter(
            submitted_at__isnull=True,
            revoked_at__isnull=True,
            reminded_at__isnull=True,
            emailed_at__isnull=False,
            expires_at__gt=now,
            expires_at__lte=now + window,
            emailed_at__lt=F("expires_at") - window,
            candidate__stage__in=ASSESSMENT_STAGES,
        )
        .exclude(token_nonce="")
        .exclude(candidate__email="")
        .select_related("candidate__requisition__team__vendor")
        .order_by("expires_at", "pk")
    )
    queued = 0
    for test in due:
        with transaction.atomic():
            if not CandidateTest.objects.filter(pk=test.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another run took it
            token = candidate_test_token(test=test)
            if token is None:
                continue
            link = emails.absolute_url(reverse("assessments:take-test", args=[token]))
            values = _email_values(test=test, link=link)
            subject = f"Reminder: your {values['test_name'].lower()} link expires {values['expires_at']}"
            text, html = emails.render("candidate_test_reminder", {"title": subject, "link": link, **values})
            row = outbox.email_create(
                to=test.candidate.email,
                subject=subject,
                text=text,
                html=html,
                event="candidate_test_reminder",
                key=f"candidate_test_reminder:{test.pk}",
            )
            CandidateTest.objects.filter(pk=test.pk).update(reminder_outbox=row)
            queued += 1
    return queued


# ---------------------------------------------------------------- hiring notifications


def requisition_recipients(*, requisition: Requisition) -> list[int]:
    """Who hears of a requisition's events: its hiring team, and the one who opened it when they still see it
    (an admin who opened it for others). Nobody else."""
    ids = set(requisition.hiring_team.values_list("pk", flat=True))
    owner = requisition.created_by
    if owner is not None and owner.pk not in ids and owner.is_active and roles.is_admin(owner):
        ids.add(owner.pk)
    return sorted(ids)


def _notify_moved(*, candidate: Candidate, move: StageMove) -> None:
    requisition = candidate.requisition
    body = f"{requisition}: {move.get_from_stage_display() or 'new'} → {move.get_to_stage_display()}."
    if move.note:
        body += f"\n{move.note}"
    notify(
        event="candidate_moved",
        users=requisition.hiring_team.values_list("pk", flat=True),
        title=f"{candidate} moved to {move.get_to_stage_display()}",
        body=body,
        key=f"candidate_moved:{move.pk}",
        url=reverse("assessments:candidate-detail", args=[candidate.pk]),
        actor=move.moved_by,
        action="Open the candidate",
    )


def interview_feedback_due_notify(*, now=None) -> int:
    """Tell each interviewer whose scoring is still a draft INTERVIEW_FEEDBACK_DUE_HOURS after they opened it (the
    interview took place) that their feedback is due: once per interview, only while they are on the requisition
    and the candidate has no decision. Returns the interviews told of; safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.INTERVIEW_FEEDBACK_DUE_HOURS)
    on_requisition = Requisition.hiring_team.through.objects.filter(
        requisition_id=OuterRef("candidate__requisition_id"), user_id=OuterRef("interviewer_id")
    )
    due = list(
        Interview.objects.filter(
            status=Interview.Status.DRAFT,
            created_at__lte=cutoff,
            candidate__stage__in=ASSESSMENT_STAGES,
            interviewer__is_active=True,
        )
        .filter(Exists(on_requisition))
        .select_related("candidate__requisition")
        .order_by("pk")
    )
    keys = {f"interview_feedback_due:{interview.pk}": interview for interview in due}
    told = set(Notice.objects.filter(event="interview_feedback_due", key__in=list(keys)).values_list("key", "user_id"))
    count = 0
    for key, interview in keys.items():
        if (key, interview.interviewer_id) in told:
            continue
        candidate = interview.candidate
        notify(
            event="interview_feedback_due",
            users=[interview.interviewer_id],
            title=f"Your {interview.get_stage_display().lower()} scores for {candidate} are due",
            body=f"{candidate.requisition}: rate every item and submit your recommendation.",
            key=key,
            url=reverse("assessments:candidate-detail", args=[candidate.pk]),
            action="Finish scoring",
        )
        count += 1
    return count
