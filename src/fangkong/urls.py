from django.urls import include, path

from .api import api

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
    path("reports/", include("fangkong.reports.urls")),
    path("reports/", include("fangkong.briefing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

# a page's bad request (e.g. a day outside the accepted range) says why; under /api/ every error is JSON
# (core.middleware.JsonErrorsUnderApiMiddleware)
handler400 = "fangkong.core.views.bad_request"
