"""The reports app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={"report_draft": _("保存每日一报草稿"), "report_submitted": _("报送每日一报"),
             "report_resubmitted": _("重新报送每日一报"), "report_returned": _("退回每日一报"),
             "report_settings": _("设置报送截止时间")},
    object_types={"daily_report_submitted": _("每日一报"), "daily_report_summary": _("每日一报汇总表")},
)
