from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coaching.models import (
    Activity,
    CoachingPlan,
    CoachingSession,
    Goal,
    KpiTarget,
    PlanActivity,
    Suggestion,
)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "skill", "duration_minutes", "is_active", "is_proposal"]
    list_filter = ["kind", "skill", "is_active", "is_proposal"]
    search_fields = ["title", "code"]


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ["skill", "kpi", "baseline", "target", "current_value", "status", "due_date"]
    readonly_fields = ["baseline", "current_value", "status"]


@admin.register(CoachingPlan)
class CoachingPlanAdmin(admin.ModelAdmin):
    list_display = ["agent", "focus", "next_session_on", "updated_at"]
    list_select_related = ["agent__user"]
    raw_id_fields = ["agent", "created_by"]
    inlines = [GoalInline]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "kpi", "skill", "baseline", "target", "current_value", "status", "due_date"]
    list_filter = ["status", "kpi"]
    list_select_related = ["plan__agent__user", "skill"]
    raw_id_fields = ["plan", "created_by"]


@admin.register(PlanActivity)
class PlanActivityAdmin(admin.ModelAdmin):
    list_display = ["plan", "activity", "mentor", "status", "completed_on"]
    list_filter = ["status"]
    raw_id_fields = ["plan", "activity", "goal", "mentor", "completed_by", "assigned_by"]


@admin.register(CoachingSession)
class CoachingSessionAdmin(admin.ModelAdmin):
    list_display = ["plan", "held_on", "coach", "acknowledged_at"]
    raw_id_fields = ["plan", "coach", "reviews"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["agent", "skill", "kpi", "observed", "target", "status", "created_at"]
    list_filter = ["status", "kpi"]
    raw_id_fields = ["agent", "mentor", "goal", "decided_by"]


admin.site.register(KpiTarget)
