from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("team/", views.team_dashboard, name="team-dashboard"),
    path("vendors/", views.vendor_comparison, name="vendor-comparison"),
    path("agents/<int:pk>/", views.agent_dashboard, name="agent-dashboard"),
    path("me/", views.my_dashboard, name="my-dashboard"),
    path("hiring/", views.hiring_dashboard, name="hiring-dashboard"),
]
