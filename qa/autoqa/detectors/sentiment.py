"""Customer sentiment at the start and the end of a conversation: VADER's compound score (−1 … +1), whose lexicon
ships inside the vaderSentiment package. English only: other languages get no sentiment."""

from functools import lru_cache

from qa.autoqa.detectors import Conversation, Detector, Finding, register
from qa.autoqa.detectors._text import evidence, int_param

LANGUAGES = frozenset({"en"})


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    return round(_analyzer().polarity_scores(text)["compound"], 4)


def _english(conversation: Conversation) -> bool:
    return (conversation.language or "en").lower().split("-")[0].split("_")[0] in LANGUAGES


def sentiment(conversation: Conversation, turns: int = 1) -> tuple[float | None, float | None]:
    """(start, end): compound scores of the customer's first and last `turns` turns; (None, None) for another
    language or without customer text. One customer turn is both the start and the end."""
    try:
        return _sentiment_cached(conversation, turns)
    except TypeError:  # turns given as a list: unhashable, computed without the cache
        return _sentiment(conversation, turns)


def _sentiment(conversation: Conversation, turns: int) -> tuple[float | None, float | None]:
    texts = [t.text.strip() for t in conversation.customer_turns() if t.text.strip()]
    if not texts or not _english(conversation):
        return None, None
    return compound(" ".join(texts[:turns])), compound(" ".join(texts[-turns:]))


# Several criteria and the review itself ask for the same conversation's sentiment.
_sentiment_cached = lru_cache(maxsize=64)(_sentiment)


def _last_customer_text(conversation: Conversation) -> str:
    texts = [t.text.strip() for t in conversation.customer_turns() if t.text.strip()]
    return texts[-1] if texts else ""


def _end_params(params: dict) -> tuple[float, int]:
    return int_param(params, "min_end", 0.05, minimum=-1), int(int_param(params, "turns", 1, minimum=1))


def detect_sentiment_end(conversation: Conversation, params: dict) -> Finding:
    minimum, turns = _end_params(params)
    start, end = sentiment(conversation, turns)
    if end is None:
        return Finding(value=None, evidence="No English customer text.")
    return Finding(
        value=1 if end >= minimum else 0,
        evidence=f"Customer's sentiment at the end {end:+.2f}: “{evidence(_last_customer_text(conversation))}”",
    )


def _recovered_params(params: dict) -> tuple[float, float, int]:
    angry = int_param(params, "max_start", -0.25, minimum=-1)
    calm = int_param(params, "min_end", 0.05, minimum=-1)
    return angry, calm, int(int_param(params, "turns", 1, minimum=1))


def detect_sentiment_recovered(conversation: Conversation, params: dict) -> Finding:
    angry, calm, turns = _recovered_params(params)
    if len([t for t in conversation.customer_turns() if t.text.strip()]) < 2:
        return Finding(value=None, evidence="Fewer than two customer turns.")
    start, end = sentiment(conversation, turns)
    if start is None or end is None:
        return Finding(value=None, evidence="No English customer text.")
    if start > angry:
        return Finding(value=None, is_na=True, evidence=f"The customer did not start upset ({start:+.2f}).")
    return Finding(
        value=1 if end >= calm else 0,
        evidence=f"Customer's sentiment {start:+.2f} at the start, {end:+.2f} at the end: "
        f"“{evidence(_last_customer_text(conversation))}”",
    )


register(
    Detector(
        code="sentiment_end",
        label="Customer ends positive",
        description="1 when the customer's last turn scores at least min_end (VADER compound, −1 … +1), 0 when below; "
        "English only.",
        func=detect_sentiment_end,
        version="1",
        validate=lambda params: _end_params(params) and None,
    )
)
register(
    Detector(
        code="sentiment_recovered",
        label="Upset customer calmed",
        description="When the customer started upset (at most max_start): 1 when they ended at least min_end, 0 when "
        "not; N/A when they did not start upset. English only.",
        func=detect_sentiment_recovered,
        version="1",
        validate=lambda params: _recovered_params(params) and None,
    )
)
