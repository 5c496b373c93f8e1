"""Every page of qa (namespace "qa"), by topic."""

from django.urls import path

from qa.calibration import views as calibration
from qa.disputes import views as disputes
from qa.reviews import views as reviews
from qa.sampling import views as sampling
from qa.scorecards import views as scorecards

app_name = "qa"

urlpatterns = [
    # Reviews
    path("", reviews.queue, name="queue"),
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
    # Sampling
    path("sampling/", sampling.sampling, name="sampling"),
    path("sampling/<int:pk>/", sampling.sampling_detail, name="sampling-detail"),
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
