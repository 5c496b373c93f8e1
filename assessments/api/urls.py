from rest_framework.routers import DefaultRouter

from assessments.api import views

router = DefaultRouter()
router.register("requisitions", views.RequisitionViewSet, basename="requisition")
router.register("candidates", views.CandidateViewSet, basename="candidate")

urlpatterns = router.urls
