"""PII typed by the agent (core.pii: card numbers passing Luhn, IBANs, emails, phone numbers, and the stored redaction
markers such as [card]): a compliance fail, with flags like pii_card_number and the evidence masked."""

import re

from qa.autoqa.detectors import Conversation, Detector, Finding, register
from qa.autoqa.detectors._text import clip, evidence, sentence_at

_MARKER = re.compile(r"\[[a-z_]+\]")


def _pii():
    try:
        from core import pii
    except ImportError:  # pragma: no cover - core.pii lands beside this module
        return None
    return pii


def detect_pii(conversation: Conversation, params: dict) -> Finding:
    pii = _pii()
    if pii is None:
        return Finding(value=None, evidence="PII detection unavailable.")
    turns = conversation.agent_turns()
    if not turns:
        return Finding(value=None, evidence="No agent turns.")
    flags: list[str] = []
    shown = ""
    for turn in turns:
        turn_flags = pii.flags(turn.text)
        if not turn_flags:
            continue
        flags.extend(flag for flag in turn_flags if flag not in flags)
        if not shown:
            matches = pii.find(turn.text)
            if matches:
                shown = clip(pii.masked_excerpt(turn.text, matches[0]))
            else:  # a stored marker: the text is masked already
                marker = _MARKER.search(turn.text)
                shown = evidence(sentence_at(turn.text, marker.start(), marker.end()) if marker else turn.text)
    if not flags:
        return Finding(value=1, evidence="")
    return Finding(value=0, evidence=shown, flags=sorted(flags))


register(
    Detector(
        code="pii",
        label="No card numbers or personal data typed by the agent",
        description="0 (a compliance fail) when the agent typed a card number, IBAN, email address or phone number, "
        "or the transcript holds a redaction marker where one was; flags such as pii_card_number.",
        func=detect_pii,
        version="1",
    )
)
