"""Flesch reading ease of written text (a candidate's mock-ticket reply, an agent's chat or email messages):
206.835 − 1.015 × words/sentences − 84.6 × syllables/words.

60–70 is plain English; above 70 is easy; below 50 is hard for many customers. One definition for hiring and QA.
"""

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """Count syllables by vowel groups, with the usual English corrections (silent e, -le, -ed)."""
    word = word.lower().strip("'")
    if len(word) <= 3:
        return 1
    word = re.sub(r"'s$", "", word)
    count = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")):
        count -= 1
    if word.endswith("ed") and not word.endswith(("ted", "ded")):
        count -= 1
    return max(1, count)


def flesch_reading_ease(text: str) -> float | None:
    """The score, rounded to one decimal; None for text without words."""
    words = _WORD.findall(text or "")
    if not words:
        return None
    sentences = max(1, len([part for part in _SENTENCE_END.split(text.strip()) if _WORD.search(part)]))
    syllable_count = sum(syllables(word) for word in words)
    score = 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllable_count / len(words))
    return round(score, 1)


def reading_ease_label(score: float | None) -> str:
    """Flesch's own bands: 90+ very easy, 70+ easy, 60+ plain English, 50+ fairly difficult, 30+ difficult."""
    if score is None:
        return "no text"
    for bound, label in (
        (90, "very easy"),
        (70, "easy"),
        (60, "plain English"),
        (50, "fairly difficult"),
        (30, "difficult"),
    ):
        if score >= bound:
            return label
    return "very difficult"
