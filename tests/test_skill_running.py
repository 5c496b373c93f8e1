"""AgentSkillRunning: each agent's QA skill totals carried day by day, kept by the rollup like the other running
totals, and read by skill_scores_by_agent for long periods with the same result as summing the daily rows."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Contact, Skill
from core.services.rollup_marks import rollup_mark
from core.tests.factories import AgentFactory, TeamFactory
from imports.tests.contact_rows import row, run_import
from metrics import rollups
from metrics.models import AgentSkillDay, AgentSkillRunning, RunningDirty
from metrics.selectors import skill_scores_by_agent
from qa.models import Review, ReviewSkillScore

FIRST = date(2026, 4, 1)


def skill_running_table() -> list[tuple]:
    rows = AgentSkillRunning.objects.order_by("agent_id", "day", "skill_id")
    return [
        (a, d, s, r, float(x))
        for a, d, s, r, x in rows.values_list("agent_id", "day", "skill_id", "reviews", "score_sum")
    ]


def expected_skill_running() -> list[tuple]:
    """The AgentSkillDay rows (all teams) added up in Python: on each day an agent has skill rows, every skill scored
    by then with its total so far."""
    daily: dict[tuple, list] = {}
    for agent_id, day, skill_id, reviews, score_sum in AgentSkillDay.objects.values_list(
        "agent_id", "day", "skill_id", "reviews", "score_sum"
    ):
        sums = daily.setdefault((agent_id, day), {}).setdefault(skill_id, [0, 0.0])
        sums[0] += reviews
        sums[1] += float(score_sum)
    expected, totals = [], {}
    for agent_id, day in sorted(daily):
        running = totals.setdefault(agent_id, {})
        for skill_id, (reviews, score_sum) in daily[(agent_id, day)].items():
            total = running.setdefault(skill_id, [0, 0.0])
            total[0] += reviews
            total[1] += score_sum
        expected += [(agent_id, day, s, r, pytest.approx(x)) for s, (r, x) in sorted(running.items())]
    return expected


@pytest.fixture
def people(db):
    team, other = TeamFactory(name="Skill team"), TeamFactory(name="Other skill team")
    return [AgentFactory(team=team), AgentFactory(team=team), AgentFactory(team=other)]


def review(contact: Contact, scores: dict[Skill, float]) -> Review:
    """The contact's one counted review, created or re-scored with these skill scores (its day marked)."""
    counted, _ = Review.objects.update_or_create(
        contact=contact,
        is_calibration=False,
        defaults={
            "agent": contact.agent,
            "team": contact.team,
            "status": "released",
            "score": sum(scores.values()) / 2,
        },
    )
    counted.skill_scores.all().delete()
    ReviewSkillScore.objects.bulk_create(
        [ReviewSkillScore(review=counted, skill=skill, score=score) for skill, score in scores.items()]
    )
    rollup_mark(agent_days=[(contact.agent_id, contact.day)])
    return counted


reviews = st.lists(
    st.fixed_dictionaries(
        {
            "agent": st.integers(0, 2),
            "day": st.integers(0, 9),
            "skills": st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
            "score": st.sampled_from([0, 37.5, 50, 80.25, 100]),
        }
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(reviews, min_size=1, max_size=3))
def test_skill_running_totals_follow_every_rollup(people, batches):
    """Reviews arrive (or are re-scored) in batches on random days (old days included), each batch rolled up
    incrementally: the running rows always equal the daily rows added up, the same after a full reconciliation,
    and reading a period through them gives what summing its daily rows gives."""
    for model in (Review, Contact, AgentSkillDay, AgentSkillRunning, RunningDirty):
        model.objects.all().delete()
    skills = list(Skill.objects.order_by("position")[:4])
    run_import(
        [
            row(f"k{a}-{d}", f"K{a}-{d}", people[a], f"2026-04-{1 + d:02d}T09:00:00Z")
            for a in range(3)
            for d in range(10)
        ]
    )
    contacts = {(c.agent_id, c.day): c for c in Contact.objects.all()}
    for batch in batches:
        for item in batch:
            contact = contacts[(people[item["agent"]].pk, FIRST + timedelta(days=item["day"]))]
            review(contact, {skills[n]: item["score"] for n in item["skills"]})
        rollups.rollup_pending()
        assert skill_running_table() == expected_skill_running()
        assert not RunningDirty.objects.exists()
    incremental = skill_running_table()
    rollups.rollup_full()
    assert skill_running_table() == incremental
    ids = [agent.pk for agent in people]
    for start_day, end_day in [(0, 9), (2, 6), (5, 5), (7, 9), (0, 0)]:
        start, end = FIRST + timedelta(days=start_day), FIRST + timedelta(days=end_day)
        daily = skill_scores_by_agent(agents=ids, start=start, end=end, source="daily")
        assert skill_scores_by_agent(agents=ids, start=start, end=end, source="running") == daily


def test_a_skill_carries_forward_and_a_skill_only_change_rebuilds_that_agent(people):
    first, second, _ = people
    active, empathy = list(Skill.objects.order_by("position")[:2])
    run_import(
        [
            row(f"c{d}-{agent.pk}", f"C{d}-{agent.pk}", agent, f"2026-04-{1 + d:02d}T09:00:00Z")
            for d in range(5)
            for agent in people[:2]
        ]
    )
    contacts = {(c.agent_id, c.day): c for c in Contact.objects.all()}
    early = review(contacts[(first.pk, FIRST)], {active: 60, empathy: 80})
    review(contacts[(first.pk, FIRST + timedelta(days=3))], {empathy: 100})
    review(contacts[(second.pk, FIRST + timedelta(days=2))], {active: 90})
    rollups.rollup_pending()
    # Day 4 of the first agent: active listening not scored that day, carried from day 1.
    assert set(
        AgentSkillRunning.objects.filter(agent=first, day=FIRST + timedelta(days=3)).values_list(
            "skill_id", "reviews", "score_sum"
        )
    ) == {(active.pk, 1, 60), (empathy.pk, 2, 180)}
    untouched = {r.pk for r in AgentSkillRunning.objects.filter(agent=second)}
    # The same review total, other skill scores: only the skill rows know, and only the first agent's are rebuilt.
    ReviewSkillScore.objects.filter(review=early, skill=active).update(score=80)
    ReviewSkillScore.objects.filter(review=early, skill=empathy).update(score=60)
    rollup_mark(agent_days=[(first.pk, FIRST)])
    rollups.rollup_pending()
    assert skill_running_table() == expected_skill_running()
    assert {r.pk for r in AgentSkillRunning.objects.filter(agent=second)} == untouched
    long = skill_scores_by_agent(agents=[first.pk], start=FIRST - timedelta(days=30), end=FIRST + timedelta(days=4))
    assert [(r["skill_id"], r["reviews"], r["score"]) for r in long] == [(active.pk, 1, 80.0), (empathy.pk, 2, 80.0)]


def test_contacts_gone_from_the_start_leave_no_skill_totals_behind(people):
    agent = people[0]
    skill = Skill.objects.order_by("position").first()
    run_import([row(f"g{d}", f"G{d}", agent, f"2026-04-{1 + d:02d}T09:00:00Z") for d in range(4)])
    for contact in Contact.objects.all():
        review(contact, {skill: 50})
    rollups.rollup_pending()
    Review.objects.filter(contact__day__lt=FIRST + timedelta(days=2)).delete()
    Contact.objects.filter(day__lt=FIRST + timedelta(days=2)).delete()
    rollups.rollup_full()
    assert skill_running_table() == expected_skill_running()
    assert AgentSkillRunning.objects.get(agent=agent, day=FIRST + timedelta(days=3)).reviews == 2


@pytest.mark.django_db(transaction=True)
def test_migrating_an_existing_installation_fills_the_skill_totals():
    """An installation with skill rows and no AgentSkillRunning yet (before 0012) gets them filled by the migration,
    equal to what the rollup itself builds."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)

    # Every app's latest migration: going back to skillhub's 0011 also unapplies the metrics migrations after it.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate([("skillhub", "0011_skill_running")])
    try:
        team = TeamFactory(name="Migrated team")
        agents = [AgentFactory(team=team), AgentFactory(team=team)]
        skills = list(Skill.objects.order_by("position")[:3])
        if len(skills) < 3:  # a transactional test may run after another one emptied the seeded catalogue
            skills = [
                Skill.objects.get_or_create(code=f"migration_{n}", defaults={"name": f"M{n}", "tier": "technical"})[0]
                for n in range(3)
            ]
        rows = [
            (0, 0, 0, 2, 150),
            (0, 2, 1, 1, 80),
            (0, 5, 0, 1, 40),
            (1, 1, 2, 3, 210),
            (1, 1, 0, 1, 90),
        ]
        AgentSkillDay.objects.bulk_create(
            AgentSkillDay(
                agent=agents[a], team=team, day=FIRST + timedelta(days=d), skill=skills[s], reviews=r, score_sum=x
            )
            for a, d, s, r, x in rows
        )
        AgentSkillRunning.objects.all().delete()
        migrate(latest)
        filled = skill_running_table()
        assert filled == expected_skill_running() and len(filled) == 7  # 2 + 2 + 2 (carried) for one, 2 the other
        rollups.running_rebuild()
        assert skill_running_table() == filled
    finally:
        migrate(latest)
        for model in (AgentSkillRunning, AgentSkillDay):
            model.objects.all().delete()
