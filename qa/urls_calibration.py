"""URLs of calibration sessions, added to qa/urls.py (namespace "qa")."""

from django.urls import path

from qa import views_calibration as views

urlpatterns = [
    path("calibration/", views.session_list, name="calibration-list"),
    path("calibration/new/", views.session_create, name="calibration-create"),
    path("calibration/<int:pk>/", views.session_detail, name="calibration-detail"),
    path("calibration/<int:pk>/results/", views.session_results, name="calibration-results"),
    path("calibration/<int:pk>/close/", views.session_close, name="calibration-close"),
    path("calibration/<int:pk>/discussions/", views.discussion_save, name="calibration-discussion"),
    path("calibration/discussions/<int:pk>/promote/", views.discussion_promote, name="calibration-promote"),
    path("calibration/assignments/<int:pk>/revise/", views.answer_revise, name="calibration-revise"),
    path("calibration/gold-sets/", views.gold_set_list, name="calibration-gold-list"),
    path("calibration/gold-sets/<int:pk>/", views.gold_set_detail, name="calibration-gold-detail"),
    path("calibration/reviewers/<int:pk>/", views.reviewer_history, name="calibration-history"),
    path("calibration/vendors/", views.vendor_view, name="calibration-vendors"),
]
