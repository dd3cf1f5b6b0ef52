from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from homeward.api import views
from homeward.casework.urls import CASEWORK_ROUTES
from homeward.dedup.api import ROUTES as DEDUP_ROUTES
from homeward.exchange.api import ROUTES as EXCHANGE_ROUTES
from homeward.geo.api import AreaViewSet
from homeward.registry.api import HouseholdViewSet, PersonViewSet
from homeward.results.api import ROUTES as RESULTS_ROUTES

# Swagger UI sets inline styles on its elements; its page alone may have them.
_docs_csp = {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")
router.register("jobs", views.JobViewSet, basename="job")
router.register("areas", AreaViewSet, basename="area")
router.register("households", HouseholdViewSet, basename="household")
router.register("people", PersonViewSet, basename="person")
for prefix, viewset, basename in [
    *CASEWORK_ROUTES,
    *RESULTS_ROUTES,
    *EXCHANGE_ROUTES,
    *DEDUP_ROUTES,
]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        csp_override(_docs_csp)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("", include(router.urls)),
]
