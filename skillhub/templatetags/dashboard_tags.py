"""Formatting of dashboard figures: a dash for no data, the KPI's decimals and unit, signed changes."""

from django import template

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
