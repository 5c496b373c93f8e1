"""The dashboards' KPIs, all from the catalogue (metrics.kpis), and the rule that flags an agent."""

from metrics import kpis

# An agent is flagged on these KPIs when below their catalogue default target (the coaching goals' default, so a flag
# and a goal speak of the same number) in each of the last FLAG_PERIODS periods, each with at least the KPI's minimum
# sample (kpi.min_sample) and short of the target beyond chance (one-sided, p < 0.05: kpi.short_of_target).
# TARGETS is keyed by figure name, as the metrics rows and dashboards.selectors read them.
FLAGGED = (kpis.FCR, kpis.CSAT, kpis.QA)
TARGETS = {kpis.get(key).figure: kpis.get(key).default_target for key in FLAGGED}
FLAG_PERIODS = 3
# The rollup count each flagged KPI's figure is made of, over its sample (kpi.sample): successes for a rate, the sum
# of the answers for a mean.
FLAG_COUNTS = {kpis.FCR: "fcr_cases", kpis.CSAT: "csat_satisfied", kpis.QA: "qa_score_sum"}


def kpi_list() -> list[kpis.Kpi]:
    """The KPIs the dashboards show, in catalogue order (CES's direction as the settings have it)."""
    return kpis.agent_kpis()


def detail_kpis() -> list[kpis.Kpi]:
    """The contact-detail KPIs (repeat, escalation, transfer, complaint FCR, CSAT of escalated, hold)."""
    return kpis.detail_kpis()


def channel_kpis() -> list[kpis.Kpi]:
    """The columns of the team dashboard's channel breakdown: FCR, CSAT and AHT, then the contact-detail KPIs."""
    return [kpis.get(kpis.FCR), kpis.get(kpis.CSAT), kpis.get(kpis.AHT), *kpis.detail_kpis()]


def reason_kpis() -> list[kpis.Kpi]:
    """The columns of the team dashboard's top contact reasons: FCR and CSAT."""
    return [kpis.get(kpis.FCR), kpis.get(kpis.CSAT)]
