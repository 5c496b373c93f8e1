from django.contrib import admin

from assessments.models import (
    AgentSkillBaseline,
    AptitudeQuestion,
    AptitudeTest,
    Candidate,
    CandidateTest,
    Interview,
    MockTicket,
    Question,
    Rating,
    Requisition,
    RubricCriterion,
    Scenario,
    StageMove,
)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "skill", "position", "is_active"]
    list_filter = ["skill", "is_active"]
    search_fields = ["text", "code"]


class RubricCriterionInline(admin.StackedInline):
    model = RubricCriterion
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["title", "is_active"]
    inlines = [RubricCriterionInline]


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "skill", "scenario", "position"]
    list_filter = ["scenario", "skill"]


@admin.register(MockTicket)
class MockTicketAdmin(admin.ModelAdmin):
    list_display = ["subject", "difficulty", "position", "is_active"]


class AptitudeQuestionInline(admin.TabularInline):
    model = AptitudeQuestion
    extra = 0


@admin.register(AptitudeTest)
class AptitudeTestAdmin(admin.ModelAdmin):
    list_display = ["title", "time_limit_minutes"]
    inlines = [AptitudeQuestionInline]


@admin.register(Requisition)
class RequisitionAdmin(admin.ModelAdmin):
    list_display = ["title", "role_profile", "status", "openings", "created_at"]
    list_filter = ["status", "role_profile"]
    filter_horizontal = ["hiring_team"]


class StageMoveInline(admin.TabularInline):
    model = StageMove
    extra = 0
    readonly_fields = ["from_stage", "to_stage", "moved_by", "moved_at", "note"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "requisition", "stage", "source", "created_at"]
    list_filter = ["stage", "source", "requisition"]
    search_fields = ["first_name", "last_name", "email"]
    inlines = [StageMoveInline]


@admin.register(CandidateTest)
class CandidateTestAdmin(admin.ModelAdmin):
    list_display = ["candidate", "kind", "expires_at", "emailed_at", "opened_at", "started_at", "submitted_at"]
    readonly_fields = ["token_hash", "email_outbox", "emailed_at", "reminder_outbox", "reminded_at", "opened_at"]
    exclude = ["token_nonce"]  # with the secret key it gives the link: never shown


class RatingInline(admin.TabularInline):
    model = Rating
    extra = 0


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["candidate", "stage", "interviewer", "status", "recommendation"]
    list_filter = ["stage", "status"]
    inlines = [RatingInline]


@admin.register(AgentSkillBaseline)
class AgentSkillBaselineAdmin(admin.ModelAdmin):
    list_display = ["agent", "skill", "score", "ratings"]
