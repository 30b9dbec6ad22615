"""The places app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={
        "place.create": _("登记场所"), "place.update": _("修改场所"), "place.close": _("关闭场所"),
        "place.reopen": _("恢复开放场所"), "hygiene_log.create": _("记录清洗消毒"), "hygiene_log.correct": _("更正卫生记录"),
        "place_code.issue": _("生成场所码"), "place_code.reissue": _("重新生成场所码"),
        "place_code.withdraw": _("作废场所码"), "check_in.create": _("扫码登记"),
    },
    fields={"visitor_ref": _("来访者编号"), "with_id_number": _("填写了证件号码"),
            "from_risk_area": _("来自风险地区"), "origin_code": _("来源地代码")},
)
