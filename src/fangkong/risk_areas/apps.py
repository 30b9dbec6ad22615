"""Risk areas (风险地区): the reference list of regions arrivals are tested against, kept by headquarters."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskAreasConfig(AppConfig):
    name = "fangkong.risk_areas"
    verbose_name = _("风险地区")

    def ready(self):
        from . import audit_labels  # noqa: F401  the audit trail's words for its entries
