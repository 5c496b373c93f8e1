"""Every skill a seeded role profile weights gets three or more questions, a rubric line and a role-play scenario.

Upserts bank_data.ROLE_SKILL_QUESTIONS and ROLE_SKILL_SCENARIOS by their permanent codes (idempotent: running it
again changes nothing), after the bank of 0002 and the role-profile skills of skillhub 0002.
"""

from django.db import migrations


def anchors(values):
    return {f"anchor_{i}": text for i, text in enumerate(values, start=1)}


def forward(apps, schema_editor):
    from assessments import bank_data as data

    Skill = apps.get_model("skillhub", "Skill")
    Question = apps.get_model("assessments", "Question")
    Scenario = apps.get_model("assessments", "Scenario")
    RubricCriterion = apps.get_model("assessments", "RubricCriterion")
    skills = {skill.code: skill for skill in Skill.objects.all()}

    codes = {row[0] for row in data.ROLE_SKILL_QUESTIONS}
    positions: dict[str, int] = {}
    for code, skill_code, text, strong, weak, scale in data.ROLE_SKILL_QUESTIONS:
        if skill_code not in positions:  # after the skill's other questions (an admin may have added some)
            others = Question.objects.filter(skill=skills[skill_code]).exclude(code__in=codes)
            positions[skill_code] = max(others.values_list("position", flat=True), default=0)
        positions[skill_code] += 1
        Question.objects.update_or_create(
            code=code,
            defaults={
                "skill": skills[skill_code],
                "text": text,
                "strong_answer": strong,
                "weak_answer": weak,
                "position": positions[skill_code],
                **anchors(scale),
            },
        )
    for code, title, scene, brief, goal, debrief, criteria in data.ROLE_SKILL_SCENARIOS:
        scenario, _ = Scenario.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "scene": scene,
                "customer_brief": brief,
                "goal": goal,
                "debrief_questions": debrief,
            },
        )
        for position, (c_code, skill_code, name, observe, scale) in enumerate(criteria, start=1):
            RubricCriterion.objects.update_or_create(
                code=c_code,
                defaults={
                    "scenario": scenario,
                    "skill": skills[skill_code],
                    "name": name,
                    "observe": observe,
                    "position": position,
                    **anchors(scale),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0005_candidate_test_one_open_link"), ("skillhub", "0002_seed_skills")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
