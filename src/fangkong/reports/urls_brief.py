"""Pages of the headquarters dashboard and the work brief, under /reports/."""

from django.urls import path

from . import views_brief

urlpatterns = [
    path("dashboard/", views_brief.dashboard_page, name="dashboard"),
    path("brief/", views_brief.brief_page, name="brief"),
    path("brief/docx/", views_brief.brief_docx, name="brief_docx"),
    path("brief/next-steps/", views_brief.brief_next_steps, name="brief_next_steps"),
    path("brief/template/", views_brief.brief_template, name="brief_template"),
    path("brief/template/upload/", views_brief.brief_template_upload, name="brief_template_upload"),
    path("brief/template/revert/", views_brief.brief_template_revert, name="brief_template_revert"),
]
