"""The detectors' registry and the shapes they share. A detector is a pure function over a conversation: no database,
no network, no model download (what it needs ships inside its package).

    finding = run(code, conversation, params)      # -> Finding(value, evidence, flags)

- `Conversation`: the contact's turns (from the turns table, or a plain transcript split on its speaker labels),
  its language and channel.
- `Finding.value`: 1 (yes) / 0 (no) / a point on the criterion's scale / None (the detector cannot tell: the
  criterion gets no automatic answer). `is_na` when the behaviour did not apply (e.g. no hold happened).
- `Finding.evidence`: the matched sentence or turn, PII masked (core.pii). `flags`: strings like pii_card_number.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Turn:
    author: str  # "agent", "customer", "system" (or "" when a transcript line has no speaker label)
    text: str
    at: datetime | None = None


@dataclass(frozen=True)
class Conversation:
    turns: tuple[Turn, ...]
    language: str = "en"
    channel: str = ""
    customer_name: str = ""  # when known (lets the "uses the customer's name" rule work)

    def agent_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.author == "agent"]

    def customer_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.author == "customer"]


@dataclass
class Finding:
    value: int | None = None
    is_na: bool = False
    evidence: str = ""
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Detector:
    code: str
    label: str
    description: str
    func: Callable[[Conversation, dict], Finding]
    version: str = "1"


REGISTRY: dict[str, Detector] = {}


def register(detector: Detector) -> Detector:
    REGISTRY[detector.code] = detector
    return detector


def run(code: str, conversation: Conversation, params: dict | None = None) -> Finding:
    """Run the detector `code` on `conversation`. Unknown code: ValueError."""
    try:
        detector = REGISTRY[code]
    except KeyError:
        raise ValueError(f"Unknown AutoQA detector {code!r}.") from None
    return detector.func(conversation, params or {})


def choices() -> list[tuple[str, str]]:
    return [(d.code, d.label) for d in sorted(REGISTRY.values(), key=lambda d: d.label)]
