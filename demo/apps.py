from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation: `seed_demo` and the seeders of every app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo data"
