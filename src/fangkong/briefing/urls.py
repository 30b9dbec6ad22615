"""Pages of the headquarters dashboard and the work brief, under /reports/ beside the report chain's."""

from django.urls import path

from . import views

app_name = "briefing"
urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("brief/", views.brief_page, name="brief"),
    path("brief/docx/", views.brief_docx, name="brief_docx"),
    path("brief/next-steps/", views.brief_next_steps, name="brief_next_steps"),
    path("brief/template/", views.brief_template, name="brief_template"),
    path("brief/template/upload/", views.brief_template_upload, name="brief_template_upload"),
    path("brief/template/revert/", views.brief_template_revert, name="brief_template_revert"),
]
