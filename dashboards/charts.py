"""Shapes the figures for the templates: KPI cards, Chart.js chart specs (with their accessible tables), heatmap."""

from . import definitions

# (chart id, title, unit, figures drawn, the count behind each)
CHARTS = [
    ("rates", "FCR and CSAT", "%", ["fcr_pct", "csat_pct"]),
    ("nps", "NPS", "", ["nps"]),
    ("ces", "CES", "", ["ces_avg"]),
    ("aht", "AHT", "s", ["aht_seconds"]),
    ("qa", "QA score", "", ["qa_score"]),
]
HEAT_STEPS = [(90, "heat-5"), (80, "heat-4"), (70, "heat-3"), (60, "heat-2"), (0, "heat-1")]


def _round(value: float | None, decimals: int = 1) -> float | None:
    return None if value is None else round(value, decimals)


def kpi_cards(*, now: dict, before: dict, team: dict | None = None) -> list[dict]:
    """One card per KPI: value, n, the previous value and the change (coloured only when significant)."""
    cards = []
    for kpi in definitions.kpi_list():
        card = {
            "kpi": kpi,
            "value": now.get(kpi.key),
            "n": now.get(kpi.n_field) or 0,
            "previous": before.get(kpi.key),
            "previous_n": before.get(kpi.n_field) or 0,
            "change": definitions.change(kpi.key, now, before),
            "band": definitions.benchmark_band(kpi.key, now.get(kpi.key)),
            "target": definitions.TARGETS.get(kpi.key),
        }
        if kpi.key == "csat_pct":
            card["extra"] = now.get("csat_avg")
        if team is not None:
            card["team_value"] = team.get(kpi.key)
            card["team_n"] = team.get(kpi.n_field) or 0
            card["against_team"] = definitions.change(kpi.key, now, team)
        cards.append(card)
    return cards


def _label(bucket, grain: str) -> str:
    return f"{bucket:%-d %b}" if grain == "day" else f"wk {bucket:%-d %b}"


def trend_charts(
    rows: list[dict] | None,
    *,
    grain: str,
    team_rows: list[dict] | None = None,
    by_vendor: dict[int, list[dict]] | None = None,
    vendor_names: dict[int, str] | None = None,
) -> list[dict]:
    """Chart specs: labels and datasets (values and the n behind each point) for static/skillhub/js/dashboards.js.

    `rows` alone: the scope's trend. With `team_rows`: the agent against their team. With `by_vendor`: one line per
    vendor. The same spec renders the visually hidden table for screen readers and print.
    """
    series: list[tuple[str, list[dict]]] = []
    if by_vendor is not None:
        names = vendor_names or {}
        series = [(names.get(pk, str(pk)), vendor_rows) for pk, vendor_rows in sorted(by_vendor.items())]
    else:
        series = [("Agent" if team_rows is not None else "Selected teams", rows or [])]
        if team_rows is not None:
            series.append(("Team", team_rows))
    base = next((r for _, r in series if r), [])
    labels = [_label(row["bucket"], grain) for row in base]
    charts = []
    for chart_id, title, unit, keys in CHARTS:
        datasets = []
        for key in keys:
            kpi = definitions.KPI_BY_KEY[key]
            for name, series_rows in series:
                label = kpi.short if len(series) == 1 else f"{kpi.short} · {name}" if len(keys) > 1 else name
                datasets.append(
                    {
                        "label": label,
                        "data": [_round(row[key], kpi.decimals if kpi.decimals else 0) for row in series_rows],
                        "n": [row[kpi.n_field] for row in series_rows],
                        "n_label": kpi.n_label,
                    }
                )
        spec = {"id": chart_id, "title": title, "unit": unit, "labels": labels, "datasets": datasets}
        if chart_id == "rates":
            spec["band"] = list(definitions.FCR_BENCHMARK)
        spec["table"] = [
            {"label": labels[i], "cells": [(d["data"][i], d["n"][i]) for d in datasets]} for i in range(len(labels))
        ]
        charts.append(spec)
    return charts


def heat_class(score: float | None) -> str:
    if score is None:
        return "heat-none"
    return next(css for floor, css in HEAT_STEPS if score >= floor)


def heatmap_rows(*, agent_rows: list[dict], skills: list, scores: list[dict]) -> list[dict]:
    """Agents × skills: each cell the mean QA skill score and its number of reviews."""
    by_key = {(row["agent_id"], row["skill_id"]): row for row in scores}
    result = []
    for agent in agent_rows:
        cells = []
        for skill in skills:
            score = by_key.get((agent["agent_id"], skill.pk))
            value = score["score"] if score else None
            cells.append(
                {"score": value, "reviews": score["reviews"] if score else 0, "css": heat_class(value), "skill": skill}
            )
        result.append(
            {
                "agent_id": agent["agent_id"],
                "agent_name": agent["agent_name"],
                "team_name": agent["team_name"],
                "url": agent.get("url", ""),
                "cells": cells,
            }
        )
    return result
