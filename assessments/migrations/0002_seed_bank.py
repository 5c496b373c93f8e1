from django.db import migrations


def forward(apps, schema_editor):
    from assessments import bank_data as data

    Skill = apps.get_model("skillhub", "Skill")
    Question = apps.get_model("assessments", "Question")
    Scenario = apps.get_model("assessments", "Scenario")
    RubricCriterion = apps.get_model("assessments", "RubricCriterion")
    MockTicket = apps.get_model("assessments", "MockTicket")
    AptitudeTest = apps.get_model("assessments", "AptitudeTest")
    AptitudeQuestion = apps.get_model("assessments", "AptitudeQuestion")
    skills = {skill.code: skill for skill in Skill.objects.all()}

    def anchors(values):
        return {f"anchor_{i}": text for i, text in enumerate(values, start=1)}

    positions: dict[str, int] = {}
    for code, skill_code, text, strong, weak, scale in data.QUESTIONS:
        positions[skill_code] = positions.get(skill_code, 0) + 1
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
    for position, (code, skill_code, name, observe, scale) in enumerate(data.WRITTEN_CRITERIA, start=1):
        RubricCriterion.objects.update_or_create(
            code=code,
            defaults={
                "scenario": None,
                "skill": skills[skill_code],
                "name": name,
                "observe": observe,
                "position": position,
                **anchors(scale),
            },
        )
    for code, title, scene, brief, goal, debrief, criteria in data.SCENARIOS:
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
    for code, subject, customer, difficulty, position, body in data.MOCK_TICKETS:
        MockTicket.objects.update_or_create(
            code=code,
            defaults={
                "subject": subject,
                "customer_name": customer,
                "difficulty": difficulty,
                "position": position,
                "body": body,
            },
        )
    code, title, instructions, minutes = data.APTITUDE_TEST
    test, _ = AptitudeTest.objects.update_or_create(
        code=code, defaults={"title": title, "instructions": instructions, "time_limit_minutes": minutes}
    )
    for position, (skill_code, text, choices, correct) in enumerate(data.APTITUDE_QUESTIONS, start=1):
        AptitudeQuestion.objects.update_or_create(
            test=test,
            position=position,
            defaults={"skill": skills[skill_code], "text": text, "choices": choices, "correct_choice": correct},
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_hiring_models"), ("skillhub", "0002_seed_skills")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
