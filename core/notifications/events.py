"""The catalogue of events people are told of: one entry per event, with the roles it concerns and the default
delivery for each (a user holding several roles gets the most eager of their defaults)."""

from dataclasses import dataclass, field

from core import roles
from core.models import Delivery

NOW, DIGEST, OFF = Delivery.NOW, Delivery.DIGEST, Delivery.OFF
_EAGERNESS = {NOW: 2, DIGEST: 1, OFF: 0}


@dataclass(frozen=True)
class Event:
    code: str
    label: str
    description: str
    defaults: dict[str, str] = field(default_factory=dict)  # role -> delivery; roles not named: `fallback`
    fallback: str = DIGEST
    chat: bool = False  # posted to a team's chat webhook that names no events (team-level news, no one's scores)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.defaults)

    def default_for(self, role_names) -> str:
        chosen = [self.defaults[r] for r in role_names if r in self.defaults]
        if not chosen:
            return self.fallback
        return max(chosen, key=_EAGERNESS.__getitem__)


A, R, L, H, ADM = roles.AGENT, roles.QA_REVIEWER, roles.OPS_LEAD, roles.HIRING_MANAGER, roles.ADMIN

CATALOGUE: tuple[Event, ...] = (
    # QA
    Event("review_released", "Review released", "A review of your work was released to you.", {A: NOW}),
    Event("mentioned", "Mentioned", "Someone mentioned you in a dispute or a comment.", {A: NOW, R: NOW, L: NOW}, NOW),
    Event(
        "dispute_raised", "Dispute raised", "An agent disputed a review in your scope.", {R: NOW, L: DIGEST}, chat=True
    ),
    Event("dispute_resolved", "Dispute resolved", "A dispute was settled.", {A: NOW, R: DIGEST, L: DIGEST}),
    Event("review_assigned", "Review assigned", "Reviews were assigned or reassigned to you.", {R: NOW}),
    Event(
        "review_overdue",
        "Review overdue",
        "A review assigned to you is past its due date.",
        {R: NOW, L: DIGEST},
        chat=True,
    ),
    Event("calibration_invited", "Calibration invitation", "You were invited to a calibration session.", {R: NOW}),
    Event("calibration_due", "Calibration due soon", "A calibration session closes within 24 hours.", {R: NOW}),
    Event(
        "calibration_results",
        "Calibration results",
        "A calibration session's results are open.",
        {R: DIGEST, L: DIGEST},
    ),
    # Coaching
    Event("session_booked", "Coaching session booked", "A coaching session was booked.", {A: NOW, L: DIGEST}),
    Event("session_due", "Coaching session due", "A coaching session is due or overdue.", {A: NOW, L: DIGEST}),
    Event("goal_at_risk", "Goal at risk", "A coaching goal is at risk of being missed.", {A: NOW, L: DIGEST}),
    Event("goal_closed", "Goal achieved or missed", "A coaching goal reached its end.", {A: NOW, L: DIGEST}),
    # Hiring
    Event("interview_feedback_due", "Interview feedback due", "Your feedback on an interview is due.", {H: NOW}),
    Event("candidate_test_submitted", "Candidate test submitted", "A candidate submitted a test.", {H: NOW}),
    Event("candidate_moved", "Candidate moved", "A candidate moved to another stage.", {H: DIGEST}),
    # Data in
    Event("import_finished", "Import finished", "A file you uploaded was imported.", {}, DIGEST),
    Event("import_failed", "Import failed", "A file you uploaded was refused or failed.", {}, NOW),
    # Summaries
    Event(
        "weekly_digest",
        "Weekly team summary",
        "Monday's summary of your teams' figures (ops leads and QA leads).",
        {L: NOW, R: NOW},
        OFF,
    ),
)

BY_CODE: dict[str, Event] = {event.code: event for event in CATALOGUE}
CHOICES = [(event.code, event.label) for event in CATALOGUE]


def get(code: str) -> Event:
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(f"Unknown notification event {code!r}.") from None


def for_roles(role_names) -> list[Event]:
    """The events a user with these roles may hear of (admins: all)."""
    if ADM in role_names:
        return list(CATALOGUE)
    return [e for e in CATALOGUE if not e.defaults or any(r in e.defaults for r in role_names)]
