"""Pages of tracing: the exposure search, check-in review and the reconciliation."""

from django.urls import path

from .views import exposure, matching, reconciliation

app_name = "tracing"
urlpatterns = [
    path("exposure/", exposure.exposure, name="exposure"),
    path("exposure/export/", exposure.exposure_export, name="exposure_export"),
    path("exposure/reveal/", exposure.exposure_reveal, name="exposure_reveal"),
    path("check-ins/<int:pk>/match/", matching.check_in_match, name="check_in_match"),
    path("check-ins/<int:pk>/unmatch/", matching.check_in_unmatch, name="check_in_unmatch"),
    path("reconciliation/", reconciliation.reconciliation, name="reconciliation"),
    path("reconciliation/run/", reconciliation.run, name="reconciliation_run"),
]
