from django.contrib import admin

from qa.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["contact", "agent", "reviewer", "status", "score", "is_calibration", "submitted_at"]
    list_filter = ["status", "is_calibration", "team"]
    search_fields = ["contact__external_id", "agent__employee_id", "agent__user__last_name"]
    list_select_related = ["contact", "agent__user", "reviewer"]
    raw_id_fields = ["contact", "agent", "reviewer"]
