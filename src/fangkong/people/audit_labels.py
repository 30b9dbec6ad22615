"""The people app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={
        "person.create": _("新建人员"), "person.update": _("修改人员"), "person.reveal": _("查看完整证件号码或手机号"),
        "person.household": _("调整所属户"), "person.merge": _("合并人员"), "person.merged_into": _("并入其他人员"),
        "household.create": _("新建户"), "household.update": _("修改户"),
        "registration_review.submit": _("提交登记核实"), "registration_review.accept": _("登记核实通过"),
        "registration_review.reject": _("登记核实不通过"),
    },
    fields={"id_ref": _("证件号码校验值"), "phone_ref": _("手机号校验值"), "fields": _("查看的内容"),
            "purpose": _("用途"), "merged_id": _("并入的人员编号"), "kept_id": _("保留的人员编号"),
            "moved": _("转移的记录"), "submission": _("登记内容"), "person": _("人员")},
)
