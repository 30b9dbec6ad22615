"""Tracing (流调溯源): the exposure search, confirming check-ins, and the "no one missed" reconciliation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracingConfig(AppConfig):
    name = "fangkong.tracing"
    verbose_name = _("流调溯源")

    def ready(self):
        from . import audit_labels, menu, periodic, rollup  # noqa: F401  audit labels, menu entries, its job, counters and figures
