from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SkillhubConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "skillhub"
    verbose_name = "SkillHub core"

    def ready(self) -> None:
        from . import security  # noqa: F401  (connects the security-log receivers)
        from .services.roles import roles_sync_on_migrate

        post_migrate.connect(roles_sync_on_migrate, dispatch_uid="skillhub_roles_sync")
