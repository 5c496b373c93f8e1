"""Reads of conversations (contacts), scoped to the asking user: which contacts a user may open, a contact as turns
with its metadata and recording, and the case timeline (every contact of the same case, across channels and agents).
The conversation browser and the review page read through these too."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Window
from django.utils.safestring import SafeString

from core import roles
from core.models import Contact, ContactTurn, TurnAuthor, User
from core.selectors.channels import is_written
from core.selectors.scope import agents_for_user, teams_for_user
from qa.reviews.models import Review
from qa.reviews.selectors import reviews_for_user
from qa.reviews.text import TranscriptHints, mask_transcript, split_transcript, turn_hints

# Contacts of one case listed on the timeline; a longer case says how many more there are.
CASE_LIMIT = 100


def contacts_for_user(*, user: User) -> QuerySet[Contact]:
    """Contacts `user` may open: all for admins; for QA reviewers and ops leads those whose agent and handling team
    are both in scope (a partner's users see only their vendor's); an agent their own; nobody else any."""
    if roles.is_admin(user):
        return Contact.objects.all()
    if roles.has_role(user, roles.QA_REVIEWER, roles.OPS_LEAD):
        # Both in scope, as calibration's conversation finder: an agent who moved in keeps their old team's
        # conversations out, and a partner's agent who moved in-house does not bring in-house contacts along.
        return Contact.objects.filter(
            agent__in=agents_for_user(user=user).values("pk"), team__in=teams_for_user(user=user).values("pk")
        )
    if roles.has_role(user, roles.AGENT):
        return Contact.objects.filter(agent__user_id=user.pk)
    return Contact.objects.none()


def contact_detail_queryset(*, user: User) -> QuerySet[Contact]:
    return contacts_for_user(user=user).select_related("agent__user", "team__vendor")


def clock(seconds: float | int | None) -> str:
    """Seconds as a clock reading: 42 → "0:42", 390 → "6:30", 3725 → "1:02:05"; negative with a minus sign."""
    if seconds is None:
        return ""
    sign = "−" if seconds < 0 else ""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}" if hours else f"{sign}{minutes}:{secs:02d}"


@dataclass
class ShownTurn:
    """One turn as the conversation view shows it."""

    author: str  # agent, customer, bot, or "" when a transcript line has no speaker label
    who: str  # "Customer", "Bot", the agent's name (or alias), or the label as written
    at: datetime | None
    offset: int | None  # seconds from the contact's start (None: the turn has no time)
    html: SafeString  # escaped text, listening/empathy phrases marked on written channels

    @property
    def offset_label(self) -> str:
        return clock(self.offset)

    @property
    def seek(self) -> int | None:
        """Where the recording plays this turn from (a turn before the start plays from the start)."""
        return None if self.offset is None else max(0, self.offset)


@dataclass
class CaseEntry:
    contact: Contact
    review_id: int | None  # a review of it the user may open
    is_current: bool


@dataclass
class CaseTimeline:
    case_id: str
    entries: list[CaseEntry]
    hidden: int  # contacts of the case outside the user's scope: counted, never shown
    more: int  # contacts in scope past CASE_LIMIT

    @property
    def others(self) -> int:
        return len(self.entries) - 1 + self.more + self.hidden


@dataclass
class Conversation:
    """Everything the conversation view shows of one contact (templates/qa/partials/conversation.html)."""

    contact: Contact
    turns: list[ShownTurn]
    hints: TranscriptHints
    written: bool
    from_turns: bool  # turns from the turns table (else split from the plain transcript)
    alias: str | None  # the agent's alias in a shared calibration: names and customer details masked
    timeline: CaseTimeline | None  # None in a shared calibration (the case is not the partner's to see)

    @property
    def has_timed_turns(self) -> bool:
        return any(turn.offset is not None for turn in self.turns)

    @property
    def survey_comment(self) -> str:
        comment = self.contact.survey_comment
        return _masked(comment, contact=self.contact, alias=self.alias) if self.alias and comment else comment

    @property
    def handle(self) -> str:
        return clock(self.contact.handle_seconds)

    @property
    def hold(self) -> str:
        return clock(self.contact.hold_seconds)

    @property
    def after_contact(self) -> str:
        return clock(self.contact.after_contact_seconds)


def _names(contact: Contact) -> list[str]:
    user = contact.agent.user
    return [user.get_full_name(), user.first_name, user.last_name, user.username, user.email]


def _masked(text: str, *, contact: Contact, alias: str) -> str:
    return mask_transcript(text, names=_names(contact), alias=alias)


_AUTHOR_LABELS = {TurnAuthor.CUSTOMER: "Customer", TurnAuthor.BOT: "Bot"}


def conversation(
    *, contact: Contact, user: User, alias: str | None = None, written: bool | None = None
) -> Conversation:
    """`contact` as turns (from the turns table, else its transcript split on speaker labels), with its case timeline
    as `user` may see it. `alias` ("Agent A"): another vendor's agent in a shared calibration, names and customer
    details masked and the case left out. Two queries: the turns and the timeline."""
    if written is None:
        written = is_written(contact.channel)
    turns = list(ContactTurn.objects.filter(contact=contact).order_by("position"))
    agent_label = alias or contact.agent.name
    if turns:
        lines = [
            (
                turn.author,
                agent_label if turn.author == TurnAuthor.AGENT else _AUTHOR_LABELS.get(turn.author, turn.author),
                _masked(turn.text, contact=contact, alias=alias) if alias else turn.text,
            )
            for turn in turns
        ]
        times = [turn.at for turn in turns]
    else:
        transcript = _masked(contact.transcript, contact=contact, alias=alias) if alias else contact.transcript
        lines = split_transcript(transcript)
        times = [None] * len(lines)
    hints = turn_hints(lines=lines, written=written)
    shown = [
        ShownTurn(
            author=line[0],
            who=line[1],
            at=at,
            offset=None if at is None else round((at - contact.started_at).total_seconds()),
            html=hint.html,
        )
        for line, at, hint in zip(lines, times, hints.turns, strict=True)
    ]
    return Conversation(
        contact=contact,
        turns=shown,
        hints=hints,
        written=written,
        from_turns=bool(turns),
        alias=alias,
        timeline=None if alias else case_timeline(contact=contact, user=user),
    )


def case_timeline(*, contact: Contact, user: User) -> CaseTimeline:
    """Every contact of `contact`'s case `user` may see, oldest first, each with a review of it they may open; the
    case's other contacts are only counted. One query whatever the case's length."""
    case = Contact.objects.filter(case_id=contact.case_id)
    visible = case
    if not roles.is_admin(user):
        # The contact itself is always on its timeline (its review may be in scope when its team no longer is).
        scoped = contacts_for_user(user=user).filter(case_id=contact.case_id)
        visible = case.filter(Q(pk=contact.pk) | Q(pk__in=scoped.values("pk")))
    case_total = case.order_by().values("case_id").annotate(n=Count("pk")).values("n")
    review = (
        reviews_for_user(user=user)
        .filter(contact=OuterRef("pk"), is_calibration=False)
        .exclude(origin=Review.Origin.SELF)
        .order_by("pk")
        .values("pk")[:1]
    )
    contacts = list(
        visible.select_related("agent__user", "team__vendor")
        .annotate(
            case_total=Subquery(case_total),
            visible_total=Window(Count("pk")),  # over every visible row, before the limit
            review_id=Subquery(review),
        )
        .order_by("started_at", "pk")[:CASE_LIMIT]
    )
    total = contacts[0].case_total if contacts else 0
    shown = contacts[0].visible_total if contacts else 0
    return CaseTimeline(
        case_id=contact.case_id,
        entries=[CaseEntry(contact=c, review_id=c.review_id, is_current=c.pk == contact.pk) for c in contacts],
        hidden=total - shown,
        more=max(0, shown - len(contacts)),
    )


def contact_reviews(*, contact: Contact, user: User) -> QuerySet[Review]:
    """Reviews of `contact` that `user` may open (calibration reviews stay with their session)."""
    return (
        reviews_for_user(user=user)
        .filter(contact=contact, is_calibration=False)
        .select_related("reviewer", "version__template")
        .order_by("-created_at", "-pk")
    )
