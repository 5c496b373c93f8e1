"""The full reconciliation runs, read-only: how far a run got, its heartbeat, whether the beat resumed it."""

from django.contrib import admin

from metrics.models import FullRollup, FullRollupMonth


class FullRollupMonthInline(admin.TabularInline):
    model = FullRollupMonth
    fields = ["start", "end", "done_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FullRollup)
class FullRollupAdmin(admin.ModelAdmin):
    """Runs are written by `rollup_metrics --full` and the task; deleting a stuck run in progress lets a new one
    start (its queued months then find nothing to do)."""

    list_display = [
        "pk",
        "state",
        "zone",
        "first_day",
        "last_day",
        "months_total",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "resumed",
    ]
    list_filter = ["state"]
    readonly_fields = list_display[1:]
    inlines = [FullRollupMonthInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
