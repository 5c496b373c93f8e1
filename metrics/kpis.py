"""The KPI catalogue: what each KPI is, in one place.

One entry per KPI: its key, labels, unit and decimals, direction (higher or lower is better), scale, default target,
the skills it moves most, the sample below which it is noise, its definition and the significance test (a function
of metrics.stats) that compares it between two periods or two groups. The dashboards, coaching goals, targets and
suggestions, and the hiring report read their KPIs from here; none keeps its own list.

Two settings shape the catalogue: CES_LOWER_IS_BETTER (CES's direction) and CES_SCALE_MAX (its scale), read in
`_catalogue` only; REPEAT_WINDOW_DAYS appears in FCR's definition. `catalogue()` and `get()` follow the settings as
they are when called (tests override them).

Add a KPI: an entry in `_catalogue` (its key appended at the end: coaching's model choices list the catalogue in this
order, and a new choice needs a migration), and its counts to metrics' ROLLUP_COUNTS and the rollup SQL.

The headline KPIs (`headline=True`) are the ones coaching sets goals and targets on and the dashboards' cards and agent
tables show; the contact-detail KPIs after them (repeat contacts, escalations, transfers, complaint FCR, CSAT of
escalated contacts, hold: figures richer contact exports unlock) are in every metrics row, the API and the team
dashboard's channel breakdown (`detail_kpis()`), but are not coaching choices.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.conf import settings

from core import skill_codes
from metrics import stats

# The keys: what coaching stores (Goal.kpi, KpiTarget.kpi, Suggestion.kpi). Never change one.
FCR = "fcr"
CSAT = "csat"
CES = "ces"
NPS = "nps"
AHT = "aht"
QA = "qa"
SKILL_QA = "skill_qa"
# Contact-detail KPIs (not coaching choices; at most 10 characters all the same, as coaching's kpi columns).
REPEAT = "repeat"
ESCALATION = "escalation"
TRANSFER = "transfer"
COMPLAINT_FCR = "cmp_fcr"
ESCALATED_CSAT = "esc_csat"
HOLD = "hold"


class Direction(StrEnum):
    HIGHER = "higher is better"
    LOWER = "lower is better"


class Test(StrEnum):
    """Which function of metrics.stats says whether a KPI's change is beyond the noise."""

    PROPORTION = "proportion"  # stats.proportion_change: `successes` of `sample`
    NPS = "nps"  # stats.nps_change: promoters and detractors of `sample`
    BOUNDED_MEAN = "bounded_mean"  # stats.bounded_mean_change: the figure, a mean of answers on `scale`
    DURATION = "duration"  # stats.duration_change: the figure, a mean duration (lower is better)


@dataclass(frozen=True)
class Kpi:
    key: str  # one of the keys above
    name: str  # the long label: "First-contact resolution"
    short: str  # "FCR"
    label: str  # with its unit, as goals, targets and their choices name it: "FCR %"
    figure: str  # the figure's name in the metrics rows (in the per-skill rows for a per-skill KPI)
    sample: str  # the count behind the figure, in the same rows
    sample_label: str  # what that count counts: "cases"
    unit: str  # "%", "s" or ""
    decimals: int  # as the dashboards show the figure
    direction: Direction
    scale: tuple[float, float]  # the values the figure, and so a target, can take
    default_target: float  # without a team's own target (coaching) and for the dashboards' flags
    linked_skills: tuple[str, ...]  # skill codes (core.skill_codes) of the skills that move it most
    min_sample: int  # below this sample, suggestions ignore the figure as noise
    definition: str
    test: Test
    successes: str = ""  # Test.PROPORTION: the count of successes among `sample`
    per_skill: bool = False  # a figure of one skill (metrics.selectors.skill_scores_by_agent), not of the agent
    goal_decimals: int | None = None  # decimals of goal and target figures where they differ from `decimals`
    benchmark: tuple[float, float] | None = None  # the band an industry benchmark calls solid
    headline: bool = True  # a coaching choice, on the dashboards' cards and agent tables (False: contact detail)

    @property
    def lower_is_better(self) -> bool:
        return self.direction == Direction.LOWER

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER

    @property
    def column(self) -> str:
        """The short label with its unit, as a table column heads it: "FCR %", "AHT (s)", "NPS"."""
        return {"%": f"{self.short} %", "s": f"{self.short} (s)"}.get(self.unit, self.short)

    def meets(self, value: float | None, target: float) -> bool:
        """True when `value` is at or beyond `target` in the KPI's good direction."""
        if value is None:
            return False
        return value <= target if self.lower_is_better else value >= target

    def read(self, row: dict | None) -> tuple[float | None, int]:
        """(value, sample) from one metrics row (one per-skill row for a per-skill KPI); (None, 0) without one."""
        if not row:
            return None, 0
        return row.get(self.figure), row.get(self.sample) or 0

    def text(self, value: float | None) -> str:
        """The figure in a sentence, a goal or a target: 75.0%, 480 s, 3.00 (a dash for no value)."""
        if value is None:
            return "—"
        decimals = self.decimals if self.goal_decimals is None else self.goal_decimals
        return f"{value:.{decimals}f}" + {"%": "%", "s": " s"}.get(self.unit, "")

    def change(self, now: dict, before: dict) -> stats.Change:
        """The change of the figure between two rows of counts (metrics rows), by the KPI's significance test."""
        n1, n0 = now[self.sample], before[self.sample]
        if self.test == Test.PROPORTION:
            return stats.proportion_change(
                now[self.successes], n1, before[self.successes], n0, higher_is_better=self.higher_is_better
            )
        if self.test == Test.NPS:
            return stats.nps_change(
                now["promoters"], now["detractors"], n1, before["promoters"], before["detractors"], n0
            )
        if self.test == Test.BOUNDED_MEAN:
            low, high = self.scale
            return stats.bounded_mean_change(
                now[self.figure],
                n1,
                before[self.figure],
                n0,
                low=low,
                high=high,
                higher_is_better=self.higher_is_better,
            )
        return stats.duration_change(now[self.figure], n1, before[self.figure], n0)

    def short_of_target(self, *, value: float | None, successes: int | None, n: int, target: float) -> stats.Shortfall:
        """Whether a figure (`value`, of `successes` among `n` for a rate) is short of `target` beyond chance
        (one-sided, p < 0.05), by the KPI's kind of figure: a proportion for rates, a bounded mean for means."""
        if self.test == Test.PROPORTION:
            return stats.proportion_short_of_target(
                successes or 0, n, target_pct=target, higher_is_better=self.higher_is_better
            )
        if self.test == Test.BOUNDED_MEAN:
            low, high = self.scale
            return stats.mean_short_of_target(
                value, n, target=target, low=low, high=high, higher_is_better=self.higher_is_better
            )
        if self.test == Test.NPS:  # the per-answer score +1/0/−1 has a variance of at most 1
            return (
                stats.mean_short_of_target(
                    value / 100 if value is not None else None, n, target=target / 100, low=-1.0, high=1.0
                )
                if -100 < target < 100
                else stats.Shortfall(z=None, p=None)
            )
        return stats.duration_short_of_target(value, n, target=target)

    def benchmark_band(self, value: float | None) -> str | None:
        """'below', 'solid' or 'above' the benchmark band; None without a benchmark or a value."""
        if self.benchmark is None or value is None:
            return None
        low, high = self.benchmark
        if value < low:
            return "below"
        return "solid" if value <= high else "above"


def catalogue() -> tuple[Kpi, ...]:
    """Every KPI, as the settings make them now."""
    return _catalogue(settings.CES_LOWER_IS_BETTER, settings.CES_SCALE_MAX, settings.REPEAT_WINDOW_DAYS)


def get(key: str) -> Kpi:
    """The KPI of a key (KeyError for an unknown one)."""
    return _by_key(settings.CES_LOWER_IS_BETTER, settings.CES_SCALE_MAX, settings.REPEAT_WINDOW_DAYS)[key]


def for_figure(figure: str) -> Kpi:
    """The agent-level KPI whose figure a metrics row holds under `figure` ("fcr_pct" -> FCR)."""
    return next(kpi for kpi in catalogue() if kpi.figure == figure and not kpi.per_skill)


def agent_kpis() -> list[Kpi]:
    """The headline KPIs of an agent's, a team's or a vendor's metrics rows (every headline KPI but the per-skill
    ones): what the dashboards' cards and agent tables show."""
    return [kpi for kpi in catalogue() if not kpi.per_skill and kpi.headline]


def detail_kpis() -> list[Kpi]:
    """The contact-detail KPIs (repeat, escalation, transfer, complaint FCR, CSAT of escalated, hold), also in every
    metrics row."""
    return [kpi for kpi in catalogue() if not kpi.headline]


@cache
def _by_key(ces_lower_is_better: bool, ces_scale_max: int, repeat_window_days: int) -> dict[str, Kpi]:
    return {kpi.key: kpi for kpi in _catalogue(ces_lower_is_better, ces_scale_max, repeat_window_days)}


@cache
def _catalogue(ces_lower_is_better: bool, ces_scale_max: int, repeat_window_days: int) -> tuple[Kpi, ...]:
    ces_direction = Direction.LOWER if ces_lower_is_better else Direction.HIGHER  # the one place CES's direction is set
    fcr_benchmark = (70.0, 79.0)
    return (
        Kpi(
            key=FCR,
            name="First-contact resolution",
            short="FCR",
            label="FCR %",
            figure="fcr_pct",
            sample="cases",
            sample_label="cases",
            unit="%",
            decimals=1,
            direction=Direction.HIGHER,
            scale=(0.0, 100.0),
            default_target=75.0,
            linked_skills=(skill_codes.PROBLEM_SOLVING, skill_codes.ACTIVE_LISTENING, skill_codes.PRODUCT_KNOWLEDGE),
            min_sample=10,
            definition=(
                f"First-contact resolution: cases resolved with one contact ÷ cases × 100. A case is first-contact "
                f"resolved when it is resolved and no further contact on it arrives within {repeat_window_days} days "
                f"of its first contact (an imported explicit flag wins). Counted for the day and agent of the first "
                f"contact. Benchmark: {fcr_benchmark[0]:.0f}–{fcr_benchmark[1]:.0f} % is solid."
            ),
            test=Test.PROPORTION,
            successes="fcr_cases",
            benchmark=fcr_benchmark,
        ),
        Kpi(
            key=CSAT,
            name="Customer satisfaction",
            short="CSAT",
            label="CSAT %",
            figure="csat_pct",
            sample="csat_responses",
            sample_label="responses",
            unit="%",
            decimals=1,
            direction=Direction.HIGHER,
            scale=(0.0, 100.0),
            default_target=85.0,
            linked_skills=(skill_codes.EMPATHY, skill_codes.COMMUNICATION, skill_codes.PATIENCE),
            min_sample=10,
            definition=(
                "Customer satisfaction, top-2-box: answers of 4 or 5 on a 1–5 scale ÷ answers × 100; the mean answer "
                "is shown beside it."
            ),
            test=Test.PROPORTION,
            successes="csat_satisfied",
        ),
        Kpi(
            key=CES,
            name="Customer effort",
            short="CES",
            label="CES",
            figure="ces_avg",
            sample="ces_responses",
            sample_label="responses",
            unit="",
            decimals=2,
            direction=ces_direction,
            scale=(1.0, float(ces_scale_max)),
            default_target=3.0,
            linked_skills=(skill_codes.OMNICHANNEL,),
            min_sample=10,
            definition=(
                f"Customer effort score: mean of effort answers on a 1–{ces_scale_max} scale "
                f"(\u201chow much effort did it take\u201d); {ces_direction}."
            ),
            test=Test.BOUNDED_MEAN,
        ),
        Kpi(
            key=NPS,
            name="Net promoter score",
            short="NPS",
            label="NPS",
            figure="nps",
            sample="nps_responses",
            sample_label="responses",
            unit="",
            decimals=0,
            goal_decimals=1,
            direction=Direction.HIGHER,
            scale=(-100.0, 100.0),
            default_target=30.0,
            linked_skills=(skill_codes.EMPATHY, skill_codes.DE_ESCALATION),
            min_sample=10,
            definition="Net promoter score: % promoters (9–10) − % detractors (0–6) of 0–10 answers; from −100 to 100.",
            test=Test.NPS,
        ),
        Kpi(
            key=AHT,
            name="Average handle time",
            short="AHT",
            label="AHT (seconds)",
            figure="aht_seconds",
            sample="contacts",
            sample_label="contacts",
            unit="s",
            decimals=0,
            direction=Direction.LOWER,
            scale=(1.0, 86_400.0),
            default_target=480.0,
            linked_skills=(skill_codes.TIME_MANAGEMENT, skill_codes.PRODUCT_KNOWLEDGE),
            min_sample=10,
            definition="Average handle time: mean of handle + after-contact seconds per contact; lower is better.",
            test=Test.DURATION,
        ),
        Kpi(
            key=QA,
            name="QA score",
            short="QA",
            label="QA score",
            figure="qa_score",
            sample="reviews",
            sample_label="reviews",
            unit="",
            decimals=1,
            direction=Direction.HIGHER,
            scale=(0.0, 100.0),
            default_target=85.0,
            linked_skills=(),
            min_sample=3,
            definition="QA score: mean of the counted (released, not calibration) review scores, 0–100.",
            test=Test.BOUNDED_MEAN,
        ),
        Kpi(
            key=SKILL_QA,
            name="QA score of the skill",
            short="Skill QA",
            label="QA score of the skill",
            figure="score",
            sample="reviews",
            sample_label="reviews",
            unit="",
            decimals=1,
            direction=Direction.HIGHER,
            scale=(0.0, 100.0),
            default_target=80.0,
            linked_skills=(),  # the goal's own skill
            min_sample=3,
            definition=(
                "QA score of one skill: mean of that skill's scores in the counted (released, not calibration) "
                "reviews, 0–100."
            ),
            test=Test.BOUNDED_MEAN,
            per_skill=True,
        ),
        Kpi(
            key=REPEAT,
            name="Repeat-contact rate",
            short="Repeat",
            label="Repeat contacts %",
            figure="repeat_contact_pct",
            sample="contacts",
            sample_label="contacts",
            unit="%",
            decimals=1,
            direction=Direction.LOWER,
            scale=(0.0, 100.0),
            default_target=15.0,
            linked_skills=(skill_codes.PROBLEM_SOLVING, skill_codes.PRODUCT_KNOWLEDGE),
            min_sample=10,
            definition=(
                f"Repeat-contact rate: contacts followed by another contact of the same case within "
                f"{repeat_window_days} days ÷ contacts × 100; lower is better. Counted for the day, agent, team and "
                f"channel of the contact that was repeated (a later contact changes that earlier day)."
            ),
            test=Test.PROPORTION,
            successes="repeat_contacts",
            headline=False,
        ),
        Kpi(
            key=ESCALATION,
            name="Escalation rate",
            short="Escalated",
            label="Escalation %",
            figure="escalation_pct",
            sample="contacts",
            sample_label="contacts",
            unit="%",
            decimals=1,
            direction=Direction.LOWER,
            scale=(0.0, 100.0),
            default_target=10.0,
            linked_skills=(skill_codes.DE_ESCALATION, skill_codes.PROBLEM_SOLVING),
            min_sample=10,
            definition=(
                "Escalation rate: contacts flagged escalated ÷ contacts × 100 (a contact without the flag counts as "
                "not escalated); lower is better."
            ),
            test=Test.PROPORTION,
            successes="escalated_contacts",
            headline=False,
        ),
        Kpi(
            key=TRANSFER,
            name="Transfer rate",
            short="Transferred",
            label="Transfer %",
            figure="transfer_pct",
            sample="contacts",
            sample_label="contacts",
            unit="%",
            decimals=1,
            direction=Direction.LOWER,
            scale=(0.0, 100.0),
            default_target=10.0,
            linked_skills=(skill_codes.PRODUCT_KNOWLEDGE, skill_codes.PROBLEM_SOLVING),
            min_sample=10,
            definition=(
                "Transfer rate: contacts flagged transferred ÷ contacts × 100 (a contact without the flag counts as "
                "not transferred); lower is better."
            ),
            test=Test.PROPORTION,
            successes="transferred_contacts",
            headline=False,
        ),
        Kpi(
            key=COMPLAINT_FCR,
            name="Complaint first-contact resolution",
            short="Complaint FCR",
            label="Complaint FCR %",
            figure="complaint_fcr_pct",
            sample="complaint_cases",
            sample_label="complaint cases",
            unit="%",
            decimals=1,
            direction=Direction.HIGHER,
            scale=(0.0, 100.0),
            default_target=60.0,
            linked_skills=(skill_codes.DE_ESCALATION, skill_codes.EMPATHY, skill_codes.PROBLEM_SOLVING),
            min_sample=10,
            definition=(
                "Complaint FCR: first-contact resolution (as FCR) over the cases whose first contact is flagged "
                "complaint: those cases resolved with one contact ÷ those cases × 100."
            ),
            test=Test.PROPORTION,
            successes="complaint_fcr_cases",
            headline=False,
        ),
        Kpi(
            key=ESCALATED_CSAT,
            name="CSAT of escalated contacts",
            short="Escalated CSAT",
            label="CSAT of escalated %",
            figure="escalated_csat_pct",
            sample="escalated_csat_responses",
            sample_label="responses",
            unit="%",
            decimals=1,
            direction=Direction.HIGHER,
            scale=(0.0, 100.0),
            default_target=70.0,
            linked_skills=(skill_codes.DE_ESCALATION, skill_codes.EMPATHY),
            min_sample=10,
            definition=(
                "CSAT of escalated contacts, top-2-box: answers of 4 or 5 ÷ answers × 100, over the escalated "
                "contacts with a CSAT answer."
            ),
            test=Test.PROPORTION,
            successes="escalated_csat_satisfied",
            headline=False,
        ),
        Kpi(
            key=HOLD,
            name="Hold time",
            short="Hold",
            label="Hold (seconds)",
            figure="hold_seconds",
            sample="hold_contacts",
            sample_label="contacts with hold time",
            unit="s",
            decimals=0,
            direction=Direction.LOWER,
            scale=(0.0, 86_400.0),
            default_target=60.0,
            linked_skills=(skill_codes.PRODUCT_KNOWLEDGE, skill_codes.TIME_MANAGEMENT),
            min_sample=10,
            definition=(
                "Hold time: mean hold seconds per contact, over the contacts whose hold time is known (a contact "
                "without a hold value is left out, not counted as 0 s); part of handle time, shown apart; lower is "
                "better."
            ),
            test=Test.DURATION,
            headline=False,
        ),
    )


# Coaching's model choices (key, label) of the headline KPIs, in catalogue order: its migrations hold this list.
CHOICES = [(kpi.key, kpi.label) for kpi in catalogue() if kpi.headline]
KEYS = [key for key, _ in CHOICES]
