"""Seed the dispute reason codes agents pick from (admins edit, reorder and retire them afterwards)."""

from django.db import migrations

REASONS = [
    ("score_mismatch", "Score doesn't match the conversation", 10),
    ("not_applicable", "Criterion did not apply (should be N/A)", 20),
    ("missed_context", "Reviewer missed context from earlier contacts", 30),
    ("guideline_unclear", "Guideline unclear or changed", 40),
    ("system_issue", "A tool or system problem caused it", 50),
    ("other", "Other", 90),
]


def forward(apps, schema_editor):
    DisputeReason = apps.get_model("qa", "DisputeReason")
    for code, label, position in REASONS:
        DisputeReason.objects.get_or_create(code=code, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [("qa", "0016_disputes_workflow")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
