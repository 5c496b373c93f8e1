from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import F

from core.models import Contact, RollupMark, Skill
from core.services.org import agent_move_team
from core.tests.factories import AgentFactory, ContactFactory, TeamFactory, UserFactory, VendorFactory
from imports.tests.contact_rows import row, run_import
from metrics import rollups
from metrics.models import AgentDay, AgentSkillDay
from metrics.selectors import (
    metrics_by_agent,
    metrics_by_day,
    metrics_by_team,
    metrics_by_vendor,
    metrics_total,
    skill_scores_by_agent,
)
from qa.models import Review, ReviewSkillScore

MARCH = (date(2026, 3, 1), date(2026, 3, 11))


def at(day: int, hour: int = 10) -> str:
    return f"2026-03-{day:02d}T{hour:02d}:00:00+00:00"


@pytest.fixture
def example(db, settings):
    """The product's worked example of the figures: Ana and Ben, North and South; Ben moves to South on 5 March."""
    settings.REPEAT_WINDOW_DAYS = 7
    vendor = VendorFactory(name="In-house")
    north = TeamFactory(name="North", vendor=vendor)
    south = TeamFactory(name="South", vendor=vendor)
    ana = AgentFactory(team=north, user=UserFactory(username="ana", first_name="Ana", last_name="Alves"))
    ben = AgentFactory(team=north, user=UserFactory(username="ben", first_name="Ben", last_name="Brown"))
    agent_move_team(agent=ben, team=south, on=date(2026, 3, 5))
    rows = [
        row("c1", "A", ana, at(1), csat=5, ces=2, nps=10, handle_seconds=300, after_contact_seconds=60),
        row("c2", "A", ben, at(4), csat=3, handle_seconds=200, after_contact_seconds=40),
        row("c3", "B", ana, at(1, 11), ces=6, nps=6, handle_seconds=400, after_contact_seconds=0),
        row("c4", "C", ana, at(2), resolved="no", csat=4, nps=8, handle_seconds=500, after_contact_seconds=100),
        row("c5", "D", ben, at(5), first_contact_resolved="no", handle_seconds=100, after_contact_seconds=20),
        row("c6", "E", ben, at(1, 9), handle_seconds=250, after_contact_seconds=50),
        row("c7", "E", ana, at(11), csat=1, handle_seconds=150, after_contact_seconds=30),
    ]
    return {"ana": ana, "ben": ben, "north": north, "south": south, "vendor": vendor, "rows": rows}


def by(rows, key, value):
    return next(r for r in rows if r[key] == value)


def assert_figures(row, **expected):
    for name, value in expected.items():
        if value is None:
            assert row[name] is None, name
        else:
            assert row[name] == pytest.approx(value, abs=0.05), name


def check_worked_example(example):
    from core.models import Agent, Team

    agents = metrics_by_agent(agents=Agent.objects.all(), start=MARCH[0], end=MARCH[1])
    ana, ben = by(agents, "agent_name", "Ana Alves"), by(agents, "agent_name", "Ben Brown")
    assert (ana["contacts"], ana["cases"], ana["fcr_cases"]) == (4, 3, 1)
    assert (ana["csat_responses"], ana["csat_satisfied"], ana["promoters"], ana["detractors"]) == (3, 2, 1, 1)
    assert_figures(
        ana, fcr_pct=33.3, csat_pct=66.7, ces_avg=4.0, nps=0, aht_seconds=385, acw_seconds=47.5, csat_avg=10 / 3
    )
    assert ana["nps_responses"] == 3
    assert (ben["contacts"], ben["cases"], ben["fcr_cases"], ben["csat_responses"]) == (3, 2, 1, 1)
    assert_figures(ben, fcr_pct=50.0, csat_pct=0.0, ces_avg=None, nps=None, aht_seconds=220, acw_seconds=36.7)

    teams = metrics_by_team(teams=Team.objects.all(), start=MARCH[0], end=MARCH[1])
    north, south = by(teams, "team_name", "North"), by(teams, "team_name", "South")
    assert (north["contacts"], north["cases"], north["csat_responses"]) == (6, 4, 4)
    assert_figures(north, fcr_pct=50.0, csat_pct=50.0, ces_avg=4.0, nps=0, aht_seconds=346.7, acw_seconds=46.7)
    assert (south["contacts"], south["cases"]) == (1, 1)
    assert_figures(south, fcr_pct=0.0, csat_pct=None, ces_avg=None, nps=None, aht_seconds=120, acw_seconds=20)
    return agents, teams


def test_worked_example_every_figure(example):
    run_import(example["rows"])
    rollups.rollup_full()
    check_worked_example(example)
    # c5 counts for South (the team Ben was in that day), his earlier contacts for North.
    assert set(AgentDay.objects.filter(agent=example["ben"]).values_list("team__name", "day")) == {
        ("North", date(2026, 3, 1)),
        ("North", date(2026, 3, 4)),
        ("South", date(2026, 3, 5)),
    }


def test_team_and_vendor_figures_equal_the_sum_of_their_agents(example):
    from core.models import Agent, Team, Vendor

    run_import(example["rows"])
    rollups.rollup_full()
    agents = metrics_by_agent(agents=Agent.objects.all(), start=MARCH[0], end=MARCH[1])
    teams = metrics_by_team(teams=Team.objects.all(), start=MARCH[0], end=MARCH[1])
    vendor = metrics_by_vendor(vendors=Vendor.objects.all(), start=MARCH[0], end=MARCH[1])[0]
    total = metrics_total(agents=Agent.objects.all(), start=MARCH[0], end=MARCH[1])
    for field in ("contacts", "cases", "fcr_cases", "csat_responses", "ces_sum", "promoters", "handle_seconds"):
        assert sum(r[field] for r in agents) == sum(r[field] for r in teams) == vendor[field] == total[field]
    assert vendor["fcr_pct"] == pytest.approx(40.0)  # B and E of A..E


def test_repeat_contact_arriving_later_flips_the_earlier_day(example):
    ana = example["ana"]
    c1, c2 = example["rows"][0], example["rows"][1]
    run_import([c1])
    rollups.rollup_pending()
    assert AgentDay.objects.get(agent=ana, day=date(2026, 3, 1)).fcr_cases == 1
    run_import([c2])
    # The import marked Ana's 1 March (first contact of case A), not only Ben's 4 March.
    assert set(RollupMark.objects.values_list("agent_id", "day")) >= {(ana.pk, date(2026, 3, 1))}
    rollups.rollup_pending()
    assert AgentDay.objects.get(agent=ana, day=date(2026, 3, 1)).fcr_cases == 0
    assert RollupMark.objects.count() == 0


def test_repeat_outside_the_window_keeps_fcr_and_window_is_a_setting(example, settings):
    rows = [example["rows"][5], example["rows"][6]]  # case E: 1 March and 11 March
    run_import(rows)
    rollups.rollup_full()
    ben_day = AgentDay.objects.get(agent=example["ben"], day=date(2026, 3, 1))
    assert (ben_day.cases, ben_day.fcr_cases) == (1, 1)
    settings.REPEAT_WINDOW_DAYS = 14
    rollups.rollup_full()
    assert AgentDay.objects.get(agent=example["ben"], day=date(2026, 3, 1)).fcr_cases == 0


def test_explicit_flag_wins_both_ways(example):
    ana = example["ana"]
    run_import(
        [
            row("x1", "X", ana, at(1), resolved="yes", first_contact_resolved="no"),
            row("y1", "Y", ana, at(1), resolved="no", first_contact_resolved="yes"),
            row("y2", "Y", ana, at(2), resolved="yes"),
        ]
    )
    rollups.rollup_full()
    day = AgentDay.objects.get(agent=ana, day=date(2026, 3, 1))
    assert (day.cases, day.fcr_cases) == (2, 1)


def test_survey_answer_arriving_later_updates_the_figures(example):
    ana = example["ana"]
    first = row("s1", "S", ana, at(3))
    run_import([first])
    rollups.rollup_pending()
    assert AgentDay.objects.get(agent=ana, day=date(2026, 3, 3)).csat_responses == 0
    summary = run_import([{**first, "csat": 4, "nps": 9, "ces": 3}])
    assert (summary.created, summary.updated) == (0, 1)
    rollups.rollup_pending()
    day = AgentDay.objects.get(agent=ana, day=date(2026, 3, 3))
    assert (day.csat_responses, day.csat_satisfied, day.promoters, day.ces_sum) == (1, 1, 1, 3)


def test_contact_counts_for_the_team_it_was_handled_in_after_a_move(example):
    ben = example["ben"]
    run_import([example["rows"][1], example["rows"][4]])  # 4 March (North), 5 March (South)
    rollups.rollup_full()
    teams = dict(AgentDay.objects.filter(agent=ben).values_list("day", "team__name"))
    assert teams == {date(2026, 3, 4): "North", date(2026, 3, 5): "South"}
    ben.refresh_from_db()
    assert ben.team.name == "South"  # today's team does not rewrite history


def test_explicit_team_column_wins_over_membership(example):
    run_import([row("t1", "T", example["ben"], at(2), team="South")])
    rollups.rollup_full()
    assert AgentDay.objects.get(agent=example["ben"]).team == example["south"]


def test_rollup_twice_changes_nothing(example):
    run_import(example["rows"])
    rollups.rollup_full()
    before = list(AgentDay.objects.order_by("day", "agent", "team").values())
    rollups.rollup_full()
    rollups.rollup_day_list(days=[date(2026, 3, 1), date(2026, 3, 4)])
    after = list(AgentDay.objects.order_by("day", "agent", "team").values())
    strip = [{k: v for k, v in r.items() if k != "id"} for r in before]
    assert strip == [{k: v for k, v in r.items() if k != "id"} for r in after]


def test_full_rollup_drops_rows_of_days_without_contacts(example):
    run_import(example["rows"])
    rollups.rollup_full()
    Contact.objects.filter(external_id="c7").delete()
    rollups.rollup_full()
    assert not AgentDay.objects.filter(day=date(2026, 3, 11)).exists()


def test_qa_reviews_and_skill_scores_count_on_the_contact_day_and_review_team(example):
    run_import(example["rows"])
    ana = example["ana"]
    c1, c3 = Contact.objects.get(external_id="c1"), Contact.objects.get(external_id="c3")
    skill = Skill.objects.order_by("position").first()
    # A contact has one (non-calibration) review: the draft and the unscored one are on more contacts that day.
    c3_draft, c3_unscored = (ContactFactory(agent=ana, team=example["north"], started_at=c3.started_at) for _ in "ab")
    counted = Review.objects.create(contact=c1, agent=ana, team=example["north"], status="released", score=80)
    Review.objects.create(contact=c3, agent=ana, team=example["north"], status="acknowledged", score=60)
    Review.objects.create(contact=c3_draft, agent=ana, team=example["north"], status="draft", score=10)
    Review.objects.create(contact=c3, agent=ana, team=example["north"], status="released", score=0, is_calibration=True)
    Review.objects.create(contact=c3_unscored, agent=ana, team=example["north"], status="released", score=None)
    ReviewSkillScore.objects.create(review=counted, skill=skill, score=75)
    rollups.rollup_full()
    day = AgentDay.objects.get(agent=ana, day=date(2026, 3, 1))
    assert (day.reviews, float(day.qa_score_sum)) == (2, 140.0)
    from core.models import Agent

    row_ = by(metrics_by_agent(agents=Agent.objects.all(), start=MARCH[0], end=MARCH[1]), "agent_id", ana.pk)
    assert (row_["qa_reviews"], row_["qa_score"]) == (2, pytest.approx(70.0))
    assert AgentSkillDay.objects.get().reviews == 1
    scores = skill_scores_by_agent(agents=Agent.objects.all(), start=MARCH[0], end=MARCH[1])
    assert scores == [{"agent_id": ana.pk, "skill_id": skill.pk, "reviews": 1, "score_sum": 75.0, "score": 75.0}]


def test_metrics_by_day_gives_every_day_of_the_period(example):
    from core.models import Agent

    run_import(example["rows"])
    rollups.rollup_full()
    days = metrics_by_day(agents=Agent.objects.filter(pk=example["ana"].pk), start=MARCH[0], end=MARCH[1])
    assert len(days) == 11
    assert [d["contacts"] for d in days] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert days[2]["fcr_pct"] is None and days[0]["fcr_pct"] == pytest.approx(50.0)


def test_metrics_have_none_without_data(example):
    from core.models import Agent

    total = metrics_total(agents=Agent.objects.all(), start=MARCH[0], end=MARCH[1])
    assert total["contacts"] == 0 and all(total[f] is None for f in ("fcr_pct", "csat_pct", "nps", "qa_score"))


def test_days_follow_the_time_zone(example, settings):
    settings.TIME_ZONE = "America/New_York"
    run_import([row("tz1", "TZ", example["ana"], "2026-03-02T03:00:00+00:00")])
    assert Contact.objects.get().day == date(2026, 3, 1)


def test_contact_save_keeps_day_in_step(example):
    from core.tests.factories import ContactFactory

    contact = ContactFactory(agent=example["ana"], started_at=datetime(2026, 3, 9, 12, tzinfo=UTC))
    assert contact.day == date(2026, 3, 9)
    contact.started_at += timedelta(days=1)
    contact.save(update_fields=["started_at"])
    assert Contact.objects.filter(pk=contact.pk, day=F("day")).get().day == date(2026, 3, 10)


def test_month_chunks_cover_the_range():
    chunks = list(rollups.month_chunks(date(2026, 1, 30), date(2026, 3, 2)))
    assert chunks == [
        (date(2026, 1, 30), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 2)),
    ]


def test_metrics_from_start_give_each_agent_their_own_first_days(db):
    from core.models import Agent
    from metrics.selectors import metrics_by_agent_from_start

    first = AgentFactory(start_date=date(2026, 3, 1))
    second = AgentFactory(start_date=date(2026, 3, 10))
    rows = []
    for agent in (first, second):
        start = agent.start_date
        rows += [
            row(f"{agent.pk}-before", f"{agent.pk}-A", agent, f"{start - timedelta(days=1)}T10:00:00+00:00"),
            row(f"{agent.pk}-first", f"{agent.pk}-B", agent, f"{start}T10:00:00+00:00", csat=5),
            row(f"{agent.pk}-last", f"{agent.pk}-C", agent, f"{start + timedelta(days=9)}T10:00:00+00:00", csat=2),
            row(f"{agent.pk}-after", f"{agent.pk}-D", agent, f"{start + timedelta(days=10)}T10:00:00+00:00", csat=1),
        ]
    run_import(rows)
    rollups.rollup_full()
    agents = Agent.objects.filter(pk__in=[first.pk, second.pk])
    from_start = {r["agent_id"]: r for r in metrics_by_agent_from_start(agents=agents, days=10)}
    for agent in (first, second):
        (own,) = metrics_by_agent(
            agents=agents.filter(pk=agent.pk), start=agent.start_date, end=agent.start_date + timedelta(days=9)
        )
        assert from_start[agent.pk] == own
        assert (own["contacts"], own["csat_responses"], own["csat_pct"]) == (2, 2, 50.0)
