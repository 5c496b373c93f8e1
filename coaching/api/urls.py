from rest_framework.routers import DefaultRouter

from coaching.api import views

router = DefaultRouter()
router.register("coaching-plans", views.CoachingPlanViewSet, basename="coaching-plan")

urlpatterns = router.urls
