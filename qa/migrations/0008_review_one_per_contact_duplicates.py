"""Clear the way for the one-review-per-contact constraint (0009).

Until then only the services checked the rule, so two requests or two sampling runs at the same moment could each
create a review of the same contact. What such a race leaves is an untouched draft: never submitted, nothing
answered, no comment, not linked to a coaching session. Those are removed here (the oldest review of the contact
is kept when all of them are untouched), each with a closing history record saying why. Reviews that hold work are
never removed: if a contact still has two of them, the migration stops and lists them, so that a person decides
which one stands (and nothing is changed until then).
"""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

REASON = "Duplicate untouched draft removed (one review per contact)"


def _untouched(review) -> bool:
    return (
        review.status == "draft"
        and review.submitted_at is None
        and review.n_answers == 0
        and review.n_sessions == 0
        and not review.comment.strip()
    )


def _closing_record(HistoricalReview, review, when):
    """The "-" record django-simple-history would write on delete (its signals do not run in migrations)."""
    values = {
        field.attname: getattr(review, field.attname)
        for field in HistoricalReview._meta.concrete_fields
        if not field.name.startswith("history_")
    }
    return HistoricalReview(
        **values, history_date=when, history_type="-", history_change_reason=REASON, history_user_id=None
    )


def remove_duplicate_drafts(apps, schema_editor):
    Review = apps.get_model("qa", "Review")
    HistoricalReview = apps.get_model("qa", "HistoricalReview")
    contacts = (
        Review.objects.filter(is_calibration=False)
        .values("contact_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("contact_id", flat=True)
    )
    duplicates = (
        Review.objects.filter(is_calibration=False, contact_id__in=list(contacts))
        .annotate(n_answers=Count("answers", distinct=True), n_sessions=Count("coaching_sessions", distinct=True))
        .order_by("contact_id", "pk")
    )
    by_contact: dict[int, list] = {}
    for review in duplicates:
        by_contact.setdefault(review.contact_id, []).append(review)
    remove, conflicts = [], []
    for contact_id, reviews in by_contact.items():
        kept = [r for r in reviews if not _untouched(r)] or reviews[:1]
        if len(kept) > 1:
            conflicts.append(f"contact {contact_id}: reviews {', '.join(str(r.pk) for r in kept)}")
        remove += [r for r in reviews if r not in kept]
    if conflicts:
        raise RuntimeError(
            "These conversations have more than one (non-calibration) review with work in it, so the "
            "one_review_per_contact constraint cannot be added. Decide which review stands for each and delete the "
            "other (nothing was changed), then migrate again:\n  " + "\n  ".join(conflicts)
        )
    if remove:
        when = timezone.now()
        HistoricalReview.objects.bulk_create(_closing_record(HistoricalReview, r, when) for r in remove)
        Review.objects.filter(pk__in=[r.pk for r in remove]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("qa", "0007_calibration_answer_history"),
        ("coaching", "0001_coaching_models"),  # coaching sessions link reviews: a linked draft is kept
    ]

    operations = [migrations.RunPython(remove_duplicate_drafts, migrations.RunPython.noop)]
