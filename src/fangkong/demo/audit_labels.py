"""The demo's audit entries in words (fangkong.audit.labels): what each generator wrote."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={"demo.screening": _("生成演示数据：摸排与台账"), "demo.quarantine": _("生成演示数据：隔离与随访"),
             "demo.checkpoints": _("生成演示数据：卡点与场所"), "demo.reports": _("生成演示数据：每日一报"), "demo.checks": _("生成演示数据：每日检查"),
             "demo.medical": _("生成演示数据：药店购药登记"), "demo.tracing": _("生成演示数据：病例与流调")},
    object_types={"demo": _("演示数据")},
    fields={
        "key_persons": _("重点人员"), "daily_checks": _("每日检查"), "household_visits": _("入户走访"),
        "orders": _("隔离"), "follow_ups": _("随访"), "overdue_now": _("当前逾期"), "fevers": _("发热"),
        "transfers": _("转送"), "transfers_open": _("待处理转送"),
        "checkpoints": _("卡点"), "shifts": _("值班"), "inspections": _("五有检查"), "places": _("重点场所"),
        "closures": _("关闭令"), "place_codes": _("场所码"), "passages": _("通行登记"), "check_ins": _("扫码登记"),
        "hygiene_logs": _("卫生记录"), "returnees_listed": _("列入台账的风险地区来人"),
        "hidden_returnees": _("未报告的风险地区来人"), "unlisted_found": _("核对发现未列入台账"),
        "reports": _("每日一报"), "late": _("迟报"), "returned": _("退回"), "resubmitted": _("重新报送"),
        "pharmacies": _("药店"), "purchases": _("购药登记"), "pending": _("待核实"),
        "traced_contacts": _("追踪密接"), "secondary_contacts": _("次密接"), "handover_contacts": _("外县密接（协查）"),
        "released_contacts": _("已解除医学观察"), "clusters": _("聚集性疫情"), "notices": _("病例活动轨迹"),
        "lab_tests": _("实验室检测"), "cases_confirmed": _("确诊病例"), "cases_asymptomatic": _("无症状感染者"),
        "cases_suspected": _("疑似病例"), "cases_excluded": _("已排除"), "cases_discharged": _("治愈出院"),
        "cases_died": _("死亡"), "cases_late": _("超时报告"),
    },
)
