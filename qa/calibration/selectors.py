"""Reads of calibration: who sees which session, the results (a constant number of queries), history, vendors."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import mean

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from core import roles
from core.models import Agent, Contact, Team, User, Vendor
from core.selectors import history
from core.selectors.history import Entry, history_entries
from core.selectors.scope import agents_for_user, teams_for_user, vendors_for_user
from qa.calibration import irr
from qa.calibration.analytics import (
    NA,
    Anchoring,
    Change,
    Scale,
    Spread,
    agreement_pct,
    anchoring,
    criterion_alpha,
    distance,
    session_units,
    spread,
    tendency,
)
from qa.calibration.models import (
    CalibrationAssignment,
    CalibrationDiscussion,
    CalibrationItem,
    CalibrationParticipant,
    CalibrationRevision,
    CalibrationSession,
    GoldAnswer,
    GoldSet,
    GoldSetItem,
)
from qa.reviews.models import Review, ReviewAnswer
from qa.rules import is_qa_lead
from qa.scorecards.models import Criterion
from qa.scoring import RawAnswer, answer_label, score_answers

BOOTSTRAP_SAMPLES = 1000


def may_use_calibration(user: User) -> bool:
    return roles.has_role(user, roles.QA_REVIEWER)


def sessions_for_user(*, user: User) -> QuerySet[CalibrationSession]:
    """Sessions `user` may open: their own, those they take part in, and (QA leads) those on teams in their scope."""
    if roles.is_admin(user):
        return CalibrationSession.objects.all()
    if not may_use_calibration(user):
        return CalibrationSession.objects.none()
    condition = Q(owner=user) | Q(pk__in=CalibrationParticipant.objects.filter(user=user).values("session_id"))
    if is_qa_lead(user):
        # Other leads' sessions whose conversations are all on teams in this lead's scope.
        teams = teams_for_user(user=user).values("pk")
        condition |= Q(pk__in=CalibrationItem.objects.values("session_id")) & ~Q(
            pk__in=CalibrationItem.objects.exclude(contact__team__in=teams).values("session_id")
        )
    return CalibrationSession.objects.filter(condition)


def session_list(*, user: User) -> QuerySet[CalibrationSession]:
    mine = CalibrationParticipant.objects.filter(session=OuterRef("pk"), user=user)
    return (
        sessions_for_user(user=user)
        .select_related("owner", "calibrator", "gold_set", "version__template")
        .annotate(
            n_items=Count("items", distinct=True),
            n_participants=Count("participants", distinct=True),
            is_participant=Exists(mine),
        )
        .order_by("-created_at", "-pk")
    )


def gold_sets_for_user(*, user: User) -> QuerySet[GoldSet]:
    """Gold sets are shared by QA leads (every vendor's reviewers run them)."""
    if not is_qa_lead(user):
        return GoldSet.objects.none()
    sets = GoldSet.objects.all()
    if not roles.is_admin(user):
        # Shared among the leads whose scope covers every conversation of the set.
        teams = teams_for_user(user=user).values("pk")
        sets = sets.exclude(pk__in=GoldSetItem.objects.exclude(contact__team__in=teams).values("gold_set_id"))
    return sets.select_related("version__template", "owner").annotate(
        n_items=Count("items", distinct=True), n_sessions=Count("sessions", distinct=True)
    )


def participant_of(*, session: CalibrationSession, user: User) -> CalibrationParticipant | None:
    return CalibrationParticipant.objects.filter(session=session, user=user).first()


def has_submitted_all(*, session: CalibrationSession, user: User) -> bool:
    return (
        CalibrationAssignment.objects.filter(participant__session=session, participant__user=user).exists()
        and not CalibrationAssignment.objects.filter(
            participant__session=session, participant__user=user, review__submitted_at__isnull=True
        ).exists()
    )


def can_see_results(*, session: CalibrationSession, user: User) -> bool:
    """Blindness: nobody sees another's answers before submitting their own, and nobody before the results open."""
    if session.status != CalibrationSession.Status.CLOSED:
        return False
    if roles.is_admin(user) or session.owner_id == user.pk:
        return True
    if CalibrationParticipant.objects.filter(session=session, user=user).exists():
        return has_submitted_all(session=session, user=user)
    return is_qa_lead(user)


def can_manage(*, session: CalibrationSession, user: User) -> bool:
    return roles.is_admin(user) or session.owner_id == user.pk


def session_progress(*, session: CalibrationSession) -> list[dict]:
    """Who has submitted how many of their conversations (never what they answered)."""
    return list(
        CalibrationParticipant.objects.filter(session=session)
        .select_related("user", "vendor")
        .annotate(
            n_assigned=Count("assignments"),
            n_submitted=Count("assignments", filter=Q(assignments__review__submitted_at__isnull=False)),
        )
    )


def my_assignments(*, session: CalibrationSession, user: User) -> list[CalibrationAssignment]:
    return list(
        CalibrationAssignment.objects.filter(participant__session=session, participant__user=user)
        .select_related("item__contact__agent__user", "review")
        .order_by("item__position", "item__pk")
    )


# ---------------------------------------------------------------------------------------------------- results


@dataclass
class ItemSpread:
    item: CalibrationItem
    spread: Spread
    cells: list  # (participant row, answer, revised answer or None) in participant order
    departed_names: list[str]


@dataclass
class CriterionRow:
    criterion: Criterion
    scale: Scale
    alpha: float | None
    reading: tuple[str, str]
    items: list[ItemSpread]
    departures: int
    answers: int
    discussion: CalibrationDiscussion | None = None

    @property
    def agreement_pct(self) -> float | None:
        return None if not self.answers else 100.0 * (self.answers - self.departures) / self.answers


@dataclass
class ParticipantRow:
    participant: CalibrationParticipant
    scored: int = 0
    distance: float | None = None
    agreement_pct: float | None = None
    scores: list = field(default_factory=list)  # per item: (item, score or None, benchmark score)
    revisions: int = 0

    @property
    def abs_distance(self) -> float | None:
        return None if self.distance is None else abs(self.distance)

    @property
    def tendency(self) -> str:
        return tendency(self.distance)


@dataclass
class GroupRow:
    kind: str
    label: str
    participants: int
    distance: float | None
    abs_distance: float | None
    agreement_pct: float | None
    alpha: float | None
    reading: tuple[str, str]


@dataclass
class Results:
    session: CalibrationSession
    items: list[CalibrationItem]
    criteria: list[CriterionRow]
    participants: list[ParticipantRow]
    benchmark_scores: dict
    alpha: float | None
    level: str
    reading: tuple[str, str]
    interval: irr.Interval | None
    groups: list[GroupRow]
    anchoring: Anchoring
    revisers: int

    @property
    def ambiguous(self) -> list[CriterionRow]:
        """Criteria whose alpha reads tentative or poor, lowest first."""
        rows = [row for row in self.criteria if row.reading[0] in ("poor", "tentative")]
        return sorted(rows, key=lambda row: row.alpha)


def _scale(criterion: Criterion) -> Scale:
    if criterion.scale == Criterion.Scale.POINTS:
        return Scale(is_points=True, scale_min=criterion.scale_min, scale_max=criterion.scale_max)
    return Scale(is_points=False)


def _answer(value, is_na) -> object:
    return NA if is_na else value


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return mean(values) if values else None


def session_results(*, session: CalibrationSession, with_interval: bool = False) -> Results:
    """Every figure of the results page from the blind answers submitted before the results opened."""
    items = list(session.items.select_related("contact__agent__user", "contact__team").order_by("position", "pk"))
    participants = list(session.participants.select_related("user", "vendor"))
    criteria = list(session.version.criteria.select_related("skill", "section"))
    assignments = list(CalibrationAssignment.objects.filter(participant__session=session).select_related("review"))
    cutoff = session.results_opened_at
    counted = {
        a.pk: a
        for a in assignments
        if a.review.submitted_at is not None and (cutoff is None or a.review.submitted_at <= cutoff)
    }
    by_review = {a.review_id: a for a in counted.values()}
    answers: dict[tuple[int, int], dict[int, object]] = defaultdict(dict)  # (item, criterion) → participant → answer
    for row in ReviewAnswer.objects.filter(review_id__in=list(by_review)).values(
        "review_id", "criterion_id", "value", "is_na"
    ):
        a = by_review[row["review_id"]]
        answers[(a.item_id, row["criterion_id"])][a.participant_id] = _answer(row["value"], row["is_na"])
    revised: dict[tuple[int, int, int], object] = {}
    revision_rows = list(
        CalibrationRevision.objects.filter(assignment_id__in=list(counted)).values(
            "assignment_id", "criterion_id", "value", "is_na", "before_value", "before_na"
        )
    )
    for row in revision_rows:
        a = counted[row["assignment_id"]]
        revised[(a.item_id, row["criterion_id"], a.participant_id)] = _answer(row["value"], row["is_na"])
    discussions = {d.criterion_id: d for d in session.discussions.all()}

    # The benchmark: the calibrator's answers, or the gold set's agreed answers.
    benchmark: dict[tuple[int, int], object] = {}
    benchmark_scores: dict[int, float | None] = {}
    calibrator = next((p for p in participants if p.is_calibrator), None)
    if session.gold_set_id:
        gold = defaultdict(dict)
        for row in GoldAnswer.objects.filter(item__gold_set_id=session.gold_set_id).values(
            "item__contact_id", "criterion_id", "value", "is_na"
        ):
            gold[row["item__contact_id"]][row["criterion_id"]] = row
        for item in items:
            rows = gold.get(item.contact_id, {})
            for criterion_id, row in rows.items():
                benchmark[(item.pk, criterion_id)] = _answer(row["value"], row["is_na"])
            result = score_answers(
                criteria=criteria,
                answers={cid: RawAnswer(value=r["value"], is_na=r["is_na"]) for cid, r in rows.items()},
                channel=item.contact.channel,
            )
            benchmark_scores[item.pk] = None if result.missing or result.score is None else float(result.score)
    elif calibrator is not None:
        for (item_id, criterion_id), row in answers.items():
            if calibrator.pk in row:
                benchmark[(item_id, criterion_id)] = row[calibrator.pk]
        for a in counted.values():
            if a.participant_id == calibrator.pk:
                benchmark_scores[a.item_id] = None if a.review.score is None else float(a.review.score)

    submitters = [p for p in participants if any(a.participant_id == p.pk for a in counted.values())]
    rows_by_pid = {p.pk: ParticipantRow(participant=p) for p in participants}

    # Per criterion: spread per conversation, departures from the benchmark, alpha over conversations.
    criterion_rows = []
    session_data = []
    for criterion in criteria:
        scale = _scale(criterion)
        item_spreads, units, departures, given = [], [], 0, 0
        for item in items:
            if not criterion.applies_to(item.contact.channel):
                continue
            cell = answers.get((item.pk, criterion.pk), {})
            bench = benchmark.get((item.pk, criterion.pk))
            others = {pid: a for pid, a in cell.items() if calibrator is None or pid != calibrator.pk}
            result = spread(scale, cell, benchmark=bench)
            result.departed = [pid for pid in result.departed if pid in others]
            departures += len(result.departed)
            given += sum(1 for a in others.values() if a is not None) if bench is not None else 0
            cells = [
                (rows_by_pid[p.pk], cell.get(p.pk), revised.get((item.pk, criterion.pk, p.pk))) for p in submitters
            ]
            names = [
                rows_by_pid[pid].participant.user.get_full_name() or rows_by_pid[pid].participant.user.username
                for pid in result.departed
            ]
            item_spreads.append(ItemSpread(item=item, spread=result, cells=cells, departed_names=names))
            row = [cell.get(p.pk) for p in submitters]
            units.append(row)
            session_data.append((scale, row))
        value = criterion_alpha(scale, units) if len(units) >= 2 else None
        criterion_rows.append(
            CriterionRow(
                criterion=criterion,
                scale=scale,
                alpha=value,
                reading=irr.reading(value) if len(units) >= 2 else ("undefined", "Needs two or more conversations."),
                items=item_spreads,
                departures=departures,
                answers=given,
                discussion=discussions.get(criterion.pk),
            )
        )

    # Per participant: distance of totals from the benchmark, agreement on criteria.
    scored: dict[tuple[int, int], float | None] = {}
    for a in counted.values():
        rows_by_pid[a.participant_id].scored += 1
        scored[(a.participant_id, a.item_id)] = None if a.review.score is None else float(a.review.score)
    for row in rows_by_pid.values():
        # One entry per conversation, in order; None where this participant submitted nothing (in time).
        row.scores = [
            (item, scored.get((row.participant.pk, item.pk)), benchmark_scores.get(item.pk)) for item in items
        ]
    for row in rows_by_pid.values():
        if row.participant.is_calibrator:
            continue
        pid = row.participant.pk
        row.distance = _mean(distance(score, bench) for _item, score, bench in row.scores)
        own = {key: cell[pid] for key, cell in answers.items() if pid in cell}
        row.agreement_pct = agreement_pct(own, {key: benchmark.get(key) for key in own})
    for row in revision_rows:
        rows_by_pid[counted[row["assignment_id"]].participant_id].revisions += 1

    units, level = session_units(session_data)
    value = irr.alpha(units, level=level)
    interval = None
    if with_interval:
        interval = irr.bootstrap_interval(units, level=level, samples=BOOTSTRAP_SAMPLES, seed=session.pk)
    elif session.alpha_low is not None:
        interval = irr.Interval(low=session.alpha_low, high=session.alpha_high, samples=BOOTSTRAP_SAMPLES)

    # In-house and partner reviewers side by side; each group's alpha includes the calibrator's answers.
    groups = []
    for kind, label in Vendor.Kind.choices:
        members = [
            r for r in rows_by_pid.values() if r.participant.vendor and r.participant.vendor.kind == kind and r.scored
        ]
        scorers = [r for r in members if not r.participant.is_calibrator]
        if not scorers:
            continue
        keep = {r.participant.pk for r in members} | ({calibrator.pk} if calibrator else set())
        positions = [i for i, p in enumerate(submitters) if p.pk in keep]
        group_alpha = irr.alpha([[row[i] for i in positions] for row in units], level=level)
        groups.append(
            GroupRow(
                kind=kind,
                label=label,
                participants=len(scorers),
                distance=_mean(r.distance for r in scorers),
                abs_distance=_mean(r.abs_distance for r in scorers),
                agreement_pct=_mean(r.agreement_pct for r in scorers),
                alpha=group_alpha,
                reading=irr.reading(group_alpha),
            )
        )

    # Anchoring: answers changed after the results opened, against the benchmark and the others' mean.
    scales = {c.pk: _scale(c) for c in criteria}
    changes = []
    for row in revision_rows:
        a = counted[row["assignment_id"]]
        scale = scales[row["criterion_id"]]
        cell = answers.get((a.item_id, row["criterion_id"]), {})
        others = [scale.fraction(ans) for pid, ans in cell.items() if pid != a.participant_id]
        changes.append(
            Change(
                scale=scale,
                before=_answer(row["before_value"], row["before_na"]),
                after=_answer(row["value"], row["is_na"]),
                benchmark=benchmark.get((a.item_id, row["criterion_id"])),
                group_mean_fraction=_mean(others),
            )
        )
    return Results(
        session=session,
        items=items,
        criteria=criterion_rows,
        participants=[rows_by_pid[p.pk] for p in participants],
        benchmark_scores=benchmark_scores,
        alpha=value,
        level=level,
        reading=irr.reading(value),
        interval=interval,
        groups=groups,
        anchoring=anchoring(changes),
        revisers=len({counted[r["assignment_id"]].participant_id for r in revision_rows}),
    )


# ------------------------------------------------------------------------------------- answer history


def can_see_answer_history(*, session: CalibrationSession, user: User) -> bool:
    """Who changed which answer when is for the session's lead (and QA leads), and only once the results are open."""
    return session.status == CalibrationSession.Status.CLOSED and (
        can_manage(session=session, user=user) or is_qa_lead(user)
    )


def session_answer_history(*, session: CalibrationSession) -> list[Entry]:
    """Answers changed after the results opened (blind → changed, changed again, back to blind) and the lead's
    agreed answers, oldest first. Two queries whatever the session's size."""
    revisions = (
        CalibrationRevision.history.filter(
            assignment_id__in=CalibrationAssignment.objects.filter(participant__session=session).values("pk")
        )
        .select_related("history_user", "criterion", "assignment__item__contact", "assignment__participant__user")
        .order_by("history_date", "history_id")
    )
    entries: list[Entry] = []
    last: dict[int, object] = {}
    for record in revisions:
        previous = last.get(record.id)
        last[record.id] = record
        blind = answer_label(record.criterion, record.before_value, is_na=record.before_na, points="described")
        revised = answer_label(record.criterion, record.value, is_na=record.is_na, points="described")
        if record.history_type == "+":
            why, old, new = "Changed the blind answer", blind, revised
        elif record.history_type == "-":
            why, old, new = "Went back to the blind answer", revised, blind
        else:
            why, new = "Changed the answer again", revised
            old = (
                answer_label(record.criterion, previous.value, is_na=previous.is_na, points="described")
                if previous
                else blind
            )
        assignment = record.assignment
        participant = assignment.participant.user
        name = participant.get_full_name() or participant.username
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user,
                why=why,
                subject=f"{name} on {assignment.item.contact.external_id}",
                changes=[history.Change(record.criterion.text, old, new)],
            )
        )
    discussions = (
        CalibrationDiscussion.history.filter(session_id=session.pk)
        .select_related("history_user", "criterion")
        .order_by("history_date", "history_id")
    )
    entries += history_entries(
        discussions,
        fields={
            "agreed_value": "Agreed answer",
            "agreed_na": "Agreed answer N/A",
            "note": "Discussion note",
            "promoted_at": "Added to the guidance",
        },
        with_initial=True,
        subject=lambda record: record.criterion.text,
        why=lambda record, before: record.history_change_reason or "Discussion saved",
        formats={
            "agreed_value": lambda record, value: answer_label(record.criterion, value, points="described"),
            "agreed_na": lambda record, value: "Yes" if value else "—",
        },
    )
    entries.sort(key=lambda entry: entry.when)
    return entries


# ------------------------------------------------------------------------------------- history and vendors


def closed_participations() -> QuerySet[CalibrationParticipant]:
    return CalibrationParticipant.objects.filter(
        session__status=CalibrationSession.Status.CLOSED, is_calibrator=False, scored__gt=0
    )


def eligible_participants(*, lead: User):
    """QA reviewers whose scope covers a vendor in the lead's scope: in-house and partner alike."""
    vendors = vendors_for_user(user=lead).values("pk")
    return (
        User.objects.filter(groups__name=roles.QA_REVIEWER, is_active=True)
        .filter(Q(scope__vendors__in=vendors) | Q(scope__teams__vendor__in=vendors) | Q(pk=lead.pk))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def reviewers_visible_to(*, user: User) -> QuerySet[User]:
    """Reviewers whose calibration history `user` may read: themself; for QA leads those of vendors in scope."""
    if roles.is_admin(user):
        return User.objects.all()
    if is_qa_lead(user):
        return eligible_participants(lead=user)
    if may_use_calibration(user):
        return User.objects.filter(pk=user.pk)
    return User.objects.none()


def reviewer_ids_visible_to(*, user: User, user_ids: list[int]) -> set[int]:
    """Which of `user_ids` have a calibration history `user` may open (reviewers_visible_to, in one query)."""
    return set(reviewers_visible_to(user=user).filter(pk__in=user_ids).values_list("pk", flat=True))


def closed_participations_on_teams(*, team_ids: list[int]) -> QuerySet[CalibrationParticipant]:
    """Closed participations (calibrator left out) in sessions with conversations handled in `team_ids`."""
    sessions = CalibrationItem.objects.filter(contact__team_id__in=team_ids).values("session_id")
    return closed_participations().filter(session__in=sessions)


def reviewer_history(*, reviewer: User, viewer: User | None = None) -> dict:
    """The reviewer's closed sessions with their figures, and the summary over them; with `viewer`, only the sessions
    the viewer may open (a partner lead does not see an in-house session their reviewer took part in)."""
    participations = closed_participations().filter(user=reviewer)
    if viewer is not None:
        participations = participations.filter(session__in=sessions_for_user(user=viewer).values("pk"))
    rows = list(
        participations.select_related("session", "vendor")
        .annotate(revisions=Count("assignments__revisions"))
        .order_by("session__results_opened_at", "pk")
    )
    summary = participations.aggregate(
        sessions=Count("pk"),
        distance=Avg("distance"),
        abs_distance=Avg("abs_distance"),
        agreement=Avg("agreement_pct"),
    )
    summary["tendency"] = tendency(summary["distance"])
    return {"rows": rows, "summary": summary}


def vendor_figures(*, user: User) -> dict:
    """Per vendor (and kind), the mean distance and agreement of their reviewers over closed sessions, and who
    scores strict or lenient against the benchmark across sessions. All database aggregates."""
    sessions = sessions_for_user(user=user).filter(status=CalibrationSession.Status.CLOSED)
    base = closed_participations().filter(session__in=sessions.values("pk"))
    vendors = list(
        base.values("vendor_id", "vendor__name", "vendor__kind")
        .annotate(
            sessions=Count("session", distinct=True),
            reviewers=Count("user", distinct=True),
            distance=Avg("distance"),
            abs_distance=Avg("abs_distance"),
            agreement=Avg("agreement_pct"),
        )
        .order_by("vendor__kind", "vendor__name")
    )
    revisions = dict(
        CalibrationRevision.objects.filter(assignment__participant__in=base.values("pk"))
        .values("assignment__participant__vendor_id")
        .annotate(n=Count("pk"))
        .values_list("assignment__participant__vendor_id", "n")
    )
    for row in vendors:
        row["revisions"] = revisions.get(row["vendor_id"], 0)
        row["tendency"] = tendency(row["distance"])
    reviewers = list(
        base.values("user_id", "user__first_name", "user__last_name", "user__username", "vendor__name", "vendor__kind")
        .annotate(
            sessions=Count("session", distinct=True),
            distance=Avg("distance"),
            abs_distance=Avg("abs_distance"),
            agreement=Avg("agreement_pct"),
        )
        .order_by("distance", "user__last_name")
    )
    for row in reviewers:
        row["tendency"] = tendency(row["distance"])
    kinds = list(
        base.values("vendor__kind")
        .annotate(
            reviewers=Count("user", distinct=True),
            distance=Avg("distance"),
            abs_distance=Avg("abs_distance"),
            agreement=Avg("agreement_pct"),
        )
        .order_by("vendor__kind")
    )
    alphas = sessions.aggregate(mean_alpha=Avg("alpha"), n=Count("pk"))
    return {"vendors": vendors, "reviewers": reviewers, "kinds": kinds, "alphas": alphas}


def gold_set_comparison(*, gold_set: GoldSet) -> list[dict]:
    """In-house against partner reviewers on the same gold-set material."""
    return list(
        closed_participations()
        .filter(session__gold_set=gold_set)
        .values("vendor__kind", "vendor__name")
        .annotate(
            reviewers=Count("user", distinct=True),
            sessions=Count("session", distinct=True),
            distance=Avg("distance"),
            abs_distance=Avg("abs_distance"),
            agreement=Avg("agreement_pct"),
        )
        .order_by("vendor__kind", "vendor__name")
    )


# ---------------------------------------------------------------------------------------------------- anonymity


def agent_aliases(*, session: CalibrationSession, user: User) -> dict[int, str]:
    """agent id → "Agent A", "Agent B"… for the session's agents `user` may not otherwise see (another vendor's, in
    a shared session): their names, emails and customer details are not shown to `user`. Letters follow the order of
    the session's conversations, the same for every viewer. Two queries."""
    agent_ids: list[int] = []
    for agent_id in session.items.order_by("position", "pk").values_list("contact__agent_id", flat=True):
        if agent_id not in agent_ids:
            agent_ids.append(agent_id)
    visible = set(agents_for_user(user=user).filter(pk__in=agent_ids).values_list("pk", flat=True))
    return {agent_id: f"Agent {_letters(i)}" for i, agent_id in enumerate(agent_ids) if agent_id not in visible}


def _letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA…"""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def review_agent_alias(*, review: Review, user: User) -> str | None:
    """The alias under which `user` sees the agent of calibration review `review`, or None when they may see them."""
    if not review.is_calibration:
        return None
    assignment = CalibrationAssignment.objects.filter(review=review).select_related("item__session").first()
    if assignment is None:
        return None
    return agent_aliases(session=assignment.item.session, user=user).get(review.agent_id)


def review_aliases(*, reviews, user: User) -> dict[int, str]:
    """review id → the alias under which `user` sees the agent, for the calibration reviews among `reviews` whose
    agent `user` may not otherwise see (the API's review list). Two queries per session, none per review."""
    agent_of = {review.pk: review.agent_id for review in reviews if review.is_calibration}
    if not agent_of:
        return {}
    session_of = dict(
        CalibrationAssignment.objects.filter(review_id__in=list(agent_of)).values_list("review_id", "item__session_id")
    )
    aliases: dict[int, str] = {}
    for session in CalibrationSession.objects.filter(pk__in=set(session_of.values())):
        by_agent = agent_aliases(session=session, user=user)
        for review_id, session_id in session_of.items():
            if session_id == session.pk and agent_of[review_id] in by_agent:
                aliases[review_id] = by_agent[agent_of[review_id]]
    return aliases


# ----------------------------------------------------------------------------------------------- conversation finder


def contacts_to_calibrate(
    *,
    user: User,
    q: str = "",
    channel: str = "",
    team: Team | None = None,
    agent: Agent | None = None,
    start: date | None = None,
    end: date | None = None,
    exclude: Iterable[int] = (),
) -> QuerySet[Contact]:
    """Conversations in `user`'s scope for a calibration session, newest first: words of the transcript or part of
    the conversation id (`q`), channel, team, agent and contact days from `start` to `end`."""
    # The agent and the team that handled the conversation both in scope (an agent who moved in keeps their old
    # team's conversations out, as sessions and gold sets are scoped by the conversation's team).
    contacts = Contact.objects.filter(
        agent__in=agents_for_user(user=user).values("pk"), team__in=teams_for_user(user=user).values("pk")
    )
    if q:
        contacts = contacts.filter(Q(transcript__icontains=q) | Q(external_id__icontains=q))
    if channel:
        contacts = contacts.filter(channel=channel)
    if team is not None:
        contacts = contacts.filter(team=team)
    if agent is not None:
        contacts = contacts.filter(agent=agent)
    if start is not None:
        contacts = contacts.filter(day__gte=start)
    if end is not None:
        contacts = contacts.filter(day__lte=end)
    exclude = list(exclude)
    if exclude:
        contacts = contacts.exclude(pk__in=exclude)
    return contacts.select_related("agent__user", "team").order_by("-started_at", "-pk")
