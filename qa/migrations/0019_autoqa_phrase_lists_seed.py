"""Seed the default phrase lists (English, Spanish, Portuguese) the AutoQA phrase rules match; admins edit the rows.
A list that already exists is left as it is."""

from django.db import migrations


def seed(apps, schema_editor):
    from qa.autoqa.phrases import default_rows

    PhraseList = apps.get_model("qa", "PhraseList")
    for kind, language, phrases in default_rows():
        PhraseList.objects.get_or_create(kind=kind, language=language, defaults={"phrases": phrases})


class Migration(migrations.Migration):
    dependencies = [("qa", "0018_autoqa_reviews_answers_phrases")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
