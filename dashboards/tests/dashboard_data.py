"""Demo-like daily rollup rows for dashboard tests: AgentDay / AgentSkillDay counts for agents over a period."""

import random
from datetime import date, timedelta
from decimal import Decimal

from core.models import Skill
from metrics import rollups
from metrics.models import AgentDay, AgentSkillDay


def fill_rollups(*, agents, start: date, end: date, seed: int = 1, skills: bool = True) -> None:
    """One AgentDay per agent per day (in the agent's team today) with plausible counts; reviews on some days."""
    rng = random.Random(seed)
    skill_ids = list(Skill.objects.order_by("position").values_list("pk", flat=True)) if skills else []
    days, skill_days = [], []
    for agent in agents:
        skill = rng.uniform(-12, 12)  # this agent's level
        day = start
        while day <= end:
            contacts = rng.randint(8, 25)
            cases = max(1, contacts - rng.randint(0, 4))
            csat = rng.randint(1, max(1, contacts // 3))
            ces = rng.randint(0, max(1, contacts // 4))
            nps = rng.randint(0, max(1, contacts // 4))
            reviews = 1 if rng.random() < 0.3 else 0
            qa = Decimal(str(round(min(100.0, max(0.0, rng.gauss(80 + skill, 8))), 2))) if reviews else Decimal(0)
            promoters = rng.randint(0, nps)
            days.append(
                AgentDay(
                    day=day,
                    agent_id=agent.pk,
                    team_id=agent.team_id,
                    contacts=contacts,
                    cases=cases,
                    fcr_cases=min(cases, round(cases * min(0.95, max(0.3, rng.gauss(0.74 + skill / 100, 0.08))))),
                    csat_responses=csat,
                    csat_satisfied=min(csat, round(csat * rng.uniform(0.6, 0.95))),
                    csat_sum=csat * 4,
                    ces_responses=ces,
                    ces_sum=ces * rng.randint(2, 4),
                    nps_responses=nps,
                    promoters=promoters,
                    detractors=rng.randint(0, nps - promoters),
                    handle_seconds=contacts * rng.randint(250, 420),
                    after_seconds=contacts * rng.randint(30, 70),
                    reviews=reviews,
                    qa_score_sum=qa,
                )
            )
            if reviews:
                for skill_id in skill_ids:
                    if rng.random() < 0.7:
                        score = round(min(100.0, max(0.0, rng.gauss(78 + skill, 12))), 2)
                        skill_days.append(
                            AgentSkillDay(
                                day=day,
                                agent_id=agent.pk,
                                team_id=agent.team_id,
                                skill_id=skill_id,
                                reviews=1,
                                score_sum=Decimal(str(score)),
                            )
                        )
            day += timedelta(days=1)
    AgentDay.objects.bulk_create(days, batch_size=2000)
    AgentSkillDay.objects.bulk_create(skill_days, batch_size=2000)
    if days:  # TeamDay and the running totals (skills' too) from the rows just written
        rollups.derived_rebuild(start=min(d.day for d in days), end=max(d.day for d in days))
