from django.urls import path

from qa import views

app_name = "qa"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/score/", views.review_score, name="review-score"),
    path("reviews/<int:pk>/autosave/", views.review_autosave, name="review-autosave"),
    path("reviews/<int:pk>/acknowledge/", views.review_acknowledge, name="review-acknowledge"),
    path("reviews/<int:pk>/dispute/", views.review_dispute, name="review-dispute"),
    path("reviews/<int:pk>/resolve/", views.review_resolve, name="review-resolve"),
    path("my-reviews/", views.my_reviews, name="my-reviews"),
    path("agents/", views.agent_list, name="agent-list"),
    path("agents/<int:pk>/", views.agent_reviews, name="agent-reviews"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/<int:pk>/", views.template_detail, name="template-detail"),
    path("versions/<int:pk>/", views.version_detail, name="version-detail"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version-edit"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version-publish"),
    path("versions/<int:pk>/what-if/", views.version_whatif, name="version-whatif"),
    path("versions/<int:pk>/sections/", views.section_create, name="section-create"),
    path("versions/<int:pk>/criteria/new/", views.criterion_create, name="criterion-create"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section-delete"),
    path("criteria/<int:pk>/", views.criterion_update, name="criterion-update"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion-delete"),
    path("sampling/", views.sampling, name="sampling"),
    path("sampling/<int:pk>/", views.sampling_detail, name="sampling-detail"),
]

from qa.urls_calibration import urlpatterns as calibration_urlpatterns  # noqa: E402

urlpatterns += calibration_urlpatterns
