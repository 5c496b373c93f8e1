"""Phrase rules on the agent's turns: greeting, introduction, empathy, apology, hold, closing, prohibited phrases;
the customer's name used; identity verified before account details were given.

Phrases come from the runner (`params["patterns"]`: `qa.autoqa.phrases.compile_lists(rows)`, cached there), or a
criterion's own list (`params["phrases"]`), else the shipped defaults. The conversation's language picks the list
(its base language, then English).
"""

import re
from functools import lru_cache

from qa.autoqa import phrases as phrase_lists
from qa.autoqa.detectors import Conversation, Detector, Finding, register
from qa.autoqa.detectors._text import agent_turns, evidence, int_param, normalise, sentence_at, sentence_bounds

WHERE = ("first_agent_turn", "last_agent_turns", "any")
EXPECT = ("present", "absent")
_WHERE_LABEL = {
    "first_agent_turn": "the agent's first turn",
    "last_agent_turns": "the agent's last turns",
    "any": "the agent's turns",
}


@lru_cache(maxsize=256)
def _own_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    return phrase_lists.compile_phrases(phrases)


def _patterns(params: dict) -> dict:
    patterns = params.get("patterns")
    if patterns is None:
        return phrase_lists.default_patterns()
    if not isinstance(patterns, dict):
        raise ValueError("patterns must be the dict compile_lists() returns.")
    return patterns


def _phrase_params(params: dict) -> dict:
    kind = params.get("kind")
    patterns = _patterns(params)
    known = (set(phrase_lists.KINDS) | {key[0] for key in patterns}) - {"negative"}
    own = params.get("phrases")
    if own is not None and (not isinstance(own, list | tuple) or not all(isinstance(p, str) for p in own)):
        raise ValueError("phrases must be a list of strings.")
    if not own and kind not in known:
        raise ValueError(f"Unknown phrase kind {kind!r}; one of {', '.join(sorted(phrase_lists.KINDS))}.")
    where = params.get("where", "any")
    if where not in WHERE:
        raise ValueError(f"where must be one of {', '.join(WHERE)}, not {where!r}.")
    expect = params.get("expect", "absent" if kind == "prohibited" else "present")
    if expect not in EXPECT:
        raise ValueError(f"expect must be present or absent, not {expect!r}.")
    return {
        "kind": kind or "custom",
        "where": where,
        "expect": expect,
        "last": int(int_param(params, "turns", 2, minimum=1)),
        # A hold etiquette rule does not apply when no hold happened.
        "na_when_absent": bool(params.get("na_when_absent", kind == "hold")),
        "own": tuple(own) if own else None,
        "patterns": patterns,
    }


def _search(pattern: re.Pattern[str], negative: re.Pattern[str] | None, text: str) -> tuple[int, int] | None:
    """The first match of `pattern` in `text` whose sentence has no negative context."""
    for match in pattern.finditer(text):
        if negative is not None:
            left, right = sentence_bounds(text, match.start(), match.end())
            if negative.search(text, left, right):
                continue
        return match.start(), match.end()
    return None


def find_phrase(
    conversation: Conversation,
    *,
    kind: str,
    where: str = "any",
    last: int = 2,
    patterns: dict | None = None,
    own: tuple[str, ...] | None = None,
) -> tuple[int, str] | None:
    """(index among the agent's turns, matched sentence) of the first phrase of `kind`, or None."""
    patterns = patterns if patterns is not None else phrase_lists.default_patterns()
    pattern = _own_pattern(own) if own else phrase_lists.lookup(patterns, kind, conversation.language)
    if pattern is None:
        return None
    negative = (
        phrase_lists.lookup(patterns, "negative", conversation.language) if kind in phrase_lists.NEGATED_KINDS else None
    )
    for index, turn in enumerate(agent_turns(conversation, where, last)):
        text = normalise(turn.text)
        found = _search(pattern, negative, text)
        if found:
            return index, sentence_at(text, *found)
    return None


def detect_phrase(conversation: Conversation, params: dict) -> Finding:
    p = _phrase_params(params)
    turns = agent_turns(conversation, p["where"], p["last"])
    if not turns:
        return Finding(value=None, evidence="No agent turns.")
    found = find_phrase(
        conversation, kind=p["kind"], where=p["where"], last=p["last"], patterns=p["patterns"], own=p["own"]
    )
    flags = ["prohibited_phrase"] if found and p["kind"] == "prohibited" else []
    if found:
        return Finding(value=1 if p["expect"] == "present" else 0, evidence=evidence(found[1]), flags=flags)
    if p["expect"] == "present" and p["na_when_absent"]:
        return Finding(value=None, is_na=True, evidence=f"No {p['kind']} phrase in {_WHERE_LABEL[p['where']]}.")
    note = f"No {p['kind']} phrase in {_WHERE_LABEL[p['where']]}"
    if p["where"] == "first_agent_turn":
        note += f": “{evidence(turns[0].text)}”"
    return Finding(value=0 if p["expect"] == "present" else 1, evidence=note + ("" if note.endswith("”") else "."))


def detect_customer_name(conversation: Conversation, params: dict) -> Finding:
    where = params.get("where", "any")
    if where not in WHERE:
        raise ValueError(f"where must be one of {', '.join(WHERE)}, not {where!r}.")
    first = (conversation.customer_name or "").strip().split(" ")[0].strip(".,")
    turns = agent_turns(conversation, where, int(int_param(params, "turns", 2, minimum=1)))
    if len(first) < 2 or not turns:
        return Finding(value=None, evidence="Customer's name unknown." if len(first) < 2 else "No agent turns.")
    pattern = re.compile(rf"(?<!\w){re.escape(first)}(?!\w)", re.IGNORECASE)
    for turn in turns:
        match = pattern.search(turn.text)
        if match:
            return Finding(value=1, evidence=evidence(sentence_at(turn.text, match.start(), match.end())))
    return Finding(value=0, evidence=f"The agent never used the customer's name ({first}).")


def detect_verification_before_account(conversation: Conversation, params: dict) -> Finding:
    patterns = _patterns(params)
    details = phrase_lists.lookup(patterns, "account_details", conversation.language)
    verify = phrase_lists.lookup(patterns, "verification", conversation.language)
    if details is None:
        return Finding(value=None, evidence="No account-details phrases for this language.")
    verified = False
    for turn in conversation.agent_turns():
        text = normalise(turn.text)
        detail = details.search(text)
        check = verify.search(text) if verify is not None else None
        if check and (detail is None or check.start() < detail.start()):
            verified = True
        if detail:
            sentence = sentence_at(text, detail.start(), detail.end())
            if verified:
                return Finding(value=1, evidence=evidence(sentence))
            return Finding(value=0, evidence=evidence(sentence), flags=["account_details_before_verification"])
    return Finding(value=None, is_na=True, evidence="No account details were discussed.")


def _check_phrase(params: dict) -> None:
    _phrase_params(params)


def _check_where(params: dict) -> None:
    if params.get("where", "any") not in WHERE:
        raise ValueError(f"where must be one of {', '.join(WHERE)}.")


register(
    Detector(
        code="phrases",
        label="Phrase rule (greeting, empathy, hold, closing, prohibited…)",
        description="Looks for a kind of phrase in the agent's turns (first turn, last turns or any): 1 when the "
        "expectation holds (present, or absent for prohibited phrases), 0 when not.",
        func=detect_phrase,
        version="1",
        validate=_check_phrase,
    )
)
register(
    Detector(
        code="customer_name",
        label="Uses the customer's name",
        description="1 when the agent's turns contain the customer's first name; no answer when it is unknown.",
        func=detect_customer_name,
        version="1",
        validate=_check_where,
    )
)
register(
    Detector(
        code="verification_before_account",
        label="Identity verified before account details",
        description="1 when the agent verified identity before giving account details, 0 when details came first "
        "(flag account_details_before_verification), N/A when no account details were discussed.",
        func=detect_verification_before_account,
        version="1",
        validate=lambda params: _patterns(params) and None,
    )
)
