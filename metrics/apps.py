from django.apps import AppConfig


class MetricsConfig(AppConfig):
    """The KPI engine: rollup tables, running totals, the rollup task and the KPI catalogue."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "metrics"
    verbose_name = "KPI metrics"

    def ready(self) -> None:
        from django.core import checks

        from . import tasks  # noqa: F401  (registers rollup_metrics, which the core sends by name)
        from .checks import rollups_time_zone

        checks.register(rollups_time_zone)
