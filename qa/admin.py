from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qa.models import DisputeReason, Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["contact", "agent", "reviewer", "status", "score", "is_calibration", "submitted_at"]
    list_filter = ["status", "is_calibration", "team"]
    search_fields = ["contact__external_id", "agent__employee_id", "agent__user__last_name"]
    list_select_related = ["contact", "agent__user", "reviewer"]
    raw_id_fields = ["contact", "agent", "reviewer"]


# Disputes: the reason codes agents pick (seeded; edit labels, reorder, retire with "active").
@admin.register(DisputeReason)
class DisputeReasonAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "active", "position"]
    list_editable = ["active", "position"]
    ordering = ["position", "label"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []  # permanent once created: reports key on it

    def has_delete_permission(self, request, obj=None):
        return False  # reviews point at the code; retire it instead (active off)
