"""One KPI catalogue (metrics.kpis) read everywhere: coaching's choices and goal statuses, the dashboards' KPIs,
cards, flags and definitions, and the hiring report all say what the catalogue says, CES's direction included."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from assessments import selectors as hiring
from coaching import forms as coaching_forms
from coaching.api.serializers import GoalSerializer
from coaching.models import Goal, KpiTarget, Suggestion
from coaching.services import _check_target
from coaching.status import GoalStatus, goal_status
from core.tests.factories import UserFactory
from dashboards import charts, definitions
from metrics import kpis
from metrics.selectors import figures

pytestmark = pytest.mark.django_db

CES_FELL = (
    figures({"ces_sum": 2.0 * 100, "ces_responses": 100}),  # now: mean 2.0
    figures({"ces_sum": 5.0 * 100, "ces_responses": 100}),  # before: mean 5.0
)


def _ces_status(**kwargs) -> str:
    values = {"baseline": 4.0, "start": date(2026, 1, 1), "due": date(2026, 3, 1), "today": date(2026, 2, 1)}
    return goal_status(kpi=kpis.CES, **{**values, **kwargs})


def _ces_card() -> dict:
    return next(card for card in charts.kpi_cards(now=CES_FELL[0], before=CES_FELL[1]) if card["kpi"].key == kpis.CES)


def test_every_coaching_kpi_choice_is_a_catalogue_key_with_its_label():
    for model in (Goal, KpiTarget, Suggestion):
        assert list(model._meta.get_field("kpi").choices) == kpis.CHOICES
    assert list(coaching_forms.GoalForm().fields["kpi"].choices) == kpis.CHOICES
    assert list(coaching_forms.TargetForm(current={}).fields) == kpis.KEYS


def test_every_dashboard_kpi_and_flag_target_is_from_the_catalogue():
    for kpi in definitions.kpi_list():
        assert kpi == kpis.get(kpi.key)
    for figure, target in definitions.TARGETS.items():
        kpi = kpis.for_figure(figure)
        assert kpi.key in definitions.FLAGGED and target == kpi.default_target and kpi.higher_is_better
    assert {key for _, _, _, keys in charts.CHARTS for key in keys} <= set(kpis.KEYS)


def test_every_hiring_report_kpi_is_from_the_catalogue():
    report = hiring.predictive_report(user=UserFactory())
    assert [(row["label"], row["lower_is_better"]) for row in report["kpi_rows"]] == [
        (kpis.get(key).column, kpis.get(key).lower_is_better) for key in hiring.REPORT_KPIS
    ]
    assert [row["label"] for row in report["kpi_rows"]] == ["CSAT %", "FCR %", "AHT (s)"]


def test_ces_lower_is_better_everywhere_by_default(settings):
    settings.CES_LOWER_IS_BETTER = True
    assert _ces_status(target=3.0, current=2.9) == GoalStatus.ACHIEVED
    assert GoalSerializer(Goal(kpi=kpis.CES)).data["lower_is_better"] is True
    card = _ces_card()
    assert card["kpi"].lower_is_better and card["change"].css == "text-success" and card["change"].label == "better"
    assert card["kpi"].definition.endswith("lower is better.")
    assert next(kpi for kpi in definitions.kpi_list() if kpi.key == kpis.CES).lower_is_better


def test_ces_higher_is_better_everywhere_when_the_setting_says_so(settings):
    settings.CES_LOWER_IS_BETTER = False
    assert _ces_status(target=3.0, current=2.9) != GoalStatus.ACHIEVED
    assert _ces_status(target=5.0, current=5.0) == GoalStatus.ACHIEVED
    assert GoalSerializer(Goal(kpi=kpis.CES)).data["lower_is_better"] is False
    card = _ces_card()
    assert card["kpi"].higher_is_better and card["change"].css == "text-danger" and card["change"].label == "worse"
    assert card["kpi"].definition.endswith("higher is better.")
    assert next(kpi for kpi in definitions.kpi_list() if kpi.key == kpis.CES).higher_is_better


def test_ces_goal_targets_follow_the_scale_setting(settings):
    settings.CES_SCALE_MAX = 5
    _check_target(kpis.CES, 5.0)
    with pytest.raises(ValidationError, match="between 1 and 5"):
        _check_target(kpis.CES, 6.0)
