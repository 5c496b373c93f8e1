from django.apps import AppConfig


class QaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "qa"
    verbose_name = "Quality assurance"

    def ready(self) -> None:
        from metrics.registry import register_agent_day_source, register_skill_day_source

        from . import tasks  # noqa: F401  (registers the tasks the services send by name, in every process)
        from .rollups import REVIEWS, SKILL_SCORES

        # The metrics engine adds QA's reviews and skill scores to its rollups without reading QA's tables itself.
        register_agent_day_source(REVIEWS)
        register_skill_day_source(SKILL_SCORES)

        # The review page shows the conversation view, which builds on reviews (its case timeline links to them).
        from .conversations.selectors import conversation
        from .reviews.views import register_conversation_view

        register_conversation_view(conversation)

        # Disputes add their sections to the review page (disputes build on reviews, not the other way round).
        from .disputes.selectors import dispute_page_context
        from .reviews.views import REVIEW_PAGE_SECTIONS

        if dispute_page_context not in REVIEW_PAGE_SECTIONS:
            REVIEW_PAGE_SECTIONS.append(dispute_page_context)

        # AutoQA's suggestions beside each criterion, and its automatic summary above the scorecard.
        from .autoqa.ui import review_page_section, suggestions_for_save
        from .reviews.services import register_suggestions

        if review_page_section not in REVIEW_PAGE_SECTIONS:
            REVIEW_PAGE_SECTIONS.append(review_page_section)
        register_suggestions(suggestions_for_save)
