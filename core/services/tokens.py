"""Writes of API tokens: a user or an admin revokes one; a password change or a deactivation ends it.

The receivers are connected in CoreConfig.ready(). They run on every save of a user, whoever makes it (the
password page, the admin, `changepassword`, a script), so a token never outlives the password it was issued
under or the account's deactivation."""

from django.conf import settings
from django.db.models.signals import pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from core.models import User
from core.security import log_event


def token_revoke(*, user: User, actor: User, request=None) -> bool:
    """Delete `user`'s API token; True when there was one. Written to the security log (never the key)."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        log_event("api_token_revoked", user=actor, request=request, owner=user.username, reason="revoked")
    return bool(deleted)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="api_token_end_on_credentials_change")
def _end_token_on_password_change_or_deactivation(sender, instance: User, raw: bool = False, update_fields=None, **kw):
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. the last_login write on every sign-in: no query
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    reason = None
    # A changed hash is a new password only when one was set (set_password keeps the raw one until the save) or the
    # password was made unusable; Django re-hashing it on sign-in (a newer hasher or more iterations) is not.
    new_password = instance._password is not None or not instance.has_usable_password()
    if before["password"] != instance.password and new_password:
        reason = "password_changed"
    elif before["is_active"] and not instance.is_active:
        reason = "deactivated"
    if reason is not None and Token.objects.filter(user_id=instance.pk).delete()[0]:
        log_event("api_token_revoked", username=instance.username, owner=instance.username, reason=reason)
