from datetime import date

import pytest

from core.models import Agent, TeamMembership
from imports.agents import NewAgent, agents_create, history_from_starts, split_name, team_today


def day(n: int) -> date:
    return date(2026, 3, n)


def test_history_from_starts_collapses_repeats_and_keeps_the_later_team_of_a_day():
    assert history_from_starts([(day(1), 1), (day(2), 1), (day(5), 2)]) == [(day(1), day(5), 1), (day(5), None, 2)]
    # Two teams on 5 March (contacts of both): the later one; back to the first team on the same day is no move.
    assert history_from_starts([(day(1), 1), (day(5), 2), (day(5), 3)]) == [(day(1), day(5), 1), (day(5), None, 3)]
    assert history_from_starts([(day(1), 1), (day(5), 2), (day(5), 1)]) == [(day(1), None, 1)]


def test_team_today_is_the_current_then_the_latest_begun_then_the_first():
    history = [(day(1), day(5), 1), (day(5), day(10), 2)]
    assert team_today(history, day(6)) == 2
    assert team_today(history, day(20)) == 2  # a leaver keeps their last team
    assert team_today(history, date(2026, 2, 1)) == 1  # not started yet


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ana Lucia Souza", ("Ana", "Lucia Souza")), ("Souza, Ana Lucia", ("Ana Lucia", "Souza")), ("Cher", ("Cher", ""))],
)
def test_split_name(name, expected):
    assert split_name(name) == expected


def test_agents_create_writes_the_history_and_todays_team(team, partner_team):
    periods = [(day(1), team.pk), (day(5), partner_team.pk), (day(5), partner_team.pk)]
    created = agents_create([NewAgent(email="ben@example.test", name="Ben Brown", employee_id="E2", periods=periods)])
    agent = Agent.objects.get(pk=created["ben@example.test"])
    assert (agent.team, agent.start_date, agent.employee_id, str(agent)) == (partner_team, day(1), "E2", "Ben Brown")
    assert list(
        TeamMembership.objects.filter(agent=agent).order_by("start_date").values_list("team", "start_date", "end_date")
    ) == [(team.pk, day(1), day(5)), (partner_team.pk, day(5), None)]
