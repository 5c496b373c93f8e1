"""The "QA lead" group: QA reviewers in it build scorecard templates and run sampling (see qa/rules.py)."""

from django.db import migrations


def forward(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="QA lead")


class Migration(migrations.Migration):
    dependencies = [
        ("qa", "0004_seed_default_template"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
