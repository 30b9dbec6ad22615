"""Pages of tracing: the exposure search, check-in review and the reconciliation."""

from django.urls import path

from .views import (
    cases,
    chains,
    counted,
    epi,
    exposure,
    investigations,
    lab,
    matching,
    notices,
    reconciliation,
)
from .views import contacts as contact_views

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
    # the cases, contacts and ledger entries behind a figure of the epidemic situation
    path("counted/", counted.counted, name="counted"),
]

# cases and lab tests (views.cases, views.lab)
urlpatterns += [
    path("cases/", cases.case_list, name="cases"),
    path("cases/reveal/", cases.case_list_reveal, name="cases_reveal"),
    path("cases/report/", cases.case_report, name="case_report"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("cases/<int:pk>/reveal/", cases.case_reveal, name="case_reveal"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/reclassify/", cases.case_reclassify, name="case_reclassify"),
    path("cases/<int:pk>/outcome/", cases.case_outcome, name="case_outcome"),
    path("lab/", lab.lab_list, name="lab"),
    path("lab/samples/new/", lab.lab_sample, name="lab_sample"),
    path("lab/import/", lab.lab_import, name="lab_import"),
    path("lab/<int:pk>/result/", lab.lab_result, name="lab_result"),
    path("lab/<int:pk>/proposal/accept/", lab.proposal_accept, name="proposal_accept"),
    path("lab/<int:pk>/proposal/dismiss/", lab.proposal_dismiss, name="proposal_dismiss"),
]

# investigations and contacts (views.investigations, views.contacts)
urlpatterns += [
    path("investigations/", investigations.investigations, name="investigations"),
    path("cases/<int:pk>/investigation/", investigations.investigation, name="investigation"),
    path("investigations/<int:pk>/exposure/", investigations.save_exposure, name="investigation_exposure"),
    path("investigations/<int:pk>/reopen/", investigations.reopen, name="investigation_reopen"),
    path("investigations/<int:pk>/itinerary/", investigations.add_stop, name="itinerary_add"),
    path("itinerary/<int:pk>/remove/", investigations.remove_stop, name="itinerary_remove"),
    path("investigations/<int:pk>/candidates/confirm/", investigations.confirm, name="candidate_confirm"),
    path("investigations/<int:pk>/candidates/dismiss/", investigations.dismiss, name="candidate_dismiss"),
    path("investigations/<int:pk>/contacts/", investigations.add_contact, name="contact_add"),
    path("contacts/", contact_views.contacts, name="contacts"),
    path("contacts/<int:pk>/reveal/", contact_views.contact_reveal, name="contact_reveal"),
    path("handover/", contact_views.handover, name="handover"),
    path("handover/export/", contact_views.handover_export, name="handover_export"),
]

# chains, clusters, the epidemic curve and Rt (views.chains, views.epi)
urlpatterns += [
    path("cases/<int:pk>/chain/", chains.case_chain, name="case_chain"),
    path("cases/<int:pk>/chain/links/", chains.link_add, name="link_add"),
    path("cases/<int:pk>/chain/links/<int:link_pk>/remove/", chains.link_remove, name="link_remove"),
    path("clusters/", chains.cluster_list, name="clusters"),
    path("clusters/new/", chains.cluster_create, name="cluster_create"),
    path("clusters/<int:pk>/", chains.cluster_detail, name="cluster"),
    path("clusters/<int:pk>/cases/", chains.cluster_add, name="cluster_add"),
    path("clusters/<int:pk>/cases/<int:case_pk>/remove/", chains.cluster_remove, name="cluster_remove"),
    path("clusters/<int:pk>/merge/", chains.cluster_merge, name="cluster_merge"),
    path("clusters/<int:pk>/dissolve/", chains.cluster_dissolve, name="cluster_dissolve"),
    path("epi/", epi.epi_page, name="epi"),
    path("epi/curve.png", epi.curve_png, name="epi_curve_png"),
    path("epi/rt.png", epi.rt_png, name="epi_rt_png"),
]
