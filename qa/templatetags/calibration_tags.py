"""Display helpers of the calibration pages: answers, alphas, distances."""

from django import template
from django.utils.html import format_html

from qa.calibration import irr
from qa.calibration.analytics import NA
from qa.scoring import answer_label

register = template.Library()

READING_STYLES = {"good": "success", "tentative": "warning", "poor": "danger", "undefined": "secondary"}
TENDENCY_STYLES = {"strict": "info", "lenient": "warning", "aligned": "success", "unknown": "secondary"}


@register.filter
def answer_text(answer, criterion) -> str:
    """'Yes', 'No', '4', 'N/A' or '—' for no answer."""
    if answer == NA:
        return answer_label(criterion, None, is_na=True, points="number")
    return answer_label(criterion, answer, points="number")


@register.filter
def alpha_badge(value) -> str:
    level, sentence = irr.reading(value)
    text = "n/a" if value is None else f"{value:.2f}"
    return format_html(
        '<span class="badge text-bg-{} alpha-badge" title="{}">α {} · {}</span>',
        READING_STYLES[level],
        sentence,
        text,
        level,
    )


@register.filter
def alpha_chip(value) -> str:
    """A compact alpha badge for tables: the number coloured by its reading."""
    level, sentence = irr.reading(value)
    text = "n/a" if value is None else f"{value:.2f}"
    return format_html('<span class="badge text-bg-{}" title="{}">{}</span>', READING_STYLES[level], sentence, text)


@register.filter
def reading_text(value) -> str:
    return irr.reading(value)[1]


@register.filter
def signed(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:+.{digits}f}"


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{value:.0f}%"


@register.filter
def tendency_badge(label: str) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', TENDENCY_STYLES.get(label, "secondary"), label)


@register.filter
def person(user) -> str:
    return (user.get_full_name() or user.username) if user else "—"


@register.filter
def share(count, total) -> str:
    """Width of a spread bar in percent."""
    return "0" if not total else f"{100 * count / total:.0f}"


@register.filter
def get_choices(mapping, key):
    return mapping.get(key, []) if mapping else []


@register.filter
def kind_label(kind: str | None) -> str:
    from core.models import Vendor

    return dict(Vendor.Kind.choices).get(kind, "—") if kind else "—"
