from django.urls import path

from coaching import views

app_name = "coaching"

urlpatterns = [
    path("my-plan/", views.my_plan, name="my-plan"),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/goals/new/", views.goal_create, name="goal-create"),
    path("plans/<int:pk>/activities/new/", views.assignment_create, name="assignment-create"),
    path("plans/<int:pk>/sessions/new/", views.session_create, name="session-create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal-edit"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/acknowledge/", views.session_acknowledge, name="session-acknowledge"),
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/publish/", views.activity_publish, name="activity-publish"),
    path("activities/<int:pk>/impact/", views.activity_impact, name="activity-impact"),
    path("suggestions/", views.suggestion_list, name="suggestion-list"),
    path("suggestions/refresh/", views.suggestion_refresh, name="suggestion-refresh"),
    path("suggestions/<int:pk>/accept/", views.suggestion_accept, name="suggestion-accept"),
    path("suggestions/<int:pk>/dismiss/", views.suggestion_dismiss, name="suggestion-dismiss"),
    path("suggestions/dismiss/", views.suggestion_dismiss_bulk, name="suggestion-dismiss-bulk"),
    path("targets/", views.target_list, name="target-list"),
    path("teams/<int:pk>/targets/", views.team_targets, name="team-targets"),
]
