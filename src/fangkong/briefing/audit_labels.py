"""The briefing app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={"brief.issue": _("印发工作简报"), "brief.next_steps": _("修改简报下一步工作"),
             "brief.template_upload": _("上传简报模板"), "brief.template_revert": _("恢复默认简报模板")},
    object_types={"brief_template": _("简报模板")},
    fields={"issue_number": _("期号"), "bytes": _("文件大小（字节）"), "deactivated": _("停用的模板")},
)
