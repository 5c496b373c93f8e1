import datetime as dt

import factory

from coaching.models import Activity, CoachingPlan, CoachingSession, Goal, PlanActivity
from core.models import Skill
from core.tests.factories import AgentFactory, UserFactory
from metrics.models import AgentDay, AgentSkillDay
from metrics.rollups import derived_rebuild


def skill(code: str = "empathy") -> Skill:
    """A seeded core skill (created when a transactional test flushed the seeded rows)."""
    found, _ = Skill.objects.get_or_create(
        code=code, defaults={"name": code.replace("_", " ").title(), "tier": "foundational", "is_core": True}
    )
    return found


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    code = factory.Sequence(lambda n: f"activity-{n}")
    title = factory.Sequence(lambda n: f"Activity {n}")
    kind = Activity.Kind.LISTENING_LAB
    skill = factory.LazyFunction(skill)
    summary = "Listen to three calls with a peer."
    content = "Replay and mark every cue."


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingPlan

    agent = factory.SubFactory(AgentFactory)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    skill = factory.LazyFunction(skill)
    kpi = "fcr"
    baseline = 60.0
    target = 75.0
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
    due_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))


class PlanActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanActivity

    plan = factory.SubFactory(PlanFactory)
    activity = factory.SubFactory(ActivityFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingSession

    plan = factory.SubFactory(PlanFactory)
    coach = factory.SubFactory(UserFactory)
    held_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=2))
    strengths = "Clear summaries."
    try_differently = "Restate the problem before solving."
    agreed_actions = "Do the restating module."


def agent_day(agent, day, **counts) -> AgentDay:
    """A rollup row as the contacts rollup would write it (counts and sums only)."""
    row = AgentDay.objects.create(agent=agent, team=agent.team, day=day, **counts)
    derived_rebuild(start=day, end=day)
    return row


def agent_skill_day(agent, day, skill_obj, reviews, score_sum) -> AgentSkillDay:
    """A QA skill rollup row as the rollup would write it, with the running totals rebuilt from its day."""
    row = AgentSkillDay.objects.create(
        agent=agent, team=agent.team, day=day, skill=skill_obj, reviews=reviews, score_sum=score_sum
    )
    derived_rebuild(start=day, end=day)
    return row
