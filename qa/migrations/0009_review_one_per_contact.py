from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("qa", "0008_review_one_per_contact_duplicates"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_calibration", False)),
                fields=("contact",),
                name="one_review_per_contact",
                violation_error_message="This conversation already has a review.",
            ),
        ),
    ]
