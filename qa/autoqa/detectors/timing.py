"""Response time: how long the customer waited for the agent's reply, where turns carry times."""

from statistics import median

from qa.autoqa.detectors import Conversation, Detector, Finding, register
from qa.autoqa.detectors._text import int_param

STATISTICS = ("max", "median")


def reply_waits(conversation: Conversation) -> list[float]:
    """Seconds from each customer message that was waiting (the first of a run) to the agent's next turn."""
    waits: list[float] = []
    waiting_since = None
    for turn in conversation.turns:
        if turn.at is None:
            continue
        if turn.author == "customer":
            if waiting_since is None:
                waiting_since = turn.at
        elif turn.author == "agent" and waiting_since is not None:
            waits.append(max(0.0, (turn.at - waiting_since).total_seconds()))
            waiting_since = None
    return waits


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest:02d} s"


def _params(params: dict) -> tuple[float, str]:
    statistic = params.get("statistic", "max")
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be max or median, not {statistic!r}.")
    return int_param(params, "max_seconds", 120, minimum=1), statistic


def detect_response_time(conversation: Conversation, params: dict) -> Finding:
    limit, statistic = _params(params)
    waits = reply_waits(conversation)
    if not waits:
        return Finding(value=None, evidence="No timed customer turn answered by the agent.")
    figure = max(waits) if statistic == "max" else median(waits)
    name = "Longest" if statistic == "max" else "Median"
    return Finding(
        value=1 if figure <= limit else 0,
        evidence=f"{name} wait for the agent's reply {_duration(figure)} over {len(waits)} replies "
        f"(at most {_duration(limit)}).",
    )


register(
    Detector(
        code="response_time",
        label="Replies in time",
        description="1 when the agent's longest (or median) wait after a customer's turn is at most max_seconds; "
        "no answer when turns carry no times.",
        func=detect_response_time,
        version="1",
        validate=lambda params: _params(params) and None,
    )
)
