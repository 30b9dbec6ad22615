"""The headquarters dashboard (指挥部看板) and the daily work brief (工作简报), from the roll-up and the chain."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BriefingConfig(AppConfig):
    name = "fangkong.briefing"
    label = "briefing"
    verbose_name = _("指挥部看板与工作简报")

    def ready(self):
        from . import audit_labels, menu  # noqa: F401  register its audit labels and menu entries
