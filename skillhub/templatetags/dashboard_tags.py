"""Formatting of dashboard figures: a dash for no data, the KPI's decimals and unit, signed changes."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def num(value, decimals=1) -> str:
    """A number with `decimals` places, or an em dash when there is no data."""
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{int(decimals)}f}"


@register.filter
def figure(value, kpi) -> str:
    """A KPI value with its decimals and unit (72.3 %, 412 s, 4.12)."""
    if value is None:
        return "—"
    text = f"{float(value):,.{kpi.decimals}f}"
    if kpi.unit == "%":
        return f"{text} %"
    if kpi.unit == "s":
        return f"{text} s"
    return text


@register.filter
def signed(value, decimals=1) -> str:
    """A change with its sign (+1.2, −0.4), or an em dash."""
    if value is None:
        return "—"
    text = f"{abs(float(value)):,.{int(decimals)}f}"
    if round(float(value), int(decimals)) == 0:
        return f"±{text}"
    return f"+{text}" if value > 0 else f"\u2212{text}"


@register.filter
def delta_unit(kpi) -> str:
    return " pts" if kpi.unit == "%" or kpi.key == "nps" else (" s" if kpi.unit == "s" else "")


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def index(sequence, position):
    return sequence[position]


@register.filter
def heat(score) -> str:
    from skillhub.dashboards.charts import heat_class

    return heat_class(score)


def _figure_text(value, kpi) -> str:
    return figure(value, kpi)


@register.filter
def figure_cells(row, kpis):
    """The KPI cells of a table row (value with its sort value, then n), built in one go: tables of hundreds of
    agents would otherwise cost a template node per cell."""
    return format_html_join(
        "",
        '<td class="text-end" data-value="{}">{}</td>'
        '<td class="text-end small text-body-secondary" data-value="{}">{}</td>',
        (
            (
                "" if row.get(kpi.key) is None else row.get(kpi.key),
                _figure_text(row.get(kpi.key), kpi),
                row.get(kpi.n_field),
                row.get(kpi.n_field),
            )
            for kpi in kpis
        ),
    )


@register.filter
def heat_cells(cells):
    """The heatmap cells of one agent: class by score band, the score and the reviews behind it."""
    parts = []
    for cell in cells:
        name = cell["skill"].name
        if cell["score"] is None:
            parts.append(format_html('<td class="{} text-center" title="{}: no reviews"></td>', cell["css"], name))
        else:
            reviews = cell["reviews"]
            parts.append(
                format_html(
                    '<td class="{} text-center" title="{}: {} over {} review{}">{}<span class="heat-n">{}</span></td>',
                    cell["css"],
                    name,
                    num(cell["score"], 1),
                    reviews,
                    "" if reviews == 1 else "s",
                    num(cell["score"], 0),
                    reviews,
                )
            )
    return mark_safe("".join(parts))  # each part escaped by format_html
