from django.db import migrations, models
from django.utils import timezone


def fill_day(apps, schema_editor):
    Contact = apps.get_model("skillhub", "Contact")
    for contact in Contact.objects.only("pk", "started_at").iterator():
        Contact.objects.filter(pk=contact.pk).update(day=timezone.localtime(contact.started_at).date())


class Migration(migrations.Migration):
    dependencies = [
        ("skillhub", "0003_rollup_mark"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="day",
            field=models.DateField(null=True, editable=False),
        ),
        migrations.RunPython(fill_day, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contact",
            name="day",
            field=models.DateField(
                editable=False, help_text="Local day of started_at (settings.TIME_ZONE); rollups key on it."
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["day", "agent"], name="contact_day_agent_idx"),
        ),
    ]
