"""The KPIs a coaching goal can name: which rollup figure measures it, its sample, direction and default target.

Everything here reads the same figures as the dashboards (metrics.selectors); nothing is recomputed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models

from core import skill_codes


class Kpi(models.TextChoices):
    FCR = "fcr", "FCR %"
    CSAT = "csat", "CSAT %"
    CES = "ces", "CES"
    NPS = "nps", "NPS"
    AHT = "aht", "AHT (seconds)"
    QA = "qa", "QA score"
    SKILL_QA = "skill_qa", "QA score of the skill"


@dataclass(frozen=True)
class KpiInfo:
    figure: str  # key of the metrics row (for SKILL_QA: of the skill-score row)
    sample: str  # the count behind the figure, shown beside it
    sample_label: str
    unit: str
    default_target: float
    linked_skills: tuple[str, ...]  # skill codes it moves most (PRODUCT.md, "The ten skills")
    min_sample: int  # below this many, suggestions ignore the figure as noise


KPI_INFO: dict[str, KpiInfo] = {
    Kpi.FCR: KpiInfo(
        "fcr_pct",
        "cases",
        "cases",
        "%",
        75.0,
        (skill_codes.PROBLEM_SOLVING, skill_codes.ACTIVE_LISTENING, skill_codes.PRODUCT_KNOWLEDGE),
        10,
    ),
    Kpi.CSAT: KpiInfo(
        "csat_pct",
        "csat_responses",
        "responses",
        "%",
        85.0,
        (skill_codes.EMPATHY, skill_codes.COMMUNICATION, skill_codes.PATIENCE),
        10,
    ),
    Kpi.CES: KpiInfo("ces_avg", "ces_responses", "responses", "", 3.0, (skill_codes.OMNICHANNEL,), 10),
    Kpi.NPS: KpiInfo(
        "nps", "nps_responses", "responses", "", 30.0, (skill_codes.EMPATHY, skill_codes.DE_ESCALATION), 10
    ),
    Kpi.AHT: KpiInfo(
        "aht_seconds",
        "contacts",
        "contacts",
        "s",
        480.0,
        (skill_codes.TIME_MANAGEMENT, skill_codes.PRODUCT_KNOWLEDGE),
        10,
    ),
    Kpi.QA: KpiInfo("qa_score", "qa_reviews", "reviews", "", 85.0, (), 3),
    Kpi.SKILL_QA: KpiInfo("score", "reviews", "reviews", "", 80.0, (), 3),
}


def target_range(kpi: str) -> tuple[float, float]:
    """The values a target of `kpi` can take: its figure's scale."""
    if kpi == Kpi.NPS:
        return -100.0, 100.0
    if kpi == Kpi.CES:
        return 1.0, float(settings.CES_SCALE_MAX)
    if kpi == Kpi.AHT:
        return 1.0, 86_400.0
    return 0.0, 100.0  # percentages and QA scores


def lower_is_better(kpi: str) -> bool:
    """AHT always; CES by default (the CES_LOWER_IS_BETTER setting); every other KPI is higher-is-better."""
    if kpi == Kpi.AHT:
        return True
    if kpi == Kpi.CES:
        return settings.CES_LOWER_IS_BETTER
    return False


def meets(kpi: str, value: float | None, target: float) -> bool:
    """True when `value` is at or beyond `target` in the KPI's good direction."""
    if value is None:
        return False
    return value <= target if lower_is_better(kpi) else value >= target


def value_from_rows(*, kpi: str, skill_id: int, metrics_row: dict | None, skill_row: dict | None):
    """(value, sample) of the KPI from one metrics_by_agent row, or one skill_scores_by_agent row for SKILL_QA."""
    info = KPI_INFO[kpi]
    row = skill_row if kpi == Kpi.SKILL_QA else metrics_row
    if not row:
        return None, 0
    return row.get(info.figure), row.get(info.sample) or 0


def format_value(kpi: str, value: float | None) -> str:
    if value is None:
        return "—"
    info = KPI_INFO[kpi]
    if kpi == Kpi.AHT:
        return f"{value:.0f} s"
    if kpi == Kpi.CES:
        return f"{value:.2f}"
    return f"{value:.1f}{info.unit}"
