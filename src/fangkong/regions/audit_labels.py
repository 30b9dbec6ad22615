"""The regions app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={"region.import": _("导入区划代码表"), "region.rename": _("修改区划名称")},
    fields={"created": _("新建"), "updated": _("更新")},
)
