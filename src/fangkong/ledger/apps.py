"""Ledger import and export (台账导入导出): village Excel ledgers read into the key persons, and written out."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "fangkong.ledger"
    verbose_name = _("台账导入导出")

    def ready(self):
        from . import audit_labels, menu  # noqa: F401  register its audit labels and menu entries
