from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from qa.stats import MeanCI

register = template.Library()


@register.filter
def ci(value: MeanCI | None, digits: int = 1) -> str:
    """'82.4 (95% CI 76.0–88.8, n = 12)': every QA figure shows how many reviews are behind it."""
    if value is None or value.mean is None:
        return mark_safe('<span class="text-body-secondary">no reviews</span>')
    mean = f"{value.mean:.{digits}f}"
    if value.low is None:
        return format_html(
            '<span class="qa-figure">{}</span> <span class="text-body-secondary small">(n = {}, too few for an '
            "interval)</span>",
            mean,
            value.n,
        )
    return format_html(
        '<span class="qa-figure">{}</span> <span class="text-body-secondary small">(95% CI {}–{}, n = {})</span>',
        mean,
        f"{value.low:.{digits}f}",
        f"{value.high:.{digits}f}",
        value.n,
    )


@register.filter
def score_badge(score) -> str:
    if score is None:
        return mark_safe('<span class="badge text-bg-secondary">no score</span>')
    value = float(score)
    style = "success" if value >= 85 else "warning" if value >= 70 else "danger"
    return format_html('<span class="badge text-bg-{} score-badge">{}</span>', style, f"{value:.1f}")


@register.filter
def status_badge(review) -> str:
    styles = {
        "draft": "secondary",
        "released": "primary",
        "acknowledged": "success",
        "disputed": "danger",
        "resolved": "info",
        "proposed": "warning",
    }
    return format_html(
        '<span class="badge text-bg-{}">{}</span>', styles.get(review.status, "secondary"), review.get_status_display()
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
