"""The checkpoints app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={
        "checkpoint.create": _("设立卡点"), "checkpoint.update": _("修改卡点"), "checkpoint.close": _("撤除卡点"),
        "checkpoint.reopen": _("恢复卡点"), "duty_shift.plan": _("安排值班"), "duty_shift.cancel": _("取消值班"),
        "five_haves.inspect": _("五有检查"), "passage.register": _("登记通行"), "passage.lookup": _("按证件号查询通行人员"),
    },
    fields={"person_created": _("新建人员"), "phone_added": _("补充手机号"), "person_moved_to": _("人员迁入"),
            "id_number": _("证件号码"), "id_type": _("证件类型"), "id_digest": _("证件号码摘要"), "found": _("查到"),
            "from_risk_area": _("来自风险地区"), "origin_code": _("来源地代码")},
)
