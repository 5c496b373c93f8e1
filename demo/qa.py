"""Demo QA data: released reviews for a dozen demo agents (some acknowledged, disputed, resolved, auto-failed),
and a weekly sample of drafts waiting in the reviewers' queues. Safe to run twice."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.models import Agent, Channel, Contact, Team, User, Vendor
from qa.disputes import services as dispute_services
from qa.models import Review, SamplingRun
from qa.reviews import services as review_services
from qa.rules import QA_LEAD_GROUP
from qa.sampling import services as sampling_services
from qa.scorecards import services as scorecard_services
from qa.scoring import RawAnswer

AGENTS_PER_TEAM = 3
REVIEWS_PER_AGENT = 6
DEMO_SEED = 424242

TRANSCRIPTS = {
    Channel.PHONE: (
        "Agent: Thank you for calling SkillHub support, this is {agent}. How can I help?\n"
        "Customer: I've been charged twice for my subscription this month and nobody has fixed it.\n"
        "Agent: I'm sorry about that, being charged twice is frustrating. So what you're saying is the March "
        "payment went out two times, is that right?\n"
        "Customer: Yes, on the 3rd and again on the 4th.\n"
        "Agent: Before I look, can I confirm the last four digits of the card and your postcode?\n"
        "Customer: 4821, and LS1 4AB.\n"
        "Agent: Thanks. I can see both payments. The second one came from a retry after a bank timeout. "
        "I've refunded it now; you'll see it in three to five working days, and I've fixed the retry setting "
        "so it won't happen again.\n"
        "Customer: Great, thanks.\n"
        "Agent: Is there anything else I can help with today?"
    ),
    Channel.EMAIL: (
        "Customer: Hello, I can't export my reports to CSV since the update. The button is grey. This is the "
        "third time I write about it and I need the numbers for a board meeting tomorrow.\n"
        "Agent: Hi {customer}, thank you for explaining it so clearly, and I understand how stressful that is "
        "with a board meeting tomorrow. If I understand correctly, the Export button stays grey on every report "
        "since Tuesday's update. The cause is a permission that the update reset for admin accounts. "
        "I have restored it on your account, so the button works again. To export: 1. Open the report. "
        "2. Choose Export. 3. Pick CSV. I have also added a note to your case so nobody asks you again. "
        "Kind regards, {agent}"
    ),
    Channel.CHAT: (
        "Customer: hi my password reset link doesnt work\n"
        "Agent: Hi! Sorry to hear that. Just to confirm, the link in the email opens but says it expired?\n"
        "Customer: yes\n"
        "Agent: Links last 30 minutes. I have sent a fresh one now; please use it within the next half hour.\n"
        "Customer: ok it worked\n"
        "Agent: Great! Anything else I can help with?"
    ),
    Channel.SOCIAL: (
        "Customer: @SkillHub your app has been down all morning, useless!!\n"
        "Agent: We're really sorry, that must be frustrating. I can see why you're upset. We had an outage "
        "from 08:10 to 09:05 and it's fixed now. I've sent you a private message so we can check your account "
        "without sharing details here.\n"
        "Customer: ok thanks"
    ),
}


# Contact-day windows (days back from today) of an agent's reviews, with the chance of a review in each: the most
# recent weeks are well covered (most agents reviewed in the last 30 days), older months thinner.
WINDOWS = [((1, 10), 0.55), ((11, 24), 0.75), ((25, 40), 0.8), ((41, 60), 0.8), ((61, 89), 1.0)]


def _demo_agents() -> list[Agent]:
    """Every active agent who has worked at least a week (the demo agent first)."""
    week_ago = timezone.localdate() - timedelta(days=7)
    agents = list(
        Agent.objects.filter(is_active=True, start_date__lte=week_ago)
        .select_related("user", "team__vendor")
        .order_by("employee_id")
    )
    agents.sort(key=lambda agent: agent.user.username != "agent")
    return agents


def _window(agent: Agent, *, days_back: int, days_to: int):
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    start = datetime.combine(today - timedelta(days=days_back), time.min, tzinfo=tz)
    end = datetime.combine(today - timedelta(days=days_to - 1), time.min, tzinfo=tz)
    return Contact.objects.filter(agent=agent, started_at__gte=start, started_at__lt=end).exclude(
        reviews__is_calibration=False
    )


def _pick(agent: Agent, *, rng: random.Random, days_back: int, days_to: int) -> Contact | None:
    """One of the agent's contacts with a contact day in the window (days back), not reviewed yet, or None."""
    pks = list(
        _window(agent, days_back=days_back, days_to=days_to).order_by("started_at", "pk").values_list("pk", flat=True)
    )
    if not pks:
        return None
    return Contact.objects.select_related("agent__user", "team").get(pk=rng.choice(pks))


def _contacts_for(agent: Agent, *, rng: random.Random, count: int, days_back: int, days_to: int) -> list[Contact]:
    """Existing contacts of the agent in the window without a review, topped up with QA-DEMO contacts."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    existing = list(_window(agent, days_back=days_back, days_to=days_to).order_by("started_at", "pk"))
    picked = rng.sample(existing, min(count, len(existing)))
    channels = [c for c in (agent.channels or []) if c in Channel.values] or [Channel.PHONE]
    for i in range(count - len(picked)):
        external_id = f"QA-DEMO-{agent.employee_id}-{days_to:03d}-{i + 1:02d}"
        channel = channels[(i + days_to) % len(channels)]
        day = today - timedelta(days=rng.randint(days_to, days_back - 1))
        contact, _ = Contact.objects.get_or_create(
            external_id=external_id,
            defaults={
                "case_id": f"QA-DEMO-CASE-{agent.employee_id}-{days_to:03d}-{i + 1:02d}",
                "agent": agent,
                "team": agent.team,
                "channel": channel,
                "started_at": datetime.combine(day, time(9 + rng.randint(0, 8), rng.randint(0, 59)), tzinfo=tz),
                "handle_seconds": rng.randint(180, 1200),
                "after_contact_seconds": rng.randint(20, 180),
                "resolved": rng.random() < 0.8,
                "csat": rng.choice([None, 2, 3, 4, 5, 5]),
                "transcript": TRANSCRIPTS[Channel(channel)].format(agent=agent.user.first_name, customer="Sam"),
            },
        )
        if not contact.reviews.filter(is_calibration=False).exists():
            picked.append(contact)
    return picked


def _answers(version, contact: Contact, *, quality: float, rng: random.Random, fail: bool) -> dict[int, RawAnswer]:
    answers: dict[int, RawAnswer] = {}
    for criterion in version.criteria.all():
        if not criterion.applies_to(contact.channel):
            continue
        if criterion.critical:
            answers[criterion.pk] = (
                RawAnswer(0, comment="Read the full card number back to the caller before verifying identity.")
                if fail
                else RawAnswer(1)
            )
            continue
        if criterion.allow_na and rng.random() < 0.3:
            answers[criterion.pk] = RawAnswer(is_na=True)
            continue
        if criterion.scale == "yes_no":
            value = 1 if rng.random() < quality else 0
        else:
            span = criterion.scale_max - criterion.scale_min
            value = criterion.scale_min + max(0, min(span, round(quality * span + rng.uniform(-1, 1))))
        comment = "" if value else "Not seen in this conversation; let's go through an example together in our 1:1."
        answers[criterion.pk] = RawAnswer(value, comment=comment)
    return answers


def _reviewer_for(agent: Agent, reviewer: User, partner_reviewer: User) -> User:
    return partner_reviewer if agent.team.vendor.kind == Vendor.Kind.PARTNER else reviewer


def _plan(agent: Agent, rng: random.Random) -> list[Contact]:
    """The contacts reviewed for the agent, oldest first: at most one per window, the demo agent in every one."""
    is_demo = agent.user.username == "agent"
    picked = []
    for (days_to, days_back), chance in WINDOWS:
        if is_demo or rng.random() < chance:
            contact = _pick(agent, rng=rng, days_back=days_back, days_to=days_to)
            if contact is not None:
                picked.append(contact)
        if is_demo and days_back <= 24:
            contact = _pick(agent, rng=rng, days_back=days_back, days_to=days_to)
            if contact is not None:
                picked.append(contact)  # Ana has two a window in the recent weeks: a dispute and a fresh review
    return sorted(picked, key=lambda c: c.started_at)


def rng_time(review: Review) -> float:
    """The share of the time between opening and submitting a demo reviewer was active on the page."""
    return random.Random(f"time:{review.contact.external_id}").uniform(0.55, 0.9)


def _backdate(review: Review, *, rng: random.Random, recent: bool = False) -> None:
    """Reviewed one to four days after the contact (never in the future), acknowledged or disputed a day or two
    later: the review's dates (and its history) tell when it happened, not when the demo was seeded."""
    now = timezone.now()
    latest = now - timedelta(hours=2)
    submitted = min(review.contact.started_at + timedelta(hours=rng.uniform(20, 96)), latest)
    if recent:  # released yesterday: still open to a dispute (QA_DISPUTE_RAISE_DAYS) when the demo is opened
        submitted = max(submitted, now - timedelta(hours=26))
    created = submitted - timedelta(minutes=rng.randint(12, 40))
    reacted = min(submitted + timedelta(hours=rng.uniform(6, 60)), now - timedelta(hours=1))
    resolved = min(reacted + timedelta(hours=rng.uniform(20, 70)), now - timedelta(minutes=30))
    fields = {"created_at": created, "submitted_at": submitted, "updated_at": submitted}
    # Time spent: opened when created, active for most of the time to submit (its own draw: the figures' draws stay).
    fields.update(opened_at=created, active_seconds=int((submitted - created).total_seconds() * rng_time(review)))
    if review.acknowledged_at:
        fields.update(acknowledged_at=reacted, updated_at=reacted)
    if review.disputed_at:
        fields.update(disputed_at=reacted, updated_at=reacted)
        if review.dispute_due:  # the same time to settle it, from the backdated dispute
            fields.update(dispute_due=reacted + (review.dispute_due - review.disputed_at))
    if review.resolved_at:
        fields.update(resolved_at=resolved, updated_at=resolved)
    Review.objects.filter(pk=review.pk).update(**fields)
    when = {"Submitted": submitted, "Acknowledged by the agent": reacted, "Disputed by the agent": reacted}
    history = Review.history.model.objects.filter(id=review.pk).order_by("history_id")
    for row in history:
        at = when.get(row.history_change_reason or "", created if row.history_type == "+" else resolved)
        moved = {"history_date": at}
        if row.dispute_due and "dispute_due" in fields:  # the backdated deadline, as the review now has it
            moved["dispute_due"] = fields["dispute_due"]
        history.model.objects.filter(pk=row.pk).update(**moved)


@transaction.atomic
def seed_qa(*, rng: random.Random, stdout=None) -> None:
    reviewer = User.objects.filter(username="reviewer").first()
    partner_reviewer = User.objects.filter(username="partner.reviewer").first()
    admin = User.objects.filter(username="admin").first()
    version = scorecard_services.default_version()
    if reviewer is None or partner_reviewer is None or admin is None or version is None:
        return
    reviewer.groups.add(Group.objects.get_or_create(name=QA_LEAD_GROUP)[0])
    today = timezone.localdate()
    base = rng.random()  # each agent's draws depend on the seed and the agent only, not on who was seeded before

    for agent in _demo_agents():
        seeded = Review.objects.filter(agent=agent, is_calibration=False, submitted_at__isnull=False).exclude(
            contact__external_id__startswith="HIRE-"  # the new hires' first 90 days, seeded by demo.hiring
        )
        if seeded.exists():
            continue  # seeded before
        agent_rng = random.Random(f"{base}:{agent.employee_id}")
        quality = agent_rng.uniform(0.55, 0.95)
        scorer = _reviewer_for(agent, reviewer, partner_reviewer)
        is_demo = agent.user.username == "agent"
        contacts = _plan(agent, agent_rng)
        # A few agents dispute their latest review (Ana always does); the dispute waits for the QA lead.
        disputes_last = is_demo or agent_rng.random() < 0.06
        for index, contact in enumerate(contacts):
            fail = (agent.employee_id in ("E1003", "E1013", "E1032") and index == 2) or (is_demo and index == 1)
            review = review_services.review_create(contact=contact, reviewer=scorer, version=version)
            review = review_services.review_save(
                review=review,
                actor=scorer,
                answers=_answers(version, contact, quality=quality, rng=agent_rng, fail=fail),
                comment="Good structure overall; see the comments on the criteria you missed.",
                lock_version=review.lock_version,
                submit=True,
            )
            last = index == len(contacts) - 1 and disputes_last
            age = (today - contact.day).days
            if is_demo and index == len(contacts) - 3:
                pass  # released, waiting for Ana to read it
            elif last or (is_demo and index == len(contacts) - 2):
                dispute_services.review_dispute(
                    review=review,
                    user=agent.user,
                    code="score_mismatch",
                    reason="I did restate the issue and checked the fix at the end; please listen again.",
                )
                if is_demo and not last:
                    review.refresh_from_db()
                    dispute_services.review_resolve(
                        review=review,
                        resolver=admin if scorer == reviewer else reviewer,
                        note="Listened again: the issue was restated; the answer is changed.",
                        lock_version=review.lock_version,
                        answers={
                            c.pk: RawAnswer(1, comment="Restated at 00:40.")
                            for c in version.criteria.filter(key="restated-issue")
                        },
                    )
            elif agent_rng.random() < (0.85 if age > 10 else 0.3):
                review_services.review_acknowledge(review=review, user=agent.user)
            review.refresh_from_db()
            _backdate(review, rng=agent_rng, recent=is_demo and index == len(contacts) - 3)

    # Last week's sample: drafts waiting in the reviewers' queues.
    if not SamplingRun.objects.filter(seed=DEMO_SEED).exists():
        for agent in _demo_agents():
            _contacts_for(agent, rng=random.Random(agent.employee_id), count=2, days_back=7, days_to=1)
        today = timezone.localdate()
        run = sampling_services.sampling_run_create(
            teams=Team.objects.filter(is_active=True),
            period_start=today - timedelta(days=7),
            period_end=today - timedelta(days=1),
            per_agent=2,
            seed=DEMO_SEED,
            version=version,
            due_in_days=5,
        )
        sampling_services.sampling_run_execute(run=run)
    # Fold the marked (agent, day) pairs into the KPI rollups now, so dashboards show the QA figures at once.
    from metrics.rollups import rollup_pending

    rollup_pending()
    if stdout is not None:
        counted = Review.objects.filter(is_calibration=False, submitted_at__isnull=False).count()
        stdout.write(f"  QA: {counted} released reviews, {Review.objects.filter(status='draft').count()} drafts due")
