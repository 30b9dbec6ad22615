"""Pages of the daily report chain (每日一报报送), under /reports/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.chain, name="chain"),
    path("settings/", views.chain_settings, name="chain_settings"),
    path("summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("daily/<str:region>/<str:day>/", views.report, name="report"),
    path("daily/<str:region>/<str:day>/submit/", views.report_submit, name="report_submit"),
    path("daily/<str:region>/<str:day>/return/", views.report_return, name="report_return"),
    path("daily/<str:region>/<str:day>/report.xlsx", views.report_xlsx, name="report_xlsx"),
]
