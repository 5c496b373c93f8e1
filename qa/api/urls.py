from rest_framework.routers import DefaultRouter

router = DefaultRouter()

urlpatterns = router.urls

from qa.api.urls_calibration import urlpatterns as calibration_urlpatterns  # noqa: E402

urlpatterns += calibration_urlpatterns
