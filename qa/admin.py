from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qa.autoqa.models import AutoAnswer, AutoReview, PhraseList
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


# AutoQA: the phrase lists the rule detectors match (per kind and language), and the automatic reviews, read-only
# (AutoQA writes them; a change to the lists re-scores through the engine's fingerprint).
@admin.register(PhraseList)
class PhraseListAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "updated_at"]
    list_filter = ["kind", "language"]
    ordering = ["kind", "language"]


class AutoAnswerInline(admin.TabularInline):
    model = AutoAnswer
    fields = ["criterion", "value", "is_na", "evidence", "source", "source_version", "counts"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AutoReview)
class AutoReviewAdmin(admin.ModelAdmin):
    list_display = ["contact", "score", "auto_failed", "answered", "sentiment_start", "sentiment_end", "scored_at"]
    list_filter = ["auto_failed"]
    search_fields = ["contact__external_id"]
    list_select_related = ["contact"]
    inlines = [AutoAnswerInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # view-only

    def has_delete_permission(self, request, obj=None):
        return False
