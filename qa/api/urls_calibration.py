from rest_framework.routers import SimpleRouter

from qa.api.calibration import CalibrationSessionViewSet

router = SimpleRouter()
router.register("calibration-sessions", CalibrationSessionViewSet, basename="calibration-session")

urlpatterns = router.urls
