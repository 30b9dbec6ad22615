"""Screening and the ledger (摸排与台账): sweeps, key persons, daily checks and arrival tasks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "fangkong.screening"
    verbose_name = _("摸排与台账")

    def ready(self):
        from . import audit_labels, links, menu, periodic, rollup, today  # noqa: F401  audit labels, link rules, menu, jobs, counters, duties
        from .services import key_persons  # noqa: F401  registers the ledger registration's review
