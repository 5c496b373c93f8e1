"""Turning one cell of an export into the value SkillHub stores: durations, dates and times, yes/no words, whole
numbers, text. Each function takes the trimmed text of a cell (never empty: blanks are handled before) and returns
the value, or raises ValueError with the reason the import reports for that line."""

import math
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})
LARGEST = 10**12  # beyond any range SQL checks, and within a 64-bit integer
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_MS = re.compile(r"^(\d+(?:\.\d+)?)\s*ms$", re.IGNORECASE)
# "2026-03-01 09:15:22 +0100": an offset after a space, which ISO 8601 does not allow but exports write.
_SPACED_OFFSET = re.compile(r"^(.*\d)\s+(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_SURROGATE = re.compile("[\ud800-\udfff]")


def show(value, limit: int = 40) -> str:
    """A value quoted for a message, cut short: a bad 1 MB cell must not make a 1 MB message."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _round(number: float) -> int:
    """To the nearest whole number, halves up (round() would send 2.5 to 2)."""
    return int(math.floor(number + 0.5))


def duration(text: str, *, unit: str = "s") -> int:
    """Seconds from h:mm:ss, mm:ss (two parts are minutes and seconds) or a plain number.

    A plain number is seconds, or milliseconds with unit "ms" (then "1500ms" is read too); a fraction is rounded
    to the nearest second.
    """
    if unit == "ms":
        match = _MS.match(text)
        if match:
            return _round(float(match.group(1)) / 1000)
    if ":" in text:
        parts = text.split(":")
        if len(parts) not in (2, 3) or not all(_NUMBER.match(part) for part in parts):
            raise ValueError(f"not a duration (h:mm:ss, mm:ss or seconds): {show(text)}")
        if any("." in part for part in parts[:-1]):
            raise ValueError(f"not a duration (only the seconds may have a fraction): {show(text)}")
        seconds = float(parts[-1])
        minutes = int(parts[-2])
        hours = int(parts[0]) if len(parts) == 3 else 0
        if seconds >= 60 or (len(parts) == 3 and minutes >= 60):
            raise ValueError(f"not a duration (minutes and seconds must be below 60): {show(text)}")
        if hours > LARGEST:
            raise ValueError(f"too large for a duration: {show(text)}")
        return _round(hours * 3600 + minutes * 60 + seconds)
    if not _NUMBER.match(text):
        raise ValueError(f"not a duration (h:mm:ss, mm:ss or seconds): {show(text)}")
    number = float(text)
    if number > LARGEST:
        raise ValueError(f"too large for a duration: {show(text)}")
    return _round(number / 1000 if unit == "ms" else number)


def whole_number(text: str) -> int:
    """A whole number ("4" or "4.0"); anything else is an error."""
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not a whole number: {show(text)}") from None
    if not math.isfinite(number) or not number.is_integer():
        raise ValueError(f"not a whole number: {show(text)}")
    if abs(number) > LARGEST:
        raise ValueError(f"too large: {show(text)}")
    return int(number)


def flag(text: str) -> bool:
    """Yes or no: Y/N, yes/no, TRUE/FALSE, 1/0, on/off, t/f, in any case."""
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"not yes or no: {show(text)} (map it with values:)")


def moment(text: str, *, fmt: str | None, zone: ZoneInfo) -> tuple[datetime, bool]:
    """(aware datetime, had an offset) from ISO 8601 (fmt None) or a strftime format.

    A time without an offset is read in `zone`: one that does not exist there (the spring DST gap) is an error,
    one that exists twice (the autumn repeat) is the earlier.
    """
    try:
        if fmt is None:
            try:
                value = datetime.fromisoformat(text)
            except ValueError:
                match = _SPACED_OFFSET.match(text)
                if not match:
                    raise
                offset = match.group(2).upper()
                value = datetime.fromisoformat(match.group(1) + ("+00:00" if offset in ("Z", "UTC", "GMT") else offset))
        else:
            value = datetime.strptime(text, fmt)
    except ValueError:
        expected = "an ISO 8601 date and time" if fmt is None else f"the format {fmt!r}"
        raise ValueError(f"not a date and time in {expected}: {show(text)}") from None
    if value.tzinfo is not None:
        return value, True
    local = value.replace(tzinfo=zone, fold=0)
    back = local.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != value:
        raise ValueError(f"{show(text)} does not exist in {zone.key} (the clocks went forward that night)")
    return local, False


def day(text: str, *, fmt: str | None) -> date:
    """A calendar date, ISO (2026-03-01) by default or in a strftime format."""
    try:
        if fmt is None:
            return date.fromisoformat(text)
        return datetime.strptime(text, fmt).date()
    except ValueError:
        expected = "an ISO date (YYYY-MM-DD)" if fmt is None else f"the format {fmt!r}"
        raise ValueError(f"not a date in {expected}: {show(text)}") from None


def has_surrogate(value: str) -> bool:
    return _SURROGATE.search(value) is not None


def text_problem(value: str, max_length: int | None) -> str:
    """Why `value` cannot be stored as text ("" when it can)."""
    if max_length is not None and len(value) > max_length:
        return f"longer than {max_length:,} characters"
    if "\x00" in value:
        return "contains a NUL character"
    if not value.isascii() and _SURROGATE.search(value):
        return "contains an unpaired surrogate, which is not text"
    return ""


_URL = URLValidator(schemes=["http", "https"])


def url(text: str) -> str:
    try:
        _URL(text)
    except ValidationError:
        raise ValueError(f"not an http(s) URL: {show(text)}") from None
    return text


def local_day(value: datetime, zone: ZoneInfo) -> date:
    return value.astimezone(zone).date()


ONE_DAY = timedelta(days=1)
