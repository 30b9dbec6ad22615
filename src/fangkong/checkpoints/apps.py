"""Roadside checkpoints (卡点): duty shifts, five-haves inspections and the passages registered there."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "fangkong.checkpoints"
    verbose_name = _("卡点")

    def ready(self):
        from fangkong.core import partitions

        from . import audit_labels, links, menu, rollup  # noqa: F401  audit labels, link rules, menu, counters
        from .models import Passage

        partitions.register("passages", Passage, "passed_at")  # by month on PostgreSQL, with its retention
