from django.urls import path

from imports.api import views

urlpatterns = [
    path("interactions/bulk/", views.InteractionBulkView.as_view(), name="interactions-bulk"),
]
