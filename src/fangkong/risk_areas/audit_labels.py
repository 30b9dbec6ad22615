"""The risk areas app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(actions={"risk_area.create": _("新增风险地区"), "risk_area.update": _("修改风险地区"),
                         "risk_area.delete": _("删除风险地区")})
