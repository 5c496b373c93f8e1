from django.db import migrations


def seed(apps, schema_editor):
    from coaching.catalogue import CATALOGUE

    Activity = apps.get_model("coaching", "Activity")
    Skill = apps.get_model("skillhub", "Skill")
    skills = {skill.code: skill for skill in Skill.objects.all()}
    for entry in CATALOGUE:
        skill = skills.get(entry["skill"])
        if skill is None:
            continue
        fields = {key: value for key, value in entry.items() if key not in ("code", "skill")}
        Activity.objects.get_or_create(code=entry["code"], defaults={**fields, "skill": skill})


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_coaching_models"), ("skillhub", "0002_seed_skills")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
