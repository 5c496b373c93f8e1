"""The KPI catalogue itself: complete entries, CES's direction and scale from the settings, formats, tests."""

import pytest

from core import skill_codes
from metrics import kpis, stats
from metrics.selectors import figures

CES_ROWS = (
    figures({"ces_sum": 2.0 * 100, "ces_responses": 100}),  # now: mean 2.0
    figures({"ces_sum": 5.0 * 100, "ces_responses": 100}),  # before: mean 5.0
)


def test_every_kpi_has_a_label_unit_direction_definition_and_test():
    for kpi in kpis.catalogue():
        assert kpi.key and kpi.name and kpi.short and kpi.label and kpi.figure and kpi.sample and kpi.sample_label
        assert kpi.unit in ("%", "s", "")
        assert kpi.direction in (kpis.Direction.HIGHER, kpis.Direction.LOWER)
        assert kpi.lower_is_better != kpi.higher_is_better
        assert kpi.definition.strip().endswith(".") and len(kpi.definition) > 30
        assert kpi.test in kpis.Test
        assert kpi.min_sample > 0
        low, high = kpi.scale
        assert low < high and low <= kpi.default_target <= high
        assert all(code in skill_codes.CORE for code in kpi.linked_skills)
        if kpi.test == kpis.Test.PROPORTION:
            assert kpi.successes


def test_keys_are_unique_and_the_choices_list_the_catalogue_in_order():
    keys = [kpi.key for kpi in kpis.catalogue()]
    assert len(set(keys)) == len(keys)
    headline = [kpis.FCR, kpis.CSAT, kpis.CES, kpis.NPS, kpis.AHT, kpis.QA, kpis.SKILL_QA]
    detail = [kpis.REPEAT, kpis.ESCALATION, kpis.TRANSFER, kpis.COMPLAINT_FCR, kpis.ESCALATED_CSAT, kpis.HOLD]
    assert kpis.KEYS == headline and keys == headline + detail
    assert all(len(key) <= 10 for key in keys)  # coaching's kpi columns
    assert kpis.CHOICES == [(kpi.key, kpi.label) for kpi in kpis.catalogue() if kpi.headline]
    assert [kpi.key for kpi in kpis.detail_kpis()] == detail
    assert all(kpis.get(key).key == key for key in keys)
    with pytest.raises(KeyError):
        kpis.get("fcr_pct")


def test_agent_kpis_are_found_by_their_figure():
    assert [kpi.key for kpi in kpis.agent_kpis()] == [kpis.FCR, kpis.CSAT, kpis.CES, kpis.NPS, kpis.AHT, kpis.QA]
    for kpi in kpis.agent_kpis():
        assert kpis.for_figure(kpi.figure) == kpi
        assert kpi.figure in figures({})  # a figure the metrics rows hold, with its sample
        assert kpi.sample in figures({})


def test_ces_direction_and_scale_follow_the_settings(settings):
    settings.CES_LOWER_IS_BETTER, settings.CES_SCALE_MAX = True, 7
    ces = kpis.get(kpis.CES)
    assert ces.lower_is_better and ces.scale == (1.0, 7.0)
    assert ces.meets(2.9, 3.0) and not ces.meets(3.1, 3.0)
    assert "1–7 scale" in ces.definition and ces.definition.endswith("lower is better.")
    assert ces.change(*CES_ROWS).better is True  # the mean fell: better

    settings.CES_LOWER_IS_BETTER, settings.CES_SCALE_MAX = False, 5
    ces = kpis.get(kpis.CES)
    assert ces.higher_is_better and ces.scale == (1.0, 5.0)
    assert ces.meets(3.1, 3.0) and not ces.meets(2.9, 3.0)
    assert "1–5 scale" in ces.definition and ces.definition.endswith("higher is better.")
    assert ces.change(*CES_ROWS).better is False
    assert next(kpi for kpi in kpis.catalogue() if kpi.key == kpis.CES) == ces


def test_directions_of_the_fixed_tests_agree_with_the_catalogue():
    """nps_change and duration_change carry their own direction: the catalogue must say the same."""
    now = figures({"promoters": 80, "detractors": 5, "nps_responses": 100, "handle_seconds": 20_000, "contacts": 100})
    before = figures(
        {"promoters": 20, "detractors": 50, "nps_responses": 100, "handle_seconds": 60_000, "contacts": 100}
    )
    nps, aht = kpis.get(kpis.NPS), kpis.get(kpis.AHT)
    assert nps.test == kpis.Test.NPS and nps.higher_is_better and nps.change(now, before).better is True
    assert aht.test == kpis.Test.DURATION and aht.lower_is_better and aht.change(now, before).better is True


def test_change_uses_the_kpis_significance_test():
    now = figures({"fcr_cases": 90, "cases": 100, "reviews": 20, "qa_score_sum": 20 * 90})
    before = figures({"fcr_cases": 50, "cases": 100, "reviews": 20, "qa_score_sum": 20 * 80})
    assert kpis.get(kpis.FCR).change(now, before) == stats.proportion_change(90, 100, 50, 100)
    assert kpis.get(kpis.QA).change(now, before) == stats.bounded_mean_change(
        90.0, 20, 80.0, 20, low=0, high=100, higher_is_better=True
    )


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        (kpis.FCR, 75, "75.0%"),
        (kpis.CSAT, 85.25, "85.2%"),
        (kpis.CES, 3, "3.00"),
        (kpis.NPS, 30, "30.0"),
        (kpis.AHT, 480.4, "480 s"),
        (kpis.QA, 85, "85.0"),
        (kpis.SKILL_QA, 80, "80.0"),
        (kpis.FCR, None, "—"),
    ],
)
def test_text_is_how_goals_and_targets_show_a_figure(key, value, text):
    assert kpis.get(key).text(value) == text


def test_column_labels_and_benchmark():
    assert [kpis.get(key).column for key in (kpis.CSAT, kpis.FCR, kpis.AHT, kpis.NPS)] == [
        "CSAT %",
        "FCR %",
        "AHT (s)",
        "NPS",
    ]
    fcr = kpis.get(kpis.FCR)
    assert [fcr.benchmark_band(value) for value in (69.9, 70, 79, 79.1, None)] == [
        "below",
        "solid",
        "solid",
        "above",
        None,
    ]
    assert kpis.get(kpis.CSAT).benchmark_band(50) is None


def test_read_takes_the_figure_and_its_sample_from_a_row():
    row = figures({"fcr_cases": 3, "cases": 4})
    assert kpis.get(kpis.FCR).read(row) == (75.0, 4)
    assert kpis.get(kpis.SKILL_QA).read({"score": 81.5, "reviews": 2}) == (81.5, 2)
    assert kpis.get(kpis.CSAT).read(None) == (None, 0) and kpis.get(kpis.CSAT).read({}) == (None, 0)


def test_contact_detail_kpis_have_their_direction_sample_and_text():
    lower = {kpis.REPEAT, kpis.ESCALATION, kpis.TRANSFER, kpis.HOLD}
    for kpi in kpis.detail_kpis():
        assert kpi.lower_is_better == (kpi.key in lower), kpi.key
        assert not kpi.headline and kpi not in kpis.agent_kpis()
        assert kpis.for_figure(kpi.figure) == kpi
    assert kpis.get(kpis.REPEAT).text(12.345) == "12.3%"
    assert kpis.get(kpis.HOLD).text(42.6) == "43 s"
    assert kpis.get(kpis.HOLD).sample == "hold_contacts"
    assert kpis.get(kpis.COMPLAINT_FCR).sample == "complaint_cases"


def test_contact_detail_kpis_read_their_figures_from_metrics_rows():
    row = figures(
        {
            "contacts": 8,
            "repeat_contacts": 2,
            "escalated_contacts": 1,
            "transferred_contacts": 4,
            "complaint_cases": 3,
            "complaint_fcr_cases": 1,
            "escalated_csat_responses": 2,
            "escalated_csat_satisfied": 1,
            "hold_seconds_sum": 90,
            "hold_contacts": 3,
        }
    )
    read = {kpi.key: kpi.read(row) for kpi in kpis.detail_kpis()}
    assert read[kpis.REPEAT] == (25.0, 8)
    assert read[kpis.ESCALATION] == (12.5, 8)
    assert read[kpis.TRANSFER] == (50.0, 8)
    assert read[kpis.COMPLAINT_FCR] == (pytest.approx(100 / 3), 3)
    assert read[kpis.ESCALATED_CSAT] == (50.0, 2)
    assert read[kpis.HOLD] == (30.0, 3)  # 90 s over the 3 contacts with a hold time, not over all 8
    worse = kpis.get(kpis.ESCALATION).change(
        figures({"contacts": 400, "escalated_contacts": 80}), figures({"contacts": 400, "escalated_contacts": 20})
    )
    assert worse.significant and not worse.better
