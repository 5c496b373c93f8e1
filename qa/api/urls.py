"""Every endpoint of the qa API (included under /api/v1/ by skillhub/urls.py)."""

from rest_framework.routers import SimpleRouter

from qa.api import autoqa, views
from qa.calibration.api import CalibrationSessionViewSet

router = SimpleRouter()
router.register("scorecard-templates", views.ScorecardTemplateViewSet, basename="scorecard-template")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("auto-reviews", autoqa.AutoReviewViewSet, basename="auto-review")
router.register("auto-criteria", autoqa.AutoCriterionViewSet, basename="auto-criterion")
router.register("calibration-sessions", CalibrationSessionViewSet, basename="calibration-session")

urlpatterns = router.urls
