"""The quarantine app's audit entries in words (fangkong.audit.labels)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

from .models import QuarantineStatus, Symptom, TransferStatus

labels.register(
    actions={
        "quarantine.start": _("开始隔离"), "quarantine.planned_end": _("修改计划解除时间"),
        "quarantine.assign": _("指定包保干部和医生"), "quarantine.test": _("记录核酸检测"),
        "quarantine.check_in": _("入住观察点"), "quarantine.check_out": _("离开观察点"),
        **{f"quarantine.{status}": format_lazy("{}：{}", _("结束隔离"), label)
           for status, label in QuarantineStatus.choices if status != QuarantineStatus.ACTIVE},
        "quarantine_policy.update": _("修改隔离政策"), "follow_up.record": _("记录随访"),
        "follow_up.excuse": _("说明未随访"), "observation_site.create": _("设立观察点"),
        "observation_site.add_room": _("增加房间"), "observation_site.room_capacity": _("修改房间床位"),
        "transfer_request.open": _("提请转送发热门诊"), "transfer_request.assign": _("指派转送"),
        **{f"transfer_request.{status}": format_lazy("{}：{}", _("转送"), label)
           for status, label in TransferStatus.choices if status not in (TransferStatus.OPEN, TransferStatus.ASSIGNED)},
    },
    object_types={"quarantine_notice": _("隔离告知书"), "quarantine_pledge": _("隔离承诺书")},
    fields={"room": _("房间"), "capacity": _("床位"), "rooms": _("房间数"), "sampled_at": _("采样时间"),
            "result": _("检测结果"), "reveal": _("显示完整证件号码"), "quarantine": _("隔离")},
    values={"symptoms": Symptom.choices},
)
