"""The analytics app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

from .figures import FIGURES

labels.register(
    actions={"rebuild_counters": _("重算计数")},
    object_types={"daily_report": _("每日一报汇总表")},
    fields={"counters": _("计数")},
    # a daily report keeps its figures by key: the columns every app adds to the roll-up
    field_source=lambda: {figure.key: figure.heading for figure in FIGURES},
)
