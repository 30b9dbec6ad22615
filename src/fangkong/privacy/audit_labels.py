"""The purge's audit entry in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={"privacy.purge": _("清除个人信息")},
    object_types={"purge": _("个人信息清除")},
    fields={"before_day": _("清除此日期之前"), "erased": _("清除的记录"), "audit_entries": _("改写的审计记录"),
            "files": _("删除的文件")},
)
