from rest_framework.routers import DefaultRouter

from qa.api import views

router = DefaultRouter()
router.register("scorecard-templates", views.ScorecardTemplateViewSet, basename="scorecard-template")
router.register("reviews", views.ReviewViewSet, basename="review")

urlpatterns = router.urls

from qa.api.urls_calibration import urlpatterns as calibration_urlpatterns  # noqa: E402

urlpatterns += calibration_urlpatterns
