"""Helpers the detectors share: the sentence around a match, masked evidence, the agent's turns a rule looks at."""

import re

from qa.autoqa.detectors import Conversation, Turn

EVIDENCE_CHARS = 240
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n")
# Stand-in masking while core.pii is unavailable (evidence must never show a number or an address in clear).
_FALLBACK_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_FALLBACK_DIGITS = re.compile(r"\+?\d[\d ()./-]{4,}\d")


def normalise(text: str) -> str:
    """Typographic apostrophes as plain ones, so "I’m sorry" matches "i'm sorry". Same length: offsets hold."""
    return (text or "").replace("\u2019", "'").replace("\u2018", "'")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the sentence around text[start:end]."""
    left = 0
    for boundary in _SENTENCE_END.finditer(text, 0, start):
        left = boundary.end()
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.end() if right_match else len(text)
    return left, right


def sentence_at(text: str, start: int, end: int) -> str:
    left, right = sentence_bounds(text, start, end)
    return text[left:right].strip()


_PII_MISSING = False


def mask(text: str) -> str:
    """`text` with card numbers, IBANs, emails and phone numbers masked (core.pii's markers)."""
    global _PII_MISSING
    if not _PII_MISSING:
        try:
            from core import pii
        except ImportError:  # pragma: no cover - core.pii lands beside this module
            _PII_MISSING = True  # a failed import is slow: try once
        else:
            return pii.mask(text)[0]
    return _FALLBACK_DIGITS.sub("[number]", _FALLBACK_EMAIL.sub("[email]", text))


def clip(text: str, limit: int = EVIDENCE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def evidence(text: str) -> str:
    """Evidence as shown to a reviewer: masked, on one line, clipped."""
    return clip(mask(text))


def agent_turns(conversation: Conversation, where: str = "any", last: int = 2) -> list[Turn]:
    """The agent's turns a rule looks at: the first one, the last `last` ones, or all."""
    turns = conversation.agent_turns()
    if where == "first_agent_turn":
        return turns[:1]
    if where == "last_agent_turns":
        return turns[-last:] if last > 0 else []
    return turns


def int_param(params: dict, name: str, default: int | float, *, minimum: float = 0) -> float:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ValueError(f"{name} must be a number of at least {minimum}, not {value!r}.")
    return value
