"""The audit trail (审计): who changed what, when, before and after; every write, reveal and export."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "fangkong.audit"
    verbose_name = _("审计")

    def ready(self):
        from fangkong.core import partitions

        from . import audit_labels, menu  # noqa: F401  register its audit labels and menu entries
        from .models import AuditEntry

        partitions.register("audit", AuditEntry, "at")  # by month on PostgreSQL, with its retention
