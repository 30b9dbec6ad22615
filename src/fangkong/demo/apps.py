"""Demo data (演示数据): `fangkong demo-data` builds a synthetic county, one generator module per area."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "fangkong.demo"
    verbose_name = _("演示数据")

    def ready(self):
        from . import audit_labels  # noqa: F401  the audit trail's words for its entries
