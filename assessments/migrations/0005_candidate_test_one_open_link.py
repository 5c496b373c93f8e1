from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_candidate_test_revoked_at")]

    operations = [
        migrations.AddConstraint(
            model_name="candidatetest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revoked_at__isnull", True), ("submitted_at__isnull", True)),
                fields=("candidate", "kind"),
                name="candidate_test_one_open_link",
            ),
        ),
    ]
