"""Isolation and follow-up (隔离观察与随访): orders, twice-daily follow-ups, observation sites, transfers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarantineConfig(AppConfig):
    name = "fangkong.quarantine"
    verbose_name = _("隔离观察与随访")

    def ready(self):
        from fangkong.core import partitions
        from fangkong.core.health import handle_fevers

        from . import audit_labels, links, menu, periodic, rollup, today  # noqa: F401  audit labels, link rules, menu, jobs, counters, duties
        from .models import FollowUp
        from .services.fevers import handle_fever

        partitions.register("follow_ups", FollowUp, "due_at")  # by month on PostgreSQL, with its retention
        handle_fevers(handle_fever)  # a fever found by any register opens the transfer to the fever clinic
