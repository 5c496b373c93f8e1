"""The conversation browser's saved filters (app label "qa", loaded via qa.models)."""

from django.conf import settings
from django.db import models

__all__ = ["SavedFilter"]


class SavedFilter(models.Model):
    """A named query string of the conversation browser, private to the user who saved it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_saved_filters")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=2000, blank=True, help_text="The browser's query string, without '?'.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                name="saved_filter_user_name_unique",
                violation_error_message="You already have a saved filter with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name
