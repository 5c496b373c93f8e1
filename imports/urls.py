from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("files/<int:pk>/", views.file_start, name="file-start"),
    path("files/<int:pk>/profile/", views.profile_builder, name="profile-builder"),
    path("profiles/", views.profile_list, name="profile-list"),
    path("profiles/new/", views.profile_edit, name="profile-create"),
    path("profiles/<int:pk>/edit/", views.profile_edit, name="profile-edit"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run-progress"),
    path("runs/<int:pk>/repeat/", views.run_repeat, name="run-repeat"),
    path("runs/<int:pk>/errors.csv", views.run_errors_csv, name="run-errors"),
    path("runs/<int:pk>/file/", views.run_file, name="run-file"),
    path("runs/<int:pk>/undo/", views.run_undo, name="run-undo"),
]
