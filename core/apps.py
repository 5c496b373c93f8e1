from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """People, teams, vendors, scopes, skills and contacts: the floor every other app stands on.

    Its label stays "skillhub" (the app was called that before the core moved out of the project package): the
    custom user model is "skillhub.User", and its tables and migrations keep their names.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    label = "skillhub"
    verbose_name = "SkillHub core"

    def ready(self) -> None:
        from . import middleware, security  # noqa: F401  (connect the session-clock and security-log receivers)
        from .selectors import channels  # noqa: F401  (forgets cached channel names when the catalogue changes)
        from .services import tokens  # noqa: F401  (ends API tokens on a password change or deactivation)
        from .services.roles import roles_sync_on_migrate

        post_migrate.connect(roles_sync_on_migrate, dispatch_uid="skillhub_roles_sync")
