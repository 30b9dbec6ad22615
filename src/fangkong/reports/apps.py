"""The daily report chain (每日一报): each level's signed report of the day, its deadline and its exports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "fangkong.reports"
    verbose_name = _("每日一报")

    def ready(self):
        from . import audit_labels, menu, periodic, today  # noqa: F401  audit labels, menu, late lists, its duty
