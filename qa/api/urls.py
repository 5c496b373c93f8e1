from rest_framework.routers import SimpleRouter

from qa.api import views

router = SimpleRouter()
router.register("scorecard-templates", views.ScorecardTemplateViewSet, basename="scorecard-template")
router.register("reviews", views.ReviewViewSet, basename="review")

urlpatterns = router.urls

from qa.api.urls_calibration import urlpatterns as calibration_urlpatterns  # noqa: E402

urlpatterns += calibration_urlpatterns
