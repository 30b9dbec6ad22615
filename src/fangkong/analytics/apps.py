"""Statistics (统计): the counters every app feeds and the figures of the daily roll-up table read from them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "fangkong.analytics"
    verbose_name = _("统计")

    def ready(self):
        from . import audit_labels, menu, periodic  # noqa: F401  its audit labels, menu entries, nightly check
