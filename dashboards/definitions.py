"""What each dashboard figure means, its n, its direction, its benchmark and how a change is tested."""

from dataclasses import dataclass

from django.conf import settings

from coaching.kpis import KPI_INFO
from coaching.kpis import Kpi as CoachingKpi
from metrics import stats

# Targets an agent is flagged against when below them several periods running (FLAG_PERIODS): the coaching KPIs'
# default targets, so a flag and a coaching goal speak of the same number.
TARGETS = {
    "fcr_pct": KPI_INFO[CoachingKpi.FCR].default_target,
    "csat_pct": KPI_INFO[CoachingKpi.CSAT].default_target,
    "qa_score": KPI_INFO[CoachingKpi.QA].default_target,
}
FLAG_PERIODS = 3
FCR_BENCHMARK = (70.0, 79.0)


@dataclass(frozen=True)
class Kpi:
    key: str  # the figure's name in the metrics rows (fcr_pct, csat_pct, ...)
    label: str
    short: str
    n_field: str  # the count behind the figure
    n_label: str
    unit: str  # "%", "s", "pts" or ""
    decimals: int
    higher_is_better: bool

    @property
    def definition(self) -> str:
        return definition(self.key)


def _ces_direction() -> str:
    return "lower is better" if settings.CES_LOWER_IS_BETTER else "higher is better"


def definition(key: str) -> str:
    window = settings.REPEAT_WINDOW_DAYS
    return {
        "fcr_pct": (
            f"First-contact resolution: cases resolved with one contact ÷ cases × 100. A case is first-contact "
            f"resolved when it is resolved and no further contact on it arrives within {window} days of its first "
            f"contact (an imported explicit flag wins). Counted for the day and agent of the first contact. "
            f"Benchmark: {FCR_BENCHMARK[0]:.0f}–{FCR_BENCHMARK[1]:.0f} % is solid."
        ),
        "csat_pct": (
            "Customer satisfaction, top-2-box: answers of 4 or 5 on a 1–5 scale ÷ answers × 100; the mean answer "
            "is shown beside it."
        ),
        "ces_avg": (
            f"Customer effort score: mean of effort answers on a 1–{settings.CES_SCALE_MAX} scale "
            f"(\u201chow much effort did it take\u201d); {_ces_direction()}."
        ),
        "nps": "Net promoter score: % promoters (9–10) − % detractors (0–6) of 0–10 answers; from −100 to 100.",
        "aht_seconds": "Average handle time: mean of handle + after-contact seconds per contact; lower is better.",
        "acw_seconds": "After-contact work: mean after-contact seconds per contact.",
        "qa_score": "QA score: mean of the counted (released, not calibration) review scores, 0–100.",
    }[key]


KPIS = [
    Kpi("fcr_pct", "First-contact resolution", "FCR", "cases", "cases", "%", 1, True),
    Kpi("csat_pct", "Customer satisfaction", "CSAT", "csat_responses", "responses", "%", 1, True),
    Kpi("ces_avg", "Customer effort", "CES", "ces_responses", "responses", "", 2, False),
    Kpi("nps", "Net promoter score", "NPS", "nps_responses", "responses", "", 0, True),
    Kpi("aht_seconds", "Average handle time", "AHT", "contacts", "contacts", "s", 0, False),
    Kpi("qa_score", "QA score", "QA", "reviews", "reviews", "", 1, True),
]
KPI_BY_KEY = {kpi.key: kpi for kpi in KPIS}


def kpi_list() -> list[Kpi]:
    """The KPIs with CES direction from the settings."""
    return [
        Kpi(**{**kpi.__dict__, "higher_is_better": not settings.CES_LOWER_IS_BETTER}) if kpi.key == "ces_avg" else kpi
        for kpi in KPIS
    ]


def change(key: str, now: dict, before: dict) -> stats.Change:
    """The change of figure `key` between two rows of counts (metrics rows), with the significance rule of stats."""
    if key == "fcr_pct":
        return stats.proportion_change(now["fcr_cases"], now["cases"], before["fcr_cases"], before["cases"])
    if key == "csat_pct":
        return stats.proportion_change(
            now["csat_satisfied"], now["csat_responses"], before["csat_satisfied"], before["csat_responses"]
        )
    if key == "nps":
        return stats.nps_change(
            now["promoters"],
            now["detractors"],
            now["nps_responses"],
            before["promoters"],
            before["detractors"],
            before["nps_responses"],
        )
    if key == "ces_avg":
        return stats.bounded_mean_change(
            now["ces_avg"],
            now["ces_responses"],
            before["ces_avg"],
            before["ces_responses"],
            low=1,
            high=settings.CES_SCALE_MAX,
            higher_is_better=not settings.CES_LOWER_IS_BETTER,
        )
    if key == "qa_score":
        return stats.bounded_mean_change(
            now["qa_score"],
            now["reviews"],
            before["qa_score"],
            before["reviews"],
            low=0,
            high=100,
            higher_is_better=True,
        )
    if key in ("aht_seconds", "acw_seconds"):
        return stats.duration_change(now[key], now["contacts"], before[key], before["contacts"])
    raise KeyError(key)


def benchmark_band(key: str, value: float | None) -> str | None:
    """'below', 'solid' or 'above' the FCR benchmark band; None for other figures or no value."""
    if key != "fcr_pct" or value is None:
        return None
    low, high = FCR_BENCHMARK
    if value < low:
        return "below"
    return "solid" if value <= high else "above"
