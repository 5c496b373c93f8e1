"""Every page of qa (namespace "qa"), by topic."""

from django.urls import path

from qa.browser import views as browser
from qa.calibration import views as calibration
from qa.conversations import views as conversations
from qa.disputes import views as disputes
from qa.performance import views as performance
from qa.reviews import queue_views as queue
from qa.reviews import views as reviews
from qa.sampling import views as sampling
from qa.scorecards import views as scorecards

app_name = "qa"

urlpatterns = [
    # Queue (the reviewer's workspace: filters, tabs, assignment, next)
    path("", queue.queue, name="queue"),
    path("queue/assign/", queue.queue_assign, name="queue-assign"),
    path("queue/next/", queue.queue_next, name="queue-next"),
    path("queue/preference/", queue.queue_preference, name="queue-preference"),
    path("queue/disputes-badge/", queue.queue_badge, name="queue-badge"),
    path("reviews/<int:pk>/take/", queue.review_take, name="review-take"),
    # Reviews
    path(
        "reviews/<int:pk>/",
        reviews.review_detail,
        # A submitted calibration review goes back to its session (calibration builds on reviews, so it is wired here).
        # and another vendor's agent in a shared calibration is shown under an alias (calibration_agent_alias).
        {
            "after_calibration_submit": calibration.redirect_to_calibration_session,
            "calibration_alias": calibration.calibration_agent_alias,
        },
        name="review-detail",
    ),
    path("reviews/<int:pk>/score/", reviews.review_score, name="review-score"),
    path("reviews/<int:pk>/autosave/", reviews.review_autosave, name="review-autosave"),
    path("reviews/<int:pk>/acknowledge/", reviews.review_acknowledge, name="review-acknowledge"),
    path("my-reviews/", reviews.my_reviews, name="my-reviews"),
    path("agents/", reviews.agent_list, name="agent-list"),
    path("agents/<int:pk>/", reviews.agent_reviews, name="agent-reviews"),
    # Origins: self-review, time spent on a review, reviewer performance
    path("reviews/<int:pk>/self-review/", reviews.review_self_review, name="review-self-review"),
    path("reviews/<int:pk>/time/", reviews.review_time, name="review-time"),
    path("reviewers/performance/", performance.reviewer_performance, name="reviewer-performance"),
    # Conversations (the conversation view and case timeline)
    path("conversations/<int:pk>/", conversations.conversation_detail, name="conversation-detail"),
    # Disputes
    path("reviews/<int:pk>/dispute/", disputes.review_dispute, name="review-dispute"),
    path("reviews/<int:pk>/resolve/", disputes.review_resolve, name="review-resolve"),
    # Disputes: the QA lead's second step, the review's thread, the list of disputes
    path("reviews/<int:pk>/resolution/approve/", disputes.proposal_approve, name="review-resolution-approve"),
    path("reviews/<int:pk>/resolution/send-back/", disputes.proposal_send_back, name="review-resolution-send-back"),
    path("reviews/<int:pk>/comments/", disputes.review_comment, name="review-comment"),
    path("disputes/", disputes.dispute_list, name="dispute-list"),
    # Scorecards (the what-if lists reviews, so its view is with the review pages)
    path("templates/", scorecards.template_list, name="template-list"),
    path("templates/<int:pk>/", scorecards.template_detail, name="template-detail"),
    path("versions/<int:pk>/", scorecards.version_detail, name="version-detail"),
    path("versions/<int:pk>/edit/", scorecards.version_edit, name="version-edit"),
    path("versions/<int:pk>/publish/", scorecards.version_publish, name="version-publish"),
    path("versions/<int:pk>/what-if/", reviews.version_whatif, name="version-whatif"),
    path("versions/<int:pk>/sections/", scorecards.section_create, name="section-create"),
    path("versions/<int:pk>/criteria/new/", scorecards.criterion_create, name="criterion-create"),
    path("sections/<int:pk>/delete/", scorecards.section_delete, name="section-delete"),
    path("criteria/<int:pk>/", scorecards.criterion_update, name="criterion-update"),
    path("criteria/<int:pk>/delete/", scorecards.criterion_delete, name="criterion-delete"),
    # Scorecard rules and the builder's reorder and reviewer preview (issue 17, "scorecards chosen by rules")
    path("scorecard-rules/", scorecards.scorecard_rules, name="scorecard-rules"),
    path("scorecard-rules/new/", scorecards.scorecard_rule_create, name="scorecard-rule-create"),
    path("scorecard-rules/<int:pk>/", scorecards.scorecard_rule_edit, name="scorecard-rule-edit"),
    path("scorecard-rules/<int:pk>/delete/", scorecards.scorecard_rule_delete, name="scorecard-rule-delete"),
    path("scorecard-rules/<int:pk>/move/", scorecards.scorecard_rule_move, name="scorecard-rule-move"),
    path("sections/<int:pk>/move/", scorecards.section_move, name="section-move"),
    path("criteria/<int:pk>/move/", scorecards.criterion_move, name="criterion-move"),
    path("versions/<int:pk>/preview/", reviews.version_preview, name="version-preview"),
    path("versions/<int:pk>/preview/score/", reviews.version_preview_score, name="version-preview-score"),
    # Sampling
    path("sampling/", sampling.sampling, name="sampling"),
    path("sampling/<int:pk>/", sampling.sampling_detail, name="sampling-detail"),
    # Conversation browser (search, saved filters, review this)
    path("conversations/", browser.conversation_list, name="conversation-list"),
    path("conversations/<int:pk>/review/", browser.conversation_review, name="conversation-review"),
    path("conversations/saved/", browser.saved_filter_create, name="saved-filter-create"),
    path("conversations/saved/<int:pk>/delete/", browser.saved_filter_delete, name="saved-filter-delete"),
    # Calibration
    path("calibration/", calibration.session_list, name="calibration-list"),
    path("calibration/new/", calibration.session_create, name="calibration-create"),
    path("calibration/<int:pk>/", calibration.session_detail, name="calibration-detail"),
    path("calibration/<int:pk>/results/", calibration.session_results, name="calibration-results"),
    path("calibration/<int:pk>/close/", calibration.session_close, name="calibration-close"),
    path("calibration/<int:pk>/discussions/", calibration.discussion_save, name="calibration-discussion"),
    path("calibration/discussions/<int:pk>/promote/", calibration.discussion_promote, name="calibration-promote"),
    path("calibration/assignments/<int:pk>/revise/", calibration.answer_revise, name="calibration-revise"),
    path("calibration/gold-sets/", calibration.gold_set_list, name="calibration-gold-list"),
    path("calibration/gold-sets/<int:pk>/", calibration.gold_set_detail, name="calibration-gold-detail"),
    path("calibration/reviewers/<int:pk>/", calibration.reviewer_history, name="calibration-history"),
    path("calibration/vendors/", calibration.vendor_view, name="calibration-vendors"),
]
