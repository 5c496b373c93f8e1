from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Team, vendor, agent and hiring dashboards: the one app that reads every other app (through its selectors)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = "Dashboards"
