"""Demo calibration: two closed sessions (one well aligned, one not, with answers changed afterwards), one open
session waiting for the demo reviewers, and a gold set that in-house and partner reviewers have run once. Keyed on
titles and names, so running it twice changes nothing."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core import roles
from core.models import Channel, Contact, Scope, User, Vendor
from demo.org import _user
from qa.calibration import services as calibration_services
from qa.models import CalibrationSession, Criterion, GoldSet, Review
from qa.reviews import services as review_services
from qa.scorecards import services as scorecard_services
from qa.scoring import RawAnswer

ALIGNED = "Billing calls — monthly calibration"
MISALIGNED = "Escalations — monthly calibration"
OPEN = "Chat and email — this week's calibration"
GOLD = "Refunds and data protection"
GOLD_RUN = "Refunds and data protection — gold set run"
# Days ago each closed session was set up and had its results opened: the calibration history is recent.
WHEN = {ALIGNED: (40, 36), MISALIGNED: (19, 15), GOLD_RUN: (10, 7)}

# Extra demo reviewers, so in-house and partner reviewers sit side by side (password as the other demo logins).
EXTRA_REVIEWERS = [
    ("qa.ines", "Inês", "Moreira", "SkillHub Support"),
    ("qa.tom", "Tom", "Baker", "SkillHub Support"),
    ("bpo.joao", "João", "Ferreira", "Atlantic BPO"),
    ("bpo.marta", "Marta", "Lopes", "Atlantic BPO"),
]


def _reviewers() -> dict[str, User]:
    people = {}
    for username, first, last, vendor_name in EXTRA_REVIEWERS:
        user = _user(username=username, first=first, last=last, role_names=[roles.QA_REVIEWER])
        scope, _ = Scope.objects.get_or_create(user=user)
        scope.vendors.set(Vendor.objects.filter(name=vendor_name))
        people[username] = user
    for username in ("reviewer", "partner.reviewer"):
        people[username] = User.objects.get(username=username)
    return people


def _benchmark(criteria: list[Criterion], channel: str, rng: random.Random) -> dict[int, RawAnswer]:
    answers = {}
    for criterion in criteria:
        if not criterion.applies_to(channel):
            continue
        if criterion.critical:
            answers[criterion.pk] = RawAnswer(criterion.scale_max if criterion.scale == "points" else 1)
        elif criterion.allow_na and rng.random() < 0.15:
            answers[criterion.pk] = RawAnswer(is_na=True)
        elif criterion.scale == "points":
            answers[criterion.pk] = RawAnswer(
                rng.randint(max(criterion.scale_min, criterion.scale_max - 2), criterion.scale_max)
            )
        else:
            answers[criterion.pk] = RawAnswer(1 if rng.random() < 0.7 else 0)
    return answers


def _scored_by(
    criteria: list[Criterion], benchmark: dict[int, RawAnswer], *, rng: random.Random, agree: float, bias: int
) -> dict[int, RawAnswer]:
    """A reviewer's answers: the benchmark's with probability `agree`, else moved (bias > 0 lenient, < 0 strict)."""
    answers = {}
    for criterion in criteria:
        bench = benchmark.get(criterion.pk)
        if bench is None:
            continue
        if criterion.critical or bench.is_na or rng.random() < agree:
            answers[criterion.pk] = bench
        elif criterion.scale == "points":
            step = bias if bias and rng.random() < 0.7 else rng.choice((-1, 1))
            value = min(criterion.scale_max, max(criterion.scale_min, bench.value + step))
            answers[criterion.pk] = RawAnswer(value)
        else:
            value = 1 if bias > 0 else 0 if bias < 0 else 1 - bench.value
            answers[criterion.pk] = RawAnswer(value if rng.random() < 0.8 else 1 - bench.value)
    return answers


def _submit(session: CalibrationSession, user: User, answers_for) -> None:
    participant = session.participants.get(user=user)
    for assignment in participant.assignments.select_related("review", "item__contact"):
        review = assignment.review
        review_services.review_save(
            review=review,
            actor=user,
            answers=answers_for(assignment.item.contact),
            lock_version=review.lock_version,
            submit=True,
        )


def _contacts(rng: random.Random, *, channels: list[str], count: int, exclude: set[int]) -> list[Contact]:
    pool = list(
        Contact.objects.filter(channel__in=channels)
        .exclude(pk__in=exclude)
        .exclude(agent__user__groups__name=roles.QA_REVIEWER)
        .order_by("started_at", "pk")
        .values_list("pk", flat=True)[:400]
    )
    picked = rng.sample(pool, min(count, len(pool)))
    return list(Contact.objects.filter(pk__in=picked).select_related("agent").order_by("started_at"))


def _run_session(
    *,
    title: str,
    lead: User,
    people: dict[str, User],
    contacts: list[Contact],
    version,
    rng: random.Random,
    profile: dict[str, tuple[float, int]],
    close: bool,
) -> CalibrationSession:
    session = calibration_services.session_create(
        owner=lead,
        title=title,
        version=version,
        contacts=contacts,
        participants=[people[name] for name in profile],
        calibrator=lead,
        deadline=timezone.now() + timedelta(days=4),
    )
    criteria = list(version.criteria.all())
    benchmarks = {c.pk: _benchmark(criteria, c.channel, rng) for c in contacts}
    _submit(session, lead, lambda contact: benchmarks[contact.pk])
    for name, (agree, bias) in profile.items():
        if not close and name in ("partner.reviewer", "bpo.marta"):
            continue  # left to score in the open session
        _submit(
            session,
            people[name],
            lambda contact, agree=agree, bias=bias: _scored_by(
                criteria, benchmarks[contact.pk], rng=rng, agree=agree, bias=bias
            ),
        )
    if close:
        calibration_services.session_sync(session=session)
    return session


@transaction.atomic
def seed_calibration(*, rng: random.Random, stdout=None) -> None:
    version = scorecard_services.default_version()
    lead = User.objects.filter(username="reviewer").first()
    if version is None or lead is None or not Contact.objects.exists():
        return
    people = _reviewers()
    used: set[int] = set()
    existing = set(
        CalibrationSession.objects.filter(title__in=[ALIGNED, MISALIGNED, OPEN]).values_list("title", flat=True)
    )
    if ALIGNED not in existing:
        contacts = _contacts(rng, channels=[Channel.PHONE], count=3, exclude=used)
        used |= {c.pk for c in contacts}
        _run_session(
            title=ALIGNED,
            lead=lead,
            people=people,
            contacts=contacts,
            version=version,
            rng=rng,
            profile={"qa.ines": (0.98, 0), "qa.tom": (0.97, 0), "partner.reviewer": (0.96, 0), "bpo.joao": (0.96, 0)},
            close=True,
        )
    if MISALIGNED not in existing:
        contacts = _contacts(rng, channels=[Channel.PHONE, Channel.EMAIL], count=3, exclude=used)
        used |= {c.pk for c in contacts}
        session = _run_session(
            title=MISALIGNED,
            lead=lead,
            people=people,
            contacts=contacts,
            version=version,
            rng=rng,
            profile={
                "qa.ines": (0.8, 0),
                "qa.tom": (0.45, -1),
                "partner.reviewer": (0.4, 1),
                "bpo.joao": (0.35, 1),
                "bpo.marta": (0.4, 1),
            },
            close=True,
        )
        _anchor(session, people, rng)
        criterion = version.criteria.filter(scale=Criterion.Scale.POINTS).order_by("position", "pk").first()
        if criterion is not None:
            calibration_services.discussion_save(
                session=session,
                criterion=criterion,
                user=lead,
                note=(
                    "A fix that only works for this customer is a workaround, not the root cause: "
                    "score it in the middle."
                ),
                agreed_value=(criterion.scale_min + criterion.scale_max) // 2,
            )
    if OPEN not in existing:
        contacts = _contacts(rng, channels=[Channel.CHAT, Channel.EMAIL], count=2, exclude=used)
        _run_session(
            title=OPEN,
            lead=lead,
            people=people,
            contacts=contacts,
            version=version,
            rng=rng,
            profile={"qa.ines": (0.8, 0), "bpo.joao": (0.7, 1), "partner.reviewer": (0.8, 0), "bpo.marta": (0.8, 0)},
            close=False,
        )
    if not GoldSet.objects.filter(name=GOLD).exists():
        contacts = _contacts(rng, channels=[Channel.PHONE], count=2, exclude=used)
        gold = calibration_services.gold_set_create(
            owner=lead,
            name=GOLD,
            version=version,
            contacts=contacts,
            description=(
                "Agreed answers for refund calls, including the data-protection check. Run it with every vendor."
            ),
        )
        criteria = list(version.criteria.all())
        for item in gold.items.select_related("contact"):
            for criterion_id, answer in _benchmark(criteria, item.contact.channel, rng).items():
                criterion = next(c for c in criteria if c.pk == criterion_id)
                calibration_services.gold_answer_set(
                    item=item, criterion=criterion, user=lead, value=answer.value, is_na=answer.is_na
                )
    gold = GoldSet.objects.filter(name=GOLD).first()
    if gold is not None and not CalibrationSession.objects.filter(title=GOLD_RUN).exists():
        _run_gold_set(gold=gold, lead=lead, people=people, rng=rng)
    for title, (created_days, opened_days) in WHEN.items():
        _backdate(title, created_days=created_days, opened_days=opened_days)
    if stdout is not None:
        stdout.write(
            f"  calibration: {CalibrationSession.objects.count()} sessions, {GoldSet.objects.count()} gold sets"
        )


def _anchor(session: CalibrationSession, people: dict[str, User], rng: random.Random) -> None:
    """Two partner reviewers move a few answers toward the benchmark once they see the results."""
    from qa.models import ReviewAnswer

    benchmark = {
        (a.review.contact_id, a.criterion_id): a
        for a in ReviewAnswer.objects.filter(
            review__calibration_assignment__participant__session=session,
            review__calibration_assignment__participant__is_calibrator=True,
        ).select_related("review", "criterion")
    }
    for name in ("bpo.joao", "bpo.marta"):
        participant = session.participants.get(user=people[name])
        moved = 0
        for assignment in participant.assignments.select_related("review"):
            for answer in assignment.review.answers.select_related("criterion").order_by("criterion__position", "pk"):
                bench = benchmark.get((assignment.review.contact_id, answer.criterion_id))
                if bench is None or moved >= 3 or (answer.value, answer.is_na) == (bench.value, bench.is_na):
                    continue
                calibration_services.answer_revise(
                    assignment=assignment,
                    criterion=answer.criterion,
                    user=people[name],
                    value=bench.value,
                    is_na=bench.is_na,
                )
                moved += 1


def _run_gold_set(*, gold: GoldSet, lead: User, people: dict[str, User], rng: random.Random) -> CalibrationSession:
    """In-house and partner reviewers score the gold set; their answers are compared with the agreed ones."""
    from qa.models import GoldAnswer

    agreed: dict[int, dict[int, RawAnswer]] = {}
    for contact_id, criterion_id, value, is_na in GoldAnswer.objects.filter(item__gold_set=gold).values_list(
        "item__contact_id", "criterion_id", "value", "is_na"
    ):
        agreed.setdefault(contact_id, {})[criterion_id] = RawAnswer(value, is_na=is_na)
    profile = {"qa.ines": (0.95, 0), "qa.tom": (0.85, -1), "bpo.joao": (0.75, 1), "partner.reviewer": (0.7, 1)}
    session = calibration_services.session_create(
        owner=lead,
        title=GOLD_RUN,
        gold_set=gold,
        participants=[people[name] for name in profile],
        deadline=timezone.now() + timedelta(days=4),
    )
    criteria = list(gold.version.criteria.all())
    for name, (agree, bias) in profile.items():
        _submit(
            session,
            people[name],
            lambda contact, agree=agree, bias=bias: _scored_by(
                criteria, agreed.get(contact.pk, {}), rng=rng, agree=agree, bias=bias
            ),
        )
    return calibration_services.session_sync(session=session)


def _backdate(title: str, *, created_days: int, opened_days: int) -> None:
    """A closed session's dates: set up `created_days` ago, results opened `opened_days` ago (the services stamp
    now; the demo's calibration history reads as weeks of work)."""
    now = timezone.now()
    created, opened = now - timedelta(days=created_days), now - timedelta(days=opened_days)
    sessions = list(
        CalibrationSession.objects.filter(
            title=title, status=CalibrationSession.Status.CLOSED, created_at__gt=now - timedelta(days=1)
        ).values_list("pk", flat=True)
    )
    CalibrationSession.objects.filter(pk__in=sessions).update(
        created_at=created, deadline=opened, results_opened_at=opened
    )
    # The blind reviews were submitted before the results opened (the results page counts only those): without
    # this they would carry the seeding's own time, after the backdated opening, and every cell read "not scored".
    Review.objects.filter(calibration_assignment__participant__session__in=sessions, submitted_at__isnull=False).update(
        created_at=created, submitted_at=opened - timedelta(hours=2)
    )
