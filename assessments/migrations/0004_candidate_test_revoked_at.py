from django.db import migrations, models
from django.utils import timezone


def revoke_replaced_links(apps, schema_editor):
    """Before one open link per candidate and test is enforced: of each candidate's unsubmitted links of a test, the
    newest stays open while it is still valid and the candidate has no decision; the others are revoked (when they
    expired, or now)."""
    CandidateTest = apps.get_model("assessments", "CandidateTest")
    now = timezone.now()
    seen: set[tuple[int, str]] = set()
    for test in (
        CandidateTest.objects.filter(submitted_at__isnull=True, revoked_at__isnull=True)
        .select_related("candidate")
        .order_by("candidate_id", "kind", "-created_at", "-pk")
    ):
        key = (test.candidate_id, test.kind)
        decided = test.candidate.stage in ("hired", "rejected")
        if key in seen or decided or test.expires_at <= now:
            test.revoked_at = min(test.expires_at, now)
            test.save(update_fields=["revoked_at"])
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_hiring_decision_history")]

    operations = [
        migrations.AddField(
            model_name="candidatetest",
            name="revoked_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the link stopped working unused: replaced by a newer link, or a decision.",
                null=True,
            ),
        ),
        migrations.RunPython(revoke_replaced_links, migrations.RunPython.noop),
    ]
