"""Formatting of dashboard figures: a dash for no data, the KPI's decimals and unit, signed changes."""

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dashboards.charts import flag_text
from metrics import kpis

register = template.Library()


@register.filter
def num(value, decimals=1) -> str:
    """A number with `decimals` places, or an em dash when there is no data."""
    if value is None or value == "":
        return "—"
    return f"{float(value):,.{int(decimals)}f}"


@register.filter
def figure(value, kpi) -> str:
    """A KPI value (a metrics.kpis.Kpi) with its decimals and unit, as the dashboards show it (72.3 %, 412 s, 4.12)."""
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
    """A change's unit: percentage points for rates and NPS, seconds for durations."""
    return " pts" if kpi.unit == "%" or kpi.key == kpis.NPS else (" s" if kpi.unit == "s" else "")


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def index(sequence, position):
    return sequence[position]


@register.filter
def heat(score, reviews=None) -> str:
    """The heatmap colour of a skill score (muted with fewer than the minimum reviews behind it)."""
    from dashboards.charts import heat_class

    return heat_class(score, reviews)


def _text(value) -> str:
    """A cell value as HTML text: numbers as they are (nothing to escape), anything else escaped."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return escape(str(value))


@register.filter
def figure_cells(row, kpis):
    """The KPI cells of a table row (value with its sort value, then n), built in one go: tables of hundreds of
    agents would otherwise cost a template node (and a format_html) per cell. Every value is escaped by _text."""
    parts = []
    for kpi in kpis:
        value, n = row.get(kpi.figure), _text(row.get(kpi.sample))
        parts.append(
            f'<td class="text-end" data-value="{_text(value)}">{escape(figure(value, kpi))}</td>'
            f'<td class="text-end small text-body-secondary" data-value="{n}">{n}</td>'
        )
    return mark_safe("".join(parts))


@register.filter
def figure_cells_per_contact(row, kpis):
    """As figure_cells, but without the n cell of the KPIs whose n is the row's contacts (AHT, the rates per contact):
    the table shows that count once, in its Contacts column."""
    parts = []
    for kpi in kpis:
        value = row.get(kpi.figure)
        parts.append(f'<td class="text-end" data-value="{_text(value)}">{escape(figure(value, kpi))}</td>')
        if kpi.sample != "contacts":
            n = _text(row.get(kpi.sample))
            parts.append(f'<td class="text-end small text-body-secondary" data-value="{n}">{n}</td>')
    return mark_safe("".join(parts))


def _heat_cells(cells, names: dict) -> str:
    """The heatmap cells of one agent: class by score band, the score and the reviews behind it. `names` keeps each
    skill's escaped name and each escaped class for the page (the same for every row)."""
    parts = []
    for cell in cells:
        skill = cell["skill"]
        name = names.get(skill.pk)
        if name is None:
            name = names[skill.pk] = escape(skill.name)
        css = names.get(cell["css"])
        if css is None:
            css = names[cell["css"]] = escape(cell["css"])
        if cell["score"] is None:
            parts.append(
                f'<td class="{css} text-center" title="{name}: no reviews">'
                f'<span class="visually-hidden">{name}: no reviews</span></td>'
            )
        else:
            reviews = int(cell["reviews"])
            plural = "" if reviews == 1 else "s"
            score = float(cell["score"])
            thin = " (too few reviews to colour)" if cell["css"] == "heat-thin" else ""
            parts.append(
                f'<td class="{css} text-center" title="{name}: {score:,.1f} over {reviews} review{plural}{thin}">'
                f'<span class="visually-hidden">{name}: {score:,.1f} over {reviews} review{plural}{thin}</span>'
                f'<span aria-hidden="true">{score:,.0f}<span class="heat-n">{reviews}</span></span></td>'
            )
    return "".join(parts)  # names and classes escaped above, numbers formatted here


@register.filter
def heatmap_body(rows):
    """The heatmap's body: per agent the linked name and the cells, in one go (hundreds of agents would otherwise
    cost several template nodes per row). Each row has agent_name, url (the agent's dashboard) and cells."""
    names: dict = {}
    return mark_safe(
        "".join(
            f'<tr><th scope="row"><a href="{escape(row["url"])}">{escape(row["agent_name"])}</a></th>'
            f"{_heat_cells(row['cells'], names)}</tr>"
            for row in rows
        )
    )


@register.filter
def agent_table_body(rows, kpis):
    """The agent table's body in one go: the linked name, team, contacts, the KPI cells of figure_cells and the
    flags (each row: agent_name, url, team_name, contacts, the KPI figures, flags). Every text is escaped here."""
    parts = []
    for row in rows:
        warning = ' class="table-warning"' if row["flags"] else ""
        flags = "".join(
            f'<span class="badge text-bg-warning">⚑ {escape(flag["kpi"].short)}</span> '
            f'<span class="small d-block flag-why">{escape(flag_text(flag))}</span>'
            for flag in row["flags"]
        )
        if not row["history"]:
            flags = '<span class="small text-body-secondary">not enough history</span>'
        contacts = _text(row["contacts"])
        parts.append(
            f'<tr{warning}><th scope="row"><a href="{escape(row["url"])}">{escape(row["agent_name"])}</a></th>'
            f"<td>{_text(row['team_name'])}</td>"
            f'<td class="text-end" data-value="{contacts}">{contacts}</td>'
            f"{figure_cells(row, kpis)}<td>{flags}</td></tr>"
        )
    return mark_safe("".join(parts))


@register.simple_tag
def days_zone() -> str:
    """The time zone days are counted in (settings.TIME_ZONE): a contact counts on the day it started there."""
    return settings.TIME_ZONE
