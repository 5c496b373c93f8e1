"""The rollup registry: apps above add their rows to the rollups without the engine reading their tables."""

from datetime import UTC, date, datetime

import pytest

from core.models import Contact
from core.tests.factories import ContactFactory
from metrics import registry, rollups
from metrics.models import AgentChannelDay, AgentDay, AgentRunning, AgentSkillDay, TeamChannelDay

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 10, tzinfo=UTC)


@pytest.fixture
def extra_source():
    """A source counting each contact of the day once more as a review scored 50 (what an app could add)."""
    contact = Contact._meta.db_table
    source = registry.AgentDaySource(
        name="tests.extra",
        columns=("reviews", "qa_score_sum"),
        sql=lambda: (
            f"SELECT c.day, c.agent_id, c.team_id, COUNT(*) AS reviews, 50 * COUNT(*) AS qa_score_sum "
            f"FROM {contact} c WHERE c.day BETWEEN %s AND %s GROUP BY c.day, c.agent_id, c.team_id"
        ),
        params=lambda start, end: [start, end],
    )
    registry.register_agent_day_source(source)
    yield source
    registry._agent_day_sources.pop(source.name)


def test_qa_registers_its_reviews_and_skill_scores_when_the_apps_load():
    assert "qa.reviews" in {source.name for source in registry.agent_day_sources()}
    assert "qa.skill_scores" in {source.name for source in registry.skill_day_sources()}


def test_a_source_must_name_rollup_counts():
    with pytest.raises(ValueError, match="not rollup counts"):
        registry.AgentDaySource(name="bad", columns=("reviews", "bogus"), sql=str, params=lambda s, e: [])


@pytest.mark.django_db
def test_a_registered_source_adds_its_rows_to_the_day_and_the_running_totals(extra_source):
    first = ContactFactory(started_at=AT)
    ContactFactory(agent=first.agent, started_at=AT.replace(hour=11))
    rollups.rollup_days(start=DAY, end=DAY)
    row = AgentDay.objects.get(agent=first.agent, day=DAY)
    assert (row.contacts, row.reviews, row.qa_score_sum) == (2, 2, 100)
    assert AgentRunning.objects.get(agent=first.agent, day=DAY).reviews == 2


@pytest.mark.django_db
def test_without_skill_sources_the_rollup_writes_no_skill_rows(monkeypatch):
    monkeypatch.setattr(registry, "_skill_day_sources", {})
    assert rollups.agent_skill_day_sql() is None
    ContactFactory(started_at=AT)
    rollups.rollup_days(start=DAY, end=DAY)
    assert AgentDay.objects.filter(day=DAY).count() == 1
    assert not AgentSkillDay.objects.exists()


def test_the_engine_names_tables_through_the_models():
    sql = rollups.contact_grain_sql() + rollups.agent_day_sql() + rollups.team_day_sql()
    sql += (rollups.agent_skill_day_sql() or "") + rollups.agent_channel_day_sql() + rollups.team_channel_day_sql()
    for model in (AgentDay, AgentSkillDay, Contact, AgentChannelDay, TeamChannelDay):
        assert model._meta.db_table in sql
