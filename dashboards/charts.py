"""Shapes the figures for the templates: KPI cards, Chart.js chart specs (with their accessible tables), heatmap."""

from datetime import timedelta

from metrics import kpis

from . import definitions

# (chart id, title, unit, the KPIs drawn: catalogue keys)
CHARTS = [
    ("rates", "FCR and CSAT", "%", [kpis.FCR, kpis.CSAT]),
    ("nps", "NPS", "", [kpis.NPS]),
    ("ces", "CES", "", [kpis.CES]),
    ("aht", "AHT", "s", [kpis.AHT]),
    ("qa", "QA score", "", [kpis.QA]),
]
HEAT_STEPS = [(90, "heat-5"), (80, "heat-4"), (70, "heat-3"), (60, "heat-2"), (0, "heat-1")]
# A heatmap cell backed by fewer reviews is shown muted (its score and n, no band colour): QA's minimum sample.
HEAT_MIN_REVIEWS = kpis.get(kpis.SKILL_QA).min_sample


def _round(value: float | None, decimals: int = 1) -> float | None:
    return None if value is None else round(value, decimals)


def kpi_cards(*, now: dict, before: dict, team: dict | None = None) -> list[dict]:
    """One card per KPI: value, n, the previous value and the change (coloured only when significant)."""
    cards = []
    for kpi in definitions.kpi_list():
        card = {
            "kpi": kpi,
            "value": now.get(kpi.figure),
            "n": now.get(kpi.sample) or 0,
            "previous": before.get(kpi.figure),
            "previous_n": before.get(kpi.sample) or 0,
            "change": kpi.change(now, before),
            "band": kpi.benchmark_band(now.get(kpi.figure)),
            "target": definitions.TARGETS.get(kpi.figure),
        }
        # The badge agrees with the below-target flag: a figure under its target is never shown as "solid".
        if card["target"] is not None and card["value"] is not None:
            card["target_status"] = "met" if kpi.meets(card["value"], card["target"]) else "below"
        if card["band"] is not None:
            low, high = kpi.benchmark
            card["band_text"] = {
                "below": f"below {low:.0f}–{high:.0f} % band",
                "solid": f"solid ({low:.0f}–{high:.0f} %)",
                "above": f"above {high:.0f} %",
            }[card["band"]]
        # Periods whose n differ threefold or more are said to, beside the change.
        small, large = sorted((card["n"], card["previous_n"]))
        card["n_ratio"] = large / small if small and large >= 3 * small else None
        if kpi.key == kpis.CSAT:
            card["extra"] = now.get("csat_avg")
        if team is not None:
            card["team_value"] = team.get(kpi.figure)
            card["team_n"] = team.get(kpi.sample) or 0
            card["against_team"] = kpi.change(now, team)
        cards.append(card)
    return cards


def flag_text(flag: dict) -> str:
    """Why an agent is flagged, in words: "FCR 61.0 % (n = 120), 60.2 % (n = 131), 58.9 % (n = 118); target 75 %"
    (the periods oldest first)."""
    kpi = flag["kpi"]
    figures = ", ".join(f"{kpi.text(p['value'])} (n = {p['n']})" for p in flag["periods"])
    return f"{kpi.short} {figures}; target {kpi.text(flag['target'])}"


def _label(bucket, grain: str, period=None) -> dict:
    """A chart point's label, and for a week cut by the period's start or end, that it is partial and its days."""
    if grain == "day":
        return {"label": f"{bucket:%-d %b}", "partial": ""}
    first, last = bucket, bucket + timedelta(days=6)
    if period is not None:
        first, last = max(first, period.start), min(last, period.end)
    days = (last - first).days + 1
    if days == 7:
        return {"label": f"wk {bucket:%-d %b}", "partial": ""}
    span = (
        f"{first:%-d %b}"
        if days == 1
        else f"{first:%-d}–{last:%-d %b}"
        if first.month == last.month
        else (f"{first:%-d %b}–{last:%-d %b}")
    )
    return {"label": f"wk {bucket:%-d %b} (partial)", "partial": f"partial week: {span}, {days} of 7 days"}


# What an empty chart says, by the count behind it.
EMPTY = {"reviews": "No reviews in this period.", "responses": "No survey responses in this period."}


def trend_charts(
    rows: list[dict] | None,
    *,
    grain: str,
    period=None,
    team_rows: list[dict] | None = None,
    by_vendor: dict[int, list[dict]] | None = None,
    vendor_names: dict[int, str] | None = None,
) -> list[dict]:
    """Chart specs: labels and datasets (values and the n behind each point) for static/skillhub/js/dashboards.js.

    `rows` alone: the scope's trend. With `team_rows`: the agent against their team. With `by_vendor`: one line per
    vendor. The same spec renders the visually hidden table for screen readers and print. A point with less than
    its KPI's minimum sample behind it is marked thin (`thin`: drawn hollow, said in the tooltip and the table); a
    week cut by the `period`'s start or end is marked partial (`partial`: in its label, tooltip and table row); a
    chart with no n at all says so (`empty`) instead of drawing an empty axis.
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
    points = [_label(row["bucket"], grain, period) for row in base]
    labels = [point["label"] for point in points]
    partial = [point["partial"] for point in points]
    charts = []
    for chart_id, title, unit, keys in CHARTS:
        datasets = []
        for key in keys:
            kpi = kpis.get(key)
            for name, series_rows in series:
                label = kpi.short if len(series) == 1 else f"{kpi.short} · {name}" if len(keys) > 1 else name
                n = [row[kpi.sample] or 0 for row in series_rows]
                datasets.append(
                    {
                        "label": label,
                        "data": [_round(row[kpi.figure], kpi.decimals) for row in series_rows],
                        "n": n,
                        "n_label": kpi.sample_label,
                        "min_n": kpi.min_sample,
                        "thin": [0 < count < kpi.min_sample for count in n],
                    }
                )
        spec = {
            "id": chart_id,
            "title": title,
            "unit": unit,
            "labels": labels,
            "partial": partial,
            "datasets": datasets,
        }
        sample_label = kpis.get(keys[0]).sample_label
        if not any(count for d in datasets for count in d["n"]):
            spec["empty"] = EMPTY.get(sample_label, f"No {sample_label} in this period.")
        else:  # one line without any data (the agent not reviewed, the team was): said, not left to guess
            spec["notes"] = [f"{d['label']}: no {d['n_label']} in this period." for d in datasets if not any(d["n"])]
        spec["has_thin"] = any(thin for d in datasets for thin in d["thin"])
        if chart_id == "rates":
            spec["band"] = list(kpis.get(kpis.FCR).benchmark)
        spec["table"] = [
            {
                "label": labels[i],
                "partial": partial[i],
                "cells": [(d["data"][i], d["n"][i], d["thin"][i]) for d in datasets],
            }
            for i in range(len(labels))
        ]
        charts.append(spec)
    return charts


def heat_class(score: float | None, reviews: int | None = None) -> str:
    """The cell's colour band; "heat-thin" (muted) when fewer than HEAT_MIN_REVIEWS reviews are behind it."""
    if score is None:
        return "heat-none"
    if reviews is not None and reviews < HEAT_MIN_REVIEWS:
        return "heat-thin"
    return next(css for floor, css in HEAT_STEPS if score >= floor)


def skill_groups(skills: list) -> list[dict]:
    """The heatmap's column groups: the catalogue's core ten first, then the additional (role-specific) skills."""
    core = [skill for skill in skills if skill.is_core]
    extra = [skill for skill in skills if not skill.is_core]
    groups = [{"label": "Core skills", "skills": core}]
    if extra:
        groups.append({"label": "Additional (role-specific) skills", "skills": extra})
    return [group for group in groups if group["skills"]]


def heatmap_rows(*, agent_rows: list[dict], skills: list, scores: list[dict]) -> list[dict]:
    """Agents × skills: each cell the mean QA skill score and its number of reviews."""
    by_key = {(row["agent_id"], row["skill_id"]): row for row in scores}
    result = []
    for agent in agent_rows:
        cells = []
        for skill in skills:
            score = by_key.get((agent["agent_id"], skill.pk))
            value = score["score"] if score else None
            reviews = score["reviews"] if score else 0
            cells.append({"score": value, "reviews": reviews, "css": heat_class(value, reviews), "skill": skill})
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
