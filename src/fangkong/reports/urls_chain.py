"""Pages of the daily report chain (每日一报报送), under /reports/."""

from django.urls import path

from . import views_chain

urlpatterns = [
    path("", views_chain.chain, name="chain"),
    path("settings/", views_chain.chain_settings, name="chain_settings"),
    path("summary.xlsx", views_chain.summary_xlsx, name="summary_xlsx"),
    path("daily/<str:region>/<str:day>/", views_chain.report, name="report"),
    path("daily/<str:region>/<str:day>/submit/", views_chain.report_submit, name="report_submit"),
    path("daily/<str:region>/<str:day>/return/", views_chain.report_return, name="report_return"),
    path("daily/<str:region>/<str:day>/report.xlsx", views_chain.report_xlsx, name="report_xlsx"),
]
