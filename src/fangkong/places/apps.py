"""Key places (重点场所): closures, daily hygiene logs, place codes and the public check-in behind them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "fangkong.places"
    verbose_name = _("重点场所")

    def ready(self):
        from fangkong.core import partitions

        from . import audit_labels, links, menu, rollup  # noqa: F401  audit labels, link rules, menu, counters
        from .models import CheckIn
        from .selectors import check_ins  # noqa: F401  connects the place-code cache to the writes that clear it

        partitions.register("check_ins", CheckIn, "checked_in_at")  # by month on PostgreSQL, with its retention
