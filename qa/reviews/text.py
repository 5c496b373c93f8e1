"""Hints for reviewers of written channels: who said what, readability, and listening/empathy phrases."""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.readability import flesch_reading_ease, reading_ease_label
from core.selectors.channels import is_written

# "Customer: …", "Agent: …", or the agent's name ("Lena: …"), as imported transcripts label turns.
_SPEAKER = re.compile(r"^\s*([A-Za-z][A-Za-z .'-]{0,40}?)\s*:\s+")
_CUSTOMER_LABELS = {"customer", "c", "client", "caller", "user", "cust"}

# Phrases that show the agent listened (restating, checking) or acknowledged feelings. Hints, never scores.
LISTENING_PHRASES = [
    r"so what you(?:'| a)re saying",
    r"if I understand(?: you)?(?: correctly)?",
    r"just to (?:confirm|check|make sure)",
    r"let me make sure",
    r"you mentioned",
    r"to recap",
    r"as you said",
    r"did I get that right",
    r"in other words",
]
EMPATHY_PHRASES = [
    r"(?:I(?:'m| am) (?:so |really |very )?sorry|sorry (?:about|for|to hear))",
    r"I understand (?:how|why|that)",
    r"that (?:must|sounds) (?:be )?(?:frustrating|stressful|annoying|difficult|hard|worrying)",
    r"I can (?:see|imagine|understand) (?:why|how)",
    r"I appreciate your patience",
    r"thank you for (?:your patience|bearing with|waiting|explaining|letting me know)",
    r"I(?:'d| would) feel the same",
    r"I(?:'m| am) here to help",
]
_PATTERN = re.compile(
    "|".join(
        [f"(?P<l{i}>{p})" for i, p in enumerate(LISTENING_PHRASES)]
        + [f"(?P<e{i}>{p})" for i, p in enumerate(EMPATHY_PHRASES)]
    ),
    re.IGNORECASE,
)


@dataclass
class Turn:
    speaker: str  # "agent", "customer" or "" when the line has no speaker label
    label: str  # the label as written ("Lena", "Customer")
    html: SafeString


@dataclass
class TranscriptHints:
    turns: list[Turn]
    reading_ease: float | None
    reading_label: str
    listening_count: int
    empathy_count: int


def _highlight(text: str) -> tuple[SafeString, int, int]:
    out: list[str] = []
    listening = empathy = 0
    last = 0
    for match in _PATTERN.finditer(text):
        kind = "listening" if (match.lastgroup or "").startswith("l") else "empathy"
        if kind == "listening":
            listening += 1
        else:
            empathy += 1
        out.append(escape(text[last : match.start()]))
        title = "Shows listening" if kind == "listening" else "Shows empathy"
        # The hint is said in text too (a title alone reaches neither touch screens nor most screen readers).
        out.append(
            f'<mark class="hint-{kind}" title="{title}">{escape(match.group(0))}'
            f'<span class="visually-hidden"> ({title})</span></mark>'
        )
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out)), listening, empathy


def split_transcript(transcript: str) -> list[tuple[str, str, str]]:
    """A plain transcript as (speaker, label, text) lines: speaker "agent" or "customer" by the line's label, ""
    when the line has none."""
    lines = []
    for line in transcript.splitlines():
        if not line.strip():
            continue
        match = _SPEAKER.match(line)
        speaker = label = ""
        body = line
        if match:
            label = match.group(1).strip()
            speaker = "customer" if label.lower() in _CUSTOMER_LABELS else "agent"
            body = line[match.end() :]
        lines.append((speaker, label, body))
    return lines


def turn_hints(*, lines: list[tuple[str, str, str]], written: bool) -> TranscriptHints:
    """Turns of (speaker, label, text) lines; for written channels, the agent's phrases highlighted and their
    readability scored (a customer's or a bot's words are neither)."""
    turns: list[Turn] = []
    agent_text: list[str] = []
    listening = empathy = 0
    for speaker, label, body in lines:
        if speaker in ("agent", ""):
            agent_text.append(body)
        if written and speaker in ("agent", ""):
            html, n_listen, n_emp = _highlight(body)
            listening += n_listen
            empathy += n_emp
        else:
            html = escape(body)
        turns.append(Turn(speaker=speaker, label=label, html=html))
    ease = flesch_reading_ease(" ".join(agent_text)) if written else None
    return TranscriptHints(
        turns=turns,
        reading_ease=ease,
        reading_label=reading_ease_label(ease),
        listening_count=listening,
        empathy_count=empathy,
    )


def transcript_hints(*, transcript: str, channel: str, written: bool | None = None) -> TranscriptHints:
    """Split a transcript into turns; for written channels, highlight phrases and score the agent's readability.

    Written channels are the catalogue's kinds written, messaging and social; pass `written` when it is known.
    """
    if written is None:
        written = is_written(channel)
    return turn_hints(lines=split_transcript(transcript), written=written)


# Customer details in a transcript shown to a reviewer of another vendor (calibration): addresses, phone numbers and
# any run of 4+ digits (cards, accounts, orders), and the agent's names.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)\+?\d[\d ()./-]{6,}\d(?!\w)")
_DIGITS = re.compile(r"\d{4,}")
MASK = "[masked]"


def mask_transcript(transcript: str, *, names: list[str], alias: str) -> str:
    """`transcript` with the agent's `names` replaced by `alias` ("Agent A") and customer details by [masked]."""
    text = _EMAIL.sub(MASK, transcript)
    text = _PHONE.sub(MASK, text)
    text = _DIGITS.sub(MASK, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", alias, text, flags=re.IGNORECASE)
    return text
