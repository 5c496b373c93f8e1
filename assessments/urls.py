from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.requisition_list, name="requisition-list"),
    path("requisitions/new/", views.requisition_create, name="requisition-create"),
    path("requisitions/<int:pk>/", views.requisition_board, name="requisition-board"),
    path("requisitions/<int:pk>/edit/", views.requisition_edit, name="requisition-edit"),
    path("requisitions/<int:pk>/kits/", views.requisition_kits, name="requisition-kits"),
    path("requisitions/<int:pk>/compare/", views.requisition_compare, name="requisition-compare"),
    path("requisitions/<int:pk>/test-email/", views.requisition_test_email, name="requisition-test-email"),
    path("requisitions/<int:pk>/candidates/new/", views.candidate_create, name="candidate-create"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate-detail"),
    path("candidates/<int:pk>/cv/", views.candidate_cv, name="candidate-cv"),
    path("candidates/<int:pk>/move/", views.candidate_move, name="candidate-move"),
    path("candidates/<int:pk>/links/", views.candidate_issue_link, name="candidate-issue-link"),
    path("candidates/<int:pk>/links/email/", views.candidate_email_link, name="candidate-email-link"),
    path("candidate-tests/<int:pk>/email/", views.candidate_test_email, name="candidate-test-email"),
    path("candidates/<int:pk>/reject/", views.candidate_reject, name="candidate-reject"),
    path("candidates/<int:pk>/hire/", views.candidate_hire, name="candidate-hire"),
    path("candidates/<int:pk>/scorecard/", views.candidate_scorecard, name="candidate-scorecard"),
    path("candidates/<int:pk>/interviews/", views.interview_start, name="interview-start"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview-detail"),
    path("interviews/<int:pk>/ratings/", views.rating_save, name="rating-save"),
    path("interviews/<int:pk>/submit/", views.interview_submit, name="interview-submit"),
    path("questions/", views.question_bank, name="question-bank"),
    path("report/", views.predictive_report, name="report"),
    path("t/<str:token>/", views.take_test, name="take-test"),
    path("t/<str:token>/save/", views.take_save, name="take-save"),
    path("t/<str:token>/submit/", views.take_submit, name="take-submit"),
]
