"""CSV exports, with cells that a spreadsheet would run as formulas neutralised (OWASP "CSV Injection").

Every CSV the product answers goes through `csv_response` (a test checks no other code writes text/csv); it lives
in the core so every app may use it. Text
cells are quoted, and a text starting with = + - @, a tab or a carriage return gets a leading apostrophe, so
Excel, LibreOffice and Google Sheets show it as text. Quoting every text cell also keeps a name like
"Ana;=HYPERLINK(…)" in one cell where the spreadsheet splits on semicolons. Numbers (int, float, Decimal) are
written unquoted as numbers, so a negative figure (-3.5) stays a number and is never prefixed.
"""

import csv
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str | int | float:
    """The cell to write: a number stays a number (floats to 4 decimals), anything else becomes safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        number = round(float(value), 4)
        if not math.isfinite(number):
            return ""
        return int(number) if number.is_integer() else number
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response, quoting=csv.QUOTE_NONNUMERIC)  # numbers bare, every text cell quoted
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return response
