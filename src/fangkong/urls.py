from django.urls import include, path

from .api import api
from .places.views import check_in

urlpatterns = [
    path("", include("fangkong.core.urls")),
    # early: every API request is resolved through the patterns above it
    path("api/", api.urls),
    path("accounts/", include("fangkong.accounts.urls")),
    path("regions/", include("fangkong.regions.urls")),
    path("audit/", include("fangkong.audit.urls")),
    path("people/", include("fangkong.people.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("ledger/", include("fangkong.ledger.urls")),
    path("rollup/", include("fangkong.analytics.urls")),
    path("quarantine/", include("fangkong.quarantine.urls")),
    path("checkpoints/", include("fangkong.checkpoints.urls")),
    path("places/", include("fangkong.places.urls")),
    # the address place codes printed before places had their own pages hold: they keep working
    path("checkpoints/c/<str:token>/", check_in.check_in),
    path("risk-areas/", include("fangkong.risk_areas.urls")),
    path("tracing/", include("fangkong.tracing.urls")),
    path("medical/", include("fangkong.medical.urls")),
    path("reports/", include("fangkong.reports.urls")),
    path("reports/", include("fangkong.briefing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# a page's bad request (e.g. a day outside the accepted range) says why; under /api/ every error is JSON
# (core.middleware.JsonErrorsUnderApiMiddleware)
handler400 = "fangkong.core.views.bad_request"
# 503 with Retry-After instead of a 500 while the database cannot be reached (core.unavailable)
handler500 = "fangkong.core.views.server_error"
