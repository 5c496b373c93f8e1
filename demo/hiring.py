"""Demo hiring: two open requisitions with candidates at every stage and scored interviews, plus an earlier,
filled requisition whose hires have worked 90+ days (their contacts are seeded) for the predictive report."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessments import selectors, services
from assessments.models import (
    ASSESSMENT_STAGES,
    Candidate,
    CandidateTest,
    Interview,
    Rating,
    Requisition,
    Scenario,
    Stage,
    StageMove,
    TicketReply,
)
from core import roles, skill_codes
from core.models import Agent, Channel, Contact, RoleProfile, Team, User

SECOND_INTERVIEWER = ("interviewer", "Ian", "Interviewer")
CANDIDATE_NAMES = [
    ("Amara", "Obi"),
    ("Bruno", "Keller"),
    ("Camille", "Laurent"),
    ("Dev", "Patel"),
    ("Erin", "Walsh"),
    ("Felix", "Moreno"),
    ("Gemma", "Clarke"),
    ("Hiro", "Sato"),
    ("Isla", "Murray"),
    ("Jamal", "Haddad"),
    ("Kira", "Novak"),
    ("Liam", "Byrne"),
    ("Mina", "Park"),
    ("Nils", "Berg"),
    ("Olga", "Petrova"),
    ("Pablo", "Ruiz"),
    ("Rhea", "Kapoor"),
    ("Sven", "Larsen"),
    ("Tomas", "Horak"),
    ("Uma", "Reddy"),
    ("Vikram", "Shah"),
    ("Wanda", "Kowal"),
    ("Yusuf", "Demir"),
    ("Zara", "Ahmed"),
    ("Ayo", "Adeyemi"),
    ("Bea", "Santos"),
    ("Cole", "Hughes"),
    ("Dina", "Levi"),
    ("Eli", "Fraser"),
    ("Fay", "Lin"),
    ("Gus", "Moore"),
    ("Hanna", "Berg"),
    ("Ivo", "Marques"),
    ("Jade", "Turner"),
    ("Kemal", "Aksoy"),
    ("Luz", "Romero"),
    ("Milan", "Kral"),
    ("Nia", "Owusu"),
    ("Oscar", "Lind"),
]
# Per open requisition: two candidates in each assessment stage, one hired, three rejected along the way.
OPEN_PLAN = [stage for stage in ASSESSMENT_STAGES for _ in range(2)] + [Stage.HIRED] + [Stage.REJECTED] * 3
PAST_REJECTED = 3
# title, role profile, team
REQUISITIONS = [
    ("Technical support agent — North", skill_codes.TECHNICAL_SUPPORT, "North"),
    ("Escalation specialist — South", skill_codes.ESCALATION_HANDLING, "South"),
]
PAST_REQUISITION = ("Technical support — previous intake", skill_codes.TECHNICAL_SUPPORT, "North")
PAST_HIRES = 6
REPLIES = [
    "Hi Priya,\n\nYou can change it under Account > Profile > Email. Your order history stays exactly as it is. "
    "Invoices will go to the new address from the next one.\n\nBest wishes,\nSam",
    "Hi Tom,\n\nI'm sorry about the double charge, I know rent is due on Friday. I've refunded the second payment "
    "today. It should reach your bank in 2 to 3 working days. Your reference is RF-22841.\n\nSam",
    "Dear Lena,\n\nI'm really sorry. You've written three times and still have no parcel. That isn't good enough. "
    "I have refunded your order in full today and cancelled the stuck delivery. If you'd still like the item, I can "
    "send it by express at no cost. Just reply and I'll arrange it.\n\nSam",
]


@transaction.atomic
def seed_hiring(*, rng: random.Random, stdout=None) -> None:
    with selectors.kit_cache():
        _seed(rng=rng)
    if stdout is not None:
        stdout.write(f"  hiring: {Requisition.objects.count()} requisitions, {Candidate.objects.count()} candidates")


def _seed(*, rng: random.Random) -> None:
    hiring = User.objects.get(username="hiring")
    interviewer = _interviewer()
    for index, (title, profile_code, team_name) in enumerate(REQUISITIONS):
        requisition = _requisition(title=title, profile_code=profile_code, team_name=team_name, by=hiring)
        requisition.hiring_team.add(hiring, interviewer)
        size = len(OPEN_PLAN)
        names = CANDIDATE_NAMES[index * size : index * size + size]
        for (first, last), target in zip(names, OPEN_PLAN, strict=True):
            candidate = _candidate(requisition=requisition, first=first, last=last, rng=rng, by=hiring)
            if candidate.stage == requisition.stages[0] and candidate.interviews.count() == 0:
                _advance(
                    candidate=candidate,
                    target=target,
                    hiring=hiring,
                    interviewer=interviewer,
                    rng=rng,
                    employee_seq=1 + index,
                )
                # The latest move: days ago for a decision, hours to days for someone waiting in a stage.
                waited = rng.uniform(2, 12) if target in (Stage.HIRED, Stage.REJECTED) else rng.uniform(0.3, 4)
                _backdate(candidate=candidate, last_move_at=timezone.now() - timedelta(days=waited), rng=rng)
        _backdate_requisition(requisition)
    _past_requisition(hiring=hiring, interviewer=interviewer, rng=rng)


def _interviewer() -> User:
    username, first, last = SECOND_INTERVIEWER
    from demo.org import demo_password_hash

    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.skillhub.test"}
    )
    if created:
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=roles.HIRING_MANAGER)[0])
    return user


def _requisition(*, title: str, profile_code: str, team_name: str, by: User) -> Requisition:
    requisition = Requisition.objects.filter(title=title).first()
    if requisition is None:
        requisition = services.requisition_create(
            title=title,
            role_profile=RoleProfile.objects.get(code=profile_code),
            team=Team.objects.filter(name=team_name).first(),
            hiring_team=[by],
            openings=2,
            description=f"Demo requisition for {team_name}.",
            created_by=by,
        )
    return requisition


def _candidate(*, requisition: Requisition, first: str, last: str, rng: random.Random, by: User) -> Candidate:
    email = f"{first}.{last}@candidates.example".lower()
    existing = requisition.candidates.filter(email=email).first()
    if existing is not None:
        return existing
    return services.candidate_create(
        requisition=requisition,
        first_name=first,
        last_name=last,
        email=email,
        phone=f"+44 7700 9{rng.randint(10000, 99999)}",
        source=rng.choice(Candidate.Source.values),
        created_by=by,
    )


def _advance(
    *,
    candidate: Candidate,
    target: str,
    hiring: User,
    interviewer: User,
    rng: random.Random,
    employee_seq: int,
    start_date=None,
) -> None:
    """Walk the candidate to `target`, scoring every stage they pass (both interviewers; blind, then submitted)."""
    # Hires were strong, rejections weak; everyone else anywhere in between.
    ability = {Stage.HIRED: (2.8, 3.7), Stage.REJECTED: (1.5, 2.3)}.get(target, (1.8, 3.7))
    ability = rng.uniform(*ability)
    stages = candidate.requisition.stages
    stop = len(stages) if target in (Stage.HIRED, Stage.REJECTED) else stages.index(target)
    if target == Stage.REJECTED:
        stop = rng.choice([1, 1, 1, 2, 2, 3, 4])  # rejected in the stage scored last: mostly screening or the interview
    scenario = Scenario.objects.order_by("code")[rng.randrange(Scenario.objects.count())]
    for stage in stages[:stop]:
        _score_stage(
            candidate=candidate,
            stage=stage,
            hiring=hiring,
            interviewer=interviewer,
            ability=ability,
            rng=rng,
            scenario=scenario,
        )
        next_index = stages.index(stage) + 1
        rejected_here = target == Stage.REJECTED and next_index == stop  # the last stage a rejection was scored in
        if next_index < len(stages) and not rejected_here:
            services.candidate_move(candidate=candidate, to_stage=stages[next_index], moved_by=hiring)
    if target in stages and stop < len(stages) and target != stages[0]:
        # The current stage: the hiring manager has started scoring but not submitted (blind to others).
        if target == Stage.BEHAVIOURAL:
            services.interview_start(candidate=candidate, stage=target, interviewer=interviewer)
    if target == Stage.REJECTED:
        services.candidate_reject(
            candidate=candidate,
            decided_by=hiring,
            reasons="Foundational skills below the bar: struggled to validate the customer's feelings before "
            "solving, and the interviewers agreed on 'no'.",
        )
    elif target == Stage.HIRED:
        team = candidate.requisition.team or Team.objects.order_by("name").first()
        seq = Agent.objects.filter(employee_id__startswith="H").count() + employee_seq
        employee_id = f"H{3000 + seq}"
        while Agent.objects.filter(employee_id=employee_id).exists():
            seq += 1
            employee_id = f"H{3000 + seq}"
        services.candidate_hire(
            candidate=candidate,
            decided_by=hiring,
            reasons="Strong foundational skills (listening, empathy, patience) and a clear, friendly writing "
            "style; both interviewers recommended hiring.",
            team=team,
            start_date=start_date or timezone.localdate(),
            employee_id=employee_id,
            username=f"{candidate.first_name}.{candidate.last_name}".lower(),
            channels=[Channel.EMAIL, Channel.CHAT, Channel.PHONE],
        )


# Days a candidate typically spends in a stage before the next move (low, high).
STAGE_DAYS = {
    Stage.SCREENING: (1.5, 4.0),
    Stage.BEHAVIOURAL: (3.0, 8.0),
    Stage.ROLE_PLAY: (2.0, 6.0),
    Stage.MOCK_TICKET: (2.0, 5.0),
    Stage.APTITUDE: (1.0, 3.0),
}
TEST_STAGES = {CandidateTest.Kind.APTITUDE: Stage.APTITUDE, CandidateTest.Kind.MOCK_TICKET: Stage.MOCK_TICKET}


def _backdate(*, candidate: Candidate, last_move_at: datetime, rng: random.Random) -> None:
    """Spread the candidate's moves over realistic days in each stage, ending with the move at `last_move_at`, and
    date the interviews and tests inside the stage they belong to (the services stamp everything with now)."""
    moves = list(candidate.moves.order_by("moved_at", "pk"))
    if not moves:
        return
    times = [last_move_at]
    for move in reversed(moves[:-1]):
        low, high = STAGE_DAYS.get(move.to_stage, (2.0, 5.0))
        times.insert(0, times[0] - timedelta(days=rng.uniform(low, high)))
    # When each stage was entered and left (a stage still current is left now).
    stays: dict[str, tuple[datetime, datetime]] = {}
    for position, (move, at) in enumerate(zip(moves, times, strict=True)):
        StageMove.objects.filter(pk=move.pk).update(moved_at=at)
        left = times[position + 1] if position + 1 < len(times) else timezone.now()
        stays[move.to_stage] = (at, left)
    Candidate.objects.filter(pk=candidate.pk).update(created_at=times[0])
    if candidate.decided_at is not None:
        Candidate.objects.filter(pk=candidate.pk).update(decided_at=times[-1])
    for interview in candidate.interviews.all():
        entered, left = stays.get(interview.stage, (times[0], times[-1]))
        done = entered + (left - entered) * rng.uniform(0.4, 0.9)
        fields = {"created_at": done - timedelta(minutes=rng.randint(40, 90))}
        if interview.submitted_at is not None:
            fields["submitted_at"] = done
        else:
            fields["created_at"] = entered + (left - entered) * 0.3
        Interview.objects.filter(pk=interview.pk).update(**fields)
    for test in candidate.tests.all():
        entered, left = stays.get(TEST_STAGES.get(test.kind, ""), (times[0], times[-1]))
        shift = entered + timedelta(hours=1) - test.created_at
        CandidateTest.objects.filter(pk=test.pk).update(
            created_at=test.created_at + shift,
            expires_at=test.expires_at + shift,
            started_at=test.started_at and test.started_at + shift + (left - entered) * 0.3,
            submitted_at=test.submitted_at and test.submitted_at + shift + (left - entered) * 0.35,
        )


def _backdate_requisition(requisition: Requisition) -> None:
    """The requisition was opened a few days before its first candidate applied."""
    first = requisition.candidates.order_by("created_at").values_list("created_at", flat=True).first()
    if first is not None and first < requisition.created_at:
        Requisition.objects.filter(pk=requisition.pk).update(created_at=first - timedelta(days=3))


def _score_stage(
    *,
    candidate: Candidate,
    stage: str,
    hiring: User,
    interviewer: User,
    ability: float,
    rng: random.Random,
    scenario: Scenario,
) -> None:
    if stage == Stage.APTITUDE:
        test, _ = services.candidate_test_issue(
            candidate=candidate, kind=CandidateTest.Kind.APTITUDE, created_by=hiring
        )
        services.candidate_test_start(test=test)
        for question in test.aptitude_test.questions.all():
            right = rng.random() < (ability - 1) / 3 + 0.1
            choice = question.correct_choice if right else (question.correct_choice + 1) % len(question.choices)
            services.aptitude_answer_save(test=test, question=question, choice=choice)
        services.candidate_test_submit(test=test)
        return
    if stage == Stage.MOCK_TICKET:
        test, _ = services.candidate_test_issue(
            candidate=candidate, kind=CandidateTest.Kind.MOCK_TICKET, created_by=hiring
        )
        for ticket, body in zip(selectors.mock_ticket_list(), REPLIES, strict=False):
            TicketReply.objects.create(candidate_test=test, ticket=ticket, body=body)
        services.candidate_test_submit(test=test)
    # Two interviewers where it matters most (behavioural interview, role-play); one on screening and written replies.
    interviewers = [hiring] if stage in (Stage.SCREENING, Stage.MOCK_TICKET) else [hiring, interviewer]
    for who in interviewers:
        interview = services.interview_start(
            candidate=candidate, stage=stage, interviewer=who, scenario=scenario if stage == Stage.ROLE_PLAY else None
        )
        ratings = []
        for item in selectors.interview_items(interview=interview):
            nee = rng.random() < 0.06
            score = None if nee else max(1, min(4, round(ability + rng.gauss(0, 0.6))))
            ratings.append(
                Rating(
                    interview=interview,
                    item_key=item.key,
                    question=item.question,
                    criterion=item.criterion,
                    ticket=item.ticket,
                    skill=item.skill,
                    score=score,
                    not_enough_evidence=nee,
                    evidence="" if nee else _evidence(score),
                )
            )
        bulk_create_with_history(ratings, Rating, default_user=who)
        recommendation = (
            Interview.Recommendation.STRONG_YES
            if ability > 3.3
            else Interview.Recommendation.YES
            if ability > 2.6
            else Interview.Recommendation.NO
            if ability > 2.0
            else Interview.Recommendation.STRONG_NO
        )
        services.interview_submit(interview=interview, recommendation=recommendation, notes="")


def _evidence(score: int) -> str:
    return {
        1: "No concrete example; answered in general terms.",
        2: "Example given but the outcome and their own part were unclear.",
        3: "Clear example with their own actions and the result.",
        4: "Specific example, reflected on what they would do differently, and the customer stayed.",
    }[score]


def _past_requisition(*, hiring: User, interviewer: User, rng: random.Random) -> None:
    """A filled requisition from months ago: its hires have 90+ days of contacts, for the predictive report."""
    title, profile_code, team_name = PAST_REQUISITION
    if Requisition.objects.filter(title=title).exists():
        return
    requisition = _requisition(title=title, profile_code=profile_code, team_name=team_name, by=hiring)
    requisition.hiring_team.add(interviewer)
    start = timezone.localdate() - timedelta(days=110)
    names = CANDIDATE_NAMES[2 * len(OPEN_PLAN) :][: PAST_HIRES + PAST_REJECTED]
    targets = [Stage.HIRED] * PAST_HIRES + [Stage.REJECTED] * PAST_REJECTED
    for index, ((first, last), target) in enumerate(zip(names, targets, strict=True)):
        candidate = _candidate(requisition=requisition, first=first, last=last, rng=rng, by=hiring)
        _advance(
            candidate=candidate,
            target=target,
            hiring=hiring,
            interviewer=interviewer,
            rng=rng,
            employee_seq=10 + index,
            start_date=start,
        )
    # Filled: as many openings as hires. Their decisions came two to three weeks before they started.
    Requisition.objects.filter(pk=requisition.pk).update(status=Requisition.Status.FILLED, openings=PAST_HIRES)
    for candidate in requisition.candidates.order_by("pk"):
        decided = timezone.make_aware(datetime.combine(start - timedelta(days=rng.randint(14, 21)), time(10)))
        _backdate(candidate=candidate, last_move_at=decided, rng=rng)
    _backdate_requisition(requisition)
    _contacts_for_hires(requisition=requisition, start=start, rng=rng)


def _contacts_for_hires(*, requisition: Requisition, start, rng: random.Random) -> None:
    """Three contacts a working day for each hire's first 90 days; better assessed hires do a little better."""
    hires = list(requisition.candidates.filter(agent__isnull=False).select_related("agent", "requisition"))
    scores = selectors.candidate_scores(candidates=hires)
    contacts = []
    for candidate in hires:
        agent = candidate.agent
        # 0..1 from the assessment, plus what the interviews did not see: the report should not look perfect.
        quality = min(1, max(0, ((scores[candidate.pk].weighted_score or 2.5) - 1) / 3 + rng.gauss(0, 0.2)))
        for day in range(90):
            date = start + timedelta(days=day)
            if date.weekday() >= 5:
                continue
            for n in range(3):
                started = timezone.make_aware(datetime.combine(date, time(9 + 2 * n, rng.randint(0, 59))))
                resolved = rng.random() < 0.55 + 0.35 * quality
                csat = None
                if rng.random() < 0.35:
                    csat = max(1, min(5, round(2.2 + 2.6 * quality + rng.gauss(0, 0.9))))
                contacts.append(
                    Contact(
                        external_id=f"HIRE-{agent.employee_id}-{date:%Y%m%d}-{n}",
                        case_id=f"HC-{agent.employee_id}-{date:%Y%m%d}-{n}",
                        agent=agent,
                        team=agent.team,
                        channel=rng.choice([Channel.EMAIL, Channel.CHAT, Channel.PHONE]),
                        started_at=started,
                        day=date,
                        handle_seconds=int(max(60, rng.gauss(520 - 140 * quality, 60))),
                        after_contact_seconds=int(max(10, rng.gauss(90 - 30 * quality, 15))),
                        resolved=resolved,
                        csat=csat,
                    )
                )
    Contact.objects.bulk_create(contacts)


REVIEWS_PER_HIRE = 6


@transaction.atomic
def seed_hiring_reviews(*, rng: random.Random, stdout=None) -> None:
    """QA reviews of the past hires' first 90 days (after the QA seeder set up the scorecard), so the
    predictive report has QA skill scores to correlate with. Agents already reviewed are skipped."""
    from qa.models import Review
    from qa.reviews import services as review_services
    from qa.scorecards import services as scorecard_services
    from qa.scoring import RawAnswer

    reviewer = User.objects.filter(username="reviewer").first()
    version = scorecard_services.default_version()
    title = PAST_REQUISITION[0]
    if reviewer is None or version is None:
        return
    hires = list(
        Candidate.objects.filter(requisition__title=title, agent__isnull=False)
        .select_related("agent", "requisition")
        .order_by("pk")
    )
    scores = selectors.candidate_scores(candidates=hires)
    criteria = list(version.criteria.all())
    created = 0
    for candidate in hires:
        agent = candidate.agent
        if Review.objects.filter(agent=agent, contact__external_id__startswith="HIRE-").exists():
            continue  # seeded before
        agent_rng = random.Random(f"{rng.random()}:{agent.employee_id}")
        quality = min(0.97, max(0.3, ((scores[candidate.pk].weighted_score or 2.5) - 1) / 3 + agent_rng.gauss(0, 0.12)))
        contacts = list(
            Contact.objects.filter(agent=agent, external_id__startswith="HIRE-", reviews__isnull=True).order_by(
                "started_at"
            )
        )
        for contact in agent_rng.sample(contacts, min(REVIEWS_PER_HIRE, len(contacts))):
            answers = {}
            for criterion in criteria:
                if not criterion.applies_to(contact.channel):
                    continue
                if criterion.critical:
                    answers[criterion.pk] = RawAnswer(1)
                elif criterion.scale == "yes_no":
                    answers[criterion.pk] = RawAnswer(1 if agent_rng.random() < quality else 0)
                else:
                    span = criterion.scale_max - criterion.scale_min
                    value = round(quality * span + agent_rng.uniform(-1, 1))
                    answers[criterion.pk] = RawAnswer(criterion.scale_min + max(0, min(span, value)))
            review = review_services.review_create(contact=contact, reviewer=reviewer, version=version)
            review_services.review_save(
                review=review, actor=reviewer, answers=answers, lock_version=review.lock_version, submit=True
            )
            created += 1
    if stdout is not None:
        stdout.write(f"  hiring: {created} QA reviews of new hires' first 90 days")
