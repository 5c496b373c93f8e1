"""The one PII detector: payment card numbers, IBANs, email addresses and phone numbers in free text, and the stored
redaction markers ([card], [iban], [email], [phone]) that stand in for them once text has been redacted.

    find(text)            -> [Match(kind, start, end, redacted)]   values and markers, in text order
    mask(text)            -> (masked text, Counter of values masked per kind)
    flags(text)           -> ["pii_card_number", ...]             a marker raises the same flag as the value
    masked_excerpt(text, match) -> the sentence around a match, every PII in it masked

Pure Python, no database; the patterns are compiled once. Kinds are found in a fixed order (email, IBAN, card, phone)
and each later kind looks only at text the earlier ones left, as if they were already masked: a card number is never
also a phone number, and masking twice changes nothing.

What counts:
- card: 13–19 digits (single spaces or dashes between groups) passing the Luhn check, with an issuer prefix and
  length that exist (Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro). An order number failing
  Luhn is not a card.
- iban: country code, two check digits and the BBAN (single spaces allowed, any case), of the country's length,
  passing mod-97. Only countries of the IBAN registry count.
- email: local@domain.tld.
- phone: +CC or 00CC numbers of 8–15 digits; national numbers of 9–12 digits, separated by spaces, dashes, dots or
  parentheses. Not: dates, times, amounts (decimals or a currency beside them), numbers glued to letters
  ("A-123-456-789"), or numbers named as an order, ticket, invoice, reference, account... number.
"""

import re
from collections import Counter
from dataclasses import dataclass

KINDS = ("card", "iban", "email", "phone")
MARKERS = {"card": "[card]", "iban": "[iban]", "email": "[email]", "phone": "[phone]"}
FLAG = {"card": "pii_card_number", "iban": "pii_iban", "email": "pii_email", "phone": "pii_phone"}

# The order kinds are looked for in: each later kind sees the earlier ones blanked out.
_ORDER = ("email", "iban", "card", "phone")


@dataclass(frozen=True)
class Match:
    kind: str
    start: int
    end: int
    redacted: bool  # the text holds a stored marker ("[card]") instead of the value


_MARKER = re.compile(r"\[(card|iban|email|phone)\]")
_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.[A-Za-z]{2,24}(?![\w-])"
)
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?= ?[A-Za-z0-9])")
_DIGIT_RUN = re.compile(r"\d(?:[ -]?\d)*")  # digits with single spaces or dashes between groups
_PHONE = re.compile(r"(?:\+ ?)?\(?\d(?:\)?[ .-]?\(?\d)*")
_SEPARATOR = re.compile(r"[ -]")
_DATE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d{2}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ](?:19|20)\d{2})(?!\d)"
)
_AMOUNT = re.compile(r"\d{1,3}(?:[ .]\d{3})*\.\d{2}")
_CURRENCY_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|CAD|AUD)\b)\s?$", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(
    r"^\s?(?:[$€£¥]|(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|CAD|AUD|euros?|dollars?|pounds?)\b)", re.IGNORECASE
)
_ID_BEFORE = re.compile(
    r"\b(?:order|ticket|tracking|invoice|ref|reference|case|account|acct|id|parcel|shipment|booking|"
    r"reservation|confirmation|serial|sku|policy|contract)\s*(?:no\.?|nr\.?|num(?:ber)?|#|id|code)?\s*[:#]?\s*$",
    re.IGNORECASE,
)
_ANY_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")

# The IBAN registry's lengths (whole IBAN, country code included).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24,
    "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24,
    "XK": 20,
}  # fmt: skip


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_prefix_ok(digits: str) -> bool:
    """An issuer prefix (IIN) that exists, with a length that issuer uses."""
    n = len(digits)
    if not 13 <= n <= 19:
        return False
    p2, p3, p4 = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":  # Visa
        return n in (13, 16, 19)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:  # Mastercard
        return n == 16
    if p2 in (34, 37):  # American Express
        return n == 15
    if 300 <= p3 <= 305 or p2 in (36, 38, 39):  # Diners Club
        return n >= 14
    if 3528 <= p4 <= 3589:  # JCB
        return n >= 16
    if p4 == 6011 or 644 <= p3 <= 649 or p2 in (62, 65):  # Discover, UnionPay
        return n >= 16
    return p2 == 50 or 56 <= p2 <= 69  # Maestro


def iban_ok(compact: str) -> bool:
    """`compact` (no spaces, upper case) has its country's length and passes mod-97."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _glued_left(text: str, i: int) -> bool:
    """The character before `i` ties the number to a word or id ("A-123", "x7", "1,234")."""
    if i == 0:
        return False
    before = text[i - 1]
    if before.isalnum() or before in "_]":  # "]": a marker, or a value already found, ends right there
        return True
    return before in "-/.,:_" and i > 1 and text[i - 2].isalnum()


def _glued_right(text: str, j: int) -> bool:
    if j >= len(text):
        return False
    after = text[j]
    if after.isalnum() or after == "_":
        return True
    return after in "-/.,:_" and j + 1 < len(text) and text[j + 1].isalnum()


def _emails(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _EMAIL.finditer(text)]


def _ibans(text: str) -> list[tuple[int, int]]:
    spans = []
    resume = 0
    for m in _IBAN_START.finditer(text):
        if m.start() < resume:
            continue
        length = IBAN_LENGTHS.get(m.group()[:2].upper())
        if length is None:
            continue
        # Walk `length` letters and digits, a single space allowed between any two.
        i, count, size = m.start(), 0, len(text)
        while i < size and count < length:
            char = text[i]
            if char.isascii() and char.isalnum():
                count += 1
                i += 1
            elif char == " " and count and i + 1 < size and text[i + 1].isascii() and text[i + 1].isalnum():
                i += 1
            else:
                break
        if count != length or (i < size and text[i].isalnum()):
            continue
        if iban_ok(text[m.start() : i].replace(" ", "").upper()):
            spans.append((m.start(), i))
            resume = i
    return spans


def _cards(text: str) -> list[tuple[int, int]]:
    spans = []
    for run in _DIGIT_RUN.finditer(text):
        value = run.group()
        if len(value) < 13:
            continue
        # The run's groups, as (start, end) in text; a card is a whole number of consecutive groups.
        groups, position = [], run.start()
        for part in _SEPARATOR.split(value):
            groups.append((position, position + len(part)))
            position += len(part) + 1
        first_ok = not _glued_left(text, run.start())
        last_ok = not _glued_right(text, run.end())
        i, n = 0, len(groups)
        while i < n:
            found = None
            if (i or first_ok) and text[groups[i][0]] in "23456":  # no issuer's numbers start otherwise
                # The groups starting at i that hold at most 19 digits; then the longest card among them.
                j, digits = i, ""
                # Ten groups at most: numbers are written whole, in fours or at least in pairs.
                while j < n and j - i < 10 and len(digits) + groups[j][1] - groups[j][0] <= 19:
                    digits += text[groups[j][0] : groups[j][1]]
                    j += 1
                while j > i:
                    if len(digits) >= 13 and (j < n or last_ok) and card_prefix_ok(digits) and luhn_ok(digits):
                        found = j
                        break
                    j -= 1
                    digits = digits[: len(digits) - (groups[j][1] - groups[j][0])]
            if found:
                spans.append((groups[i][0], groups[found - 1][1]))
                i = found
            else:
                i += 1
    return spans


def _phones(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _PHONE.finditer(text):
        start, end = m.span()
        value = m.group()
        if value.startswith("(") and ")" not in value:  # "(0612 345 678": the bracket is punctuation
            start, value = start + 1, value[1:]
        digits = "".join(char for char in value if char.isdigit())
        international = value.startswith("+") or (digits.startswith("00") and digits[2:3] != "0")
        if international:
            count = len(digits) - 2 if not value.startswith("+") else len(digits)
            if not 8 <= count <= 15:
                continue
        elif not 9 <= len(digits) <= 12:
            continue
        if (value[0] == "+" and start and (text[start - 1].isalnum() or text[start - 1] == "]")) or (
            value[0] != "+" and (_glued_left(text, start) or (start and text[start - 1] in "#$€£¥=@\\"))
        ):
            continue
        if _glued_right(text, end):
            continue
        if _DATE.search(value) or _AMOUNT.fullmatch(value):
            continue
        before = text[max(0, start - 40) : start]
        if _CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.search(text[end : end + 10]):
            continue
        if _ID_BEFORE.search(before):
            continue
        spans.append((start, end))
    return spans


_FINDERS = {"email": _emails, "iban": _ibans, "card": _cards, "phone": _phones}


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with `spans` replaced by placeholders of the same length that look to the patterns like a marker."""
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append("[" + "\0" * (end - start - 2) + "]" if end - start >= 2 else "\0")
        last = end
    parts.append(text[last:])
    return "".join(parts)


def find(text: str, kinds=KINDS) -> list[Match]:
    """Every PII value and stored marker of `kinds` in `text`, in text order, never overlapping."""
    if not text:
        return []
    wanted = set(kinds)
    matches = [
        Match(kind=m.group(1), start=m.start(), end=m.end(), redacted=True)
        for m in _MARKER.finditer(text)
        if m.group(1) in wanted
    ]
    has_digit = _ANY_DIGIT.search(text) is not None
    work = text
    for kind in _ORDER:
        if kind not in wanted or (kind == "email" and "@" not in work) or (kind != "email" and not has_digit):
            continue
        spans = _FINDERS[kind](work)
        if spans:
            matches.extend(Match(kind=kind, start=a, end=b, redacted=False) for a, b in spans)
            work = _blank(work, spans)
    matches.sort(key=lambda match: match.start)
    return matches


def _masked(text: str, matches: list[Match]) -> tuple[str, list[tuple[int, int]]]:
    """The text with each value replaced by its marker, and each match's (start, end) in the masked text."""
    parts, positions, last, shift = [], [], 0, 0
    for match in matches:
        parts.append(text[last : match.start])
        marker = MARKERS[match.kind] if not match.redacted else text[match.start : match.end]
        parts.append(marker)
        positions.append((match.start + shift, match.start + shift + len(marker)))
        shift += len(marker) - (match.end - match.start)
        last = match.end
    parts.append(text[last:])
    return "".join(parts), positions


def mask(text: str, kinds=KINDS) -> tuple[str, Counter]:
    """The text with every value of `kinds` replaced by its marker, and how many values of each kind were masked
    (markers already in the text stay, and are not counted)."""
    matches = find(text, kinds)
    masked, _ = _masked(text, matches)
    return masked, Counter(match.kind for match in matches if not match.redacted)


def flags(text: str) -> list[str]:
    """The flags of the kinds found, values or markers alike, sorted."""
    return sorted({FLAG[match.kind] for match in find(text)})


def masked_excerpt(text: str, match: Match, width: int = 60) -> str:
    """The sentence around `match` (at most `width` characters either side, cut at a space), every PII in it masked.
    The cut is made on the masked text, so a value at the edge can never show in part."""
    matches = find(text)
    masked, positions = _masked(text, matches)
    shift = sum(len(MARKERS[m.kind]) - (m.end - m.start) for m in matches if m.end <= match.start and not m.redacted)
    start = match.start + shift
    end = next((b for (a, b), m in zip(positions, matches) if a == start), start + (match.end - match.start))
    lo, hi = max(0, start - width), min(len(masked), end + width)
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(masked, lo, start)]
    if sentence_ends:
        lo = sentence_ends[-1]
    elif lo > 0:
        space = masked.find(" ", lo, start)
        lo = space + 1 if space != -1 else start
    after = _SENTENCE_END.search(masked, end, hi)
    if after:
        hi = after.start() + (1 if masked[after.start()] != "\n" else 0)
    elif hi < len(masked):
        space = masked.rfind(" ", end, hi)
        hi = space if space != -1 else end
    excerpt = masked[lo:hi].strip()
    prefix = "…" if lo > 0 and not sentence_ends else ""
    suffix = "…" if hi < len(masked) and not after else ""
    return f"{prefix}{excerpt}{suffix}"
