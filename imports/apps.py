from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Contacts in: the import_interactions command and the bulk API, validated whole before anything is written."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = "Contact imports"
