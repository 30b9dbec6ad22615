"""Pages of tracing: the exposure search, check-in review and the reconciliation."""

from django.urls import path

from .views import exposure, matching, notices, reconciliation

app_name = "tracing"
urlpatterns = [
    path("exposure/", exposure.exposure, name="exposure"),
    path("exposure/export/", exposure.exposure_export, name="exposure_export"),
    path("exposure/reveal/", exposure.exposure_reveal, name="exposure_reveal"),
    path("check-ins/<int:pk>/match/", matching.check_in_match, name="check_in_match"),
    path("check-ins/<int:pk>/unmatch/", matching.check_in_unmatch, name="check_in_unmatch"),
    path("reconciliation/", reconciliation.reconciliation, name="reconciliation"),
    path("reconciliation/run/", reconciliation.run, name="reconciliation_run"),
    path("notices/", notices.notices, name="notices"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<int:pk>/", notices.notice, name="notice"),
    path("notices/<int:pk>/publish/", notices.notice_publish, name="notice_publish"),
    path("notices/<int:pk>/withdraw/", notices.notice_withdraw, name="notice_withdraw"),
    path("notices/<int:pk>/docx/", notices.notice_docx, name="notice_docx"),
    # no account: the published notices of a county, for the public
    path("public/<str:code>/", notices.public_notices, name="public_notices"),
]
