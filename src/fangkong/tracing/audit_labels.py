"""The tracing app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={"exposure.search": _("时空伴随排查"), "check_in.match": _("核对扫码登记人员"),
             "check_in.unmatch": _("撤销扫码登记核对"), "reconciliation.run": _("来人核对")},
    object_types={"exposure_contacts": _("时空伴随人员名单"), "reconciliation": _("来人核对")},
    fields={"start": _("开始时间"), "end": _("结束时间"), "window_minutes": _("前后分钟数"),
            "presences": _("到访记录"), "contacts": _("时空伴随人员"), "window_from": _("核对起始"),
            "window_to": _("核对截止"), "hours": _("小时数"), "arrivals": _("来人"), "listed": _("已列入台账"),
            "unlisted": _("未列入台账"), "opened": _("新建任务"), "already_open": _("已有任务"),
            "dealt_with": _("已处理"), "destination_unknown": _("去向不明"), "closed": _("关闭任务")},
)


# the public itinerary notice (services.notices)
labels.register(
    actions={"notice.draft": _("起草病例活动轨迹"), "notice.edit": _("修改病例活动轨迹"),
             "notice.publish": _("发布病例活动轨迹"), "notice.withdraw": _("撤回病例活动轨迹")},
    object_types={"itinerary_notice": _("病例活动轨迹（Word）")},
    fields={"withheld": _("含个人信息未写入的行程")},
)

# cases and lab tests (services.cases, services.lab)
labels.register(
    actions={"case.report": _("报告病例"), "case.reclassify": _("订正病例分类"), "case.update": _("修改病例信息"),
             "case.discharged": _("病例治愈出院"), "case.died": _("病例死亡"), "lab_test.sample": _("采样登记"),
             "lab_test.result": _("录入检测结果"), "lab_test.proposal": _("决定阳性结果建议"),
             "lab_test.import": _("导入检测结果")},
    object_types={"lab_results": _("检测结果清单")},
    # the ledger import's keys (file, rows_read, created, updated, errors, keep_valid) keep the ledger's labels
    fields={"reason": _("理由"), "proposal": _("分类建议"), "case": _("病例"), "lab": _("检测机构"),
            "unchanged": _("未变化"), "proposals": _("阳性待决定")},
)

# investigations and contacts (services.investigations, services.contacts)
labels.register(
    actions={"investigation.open": _("开始流调"), "investigation.update": _("修改流调"),
             "investigation.complete": _("完成流调"), "investigation.reopen": _("重新打开流调"),
             "itinerary.add": _("添加行程"), "itinerary.update": _("修改行程"), "itinerary.remove": _("删除行程"),
             "contact.confirm": _("确认密接"), "contact.dismiss": _("排除候选密接"),
             "contact.handover": _("发出协查函"), "contact.reveal": _("查看密接完整号码")},
    object_types={"tracing_handover": _("协查函名单")},
    fields={"county": _("协查县（市、区）"), "handed_over": _("发出协查函的密接"), "format": _("文件格式"),
            "include_sent": _("含已发出的")},
)

# transmission links and clusters (services.chains)
labels.register(
    actions={"transmission_link.add": _("登记传播关系"), "transmission_link.change": _("修改传播关系"),
             "transmission_link.remove": _("删除传播关系"), "cluster.create": _("登记聚集性疫情"),
             "cluster.add_cases": _("聚集性疫情加入病例"), "cluster.remove_case": _("聚集性疫情移出病例"),
             "cluster.merge": _("合并聚集性疫情"), "cluster.dissolve": _("撤销聚集性疫情")},
    fields={"cases": _("病例"), "merged": _("并入的聚集性疫情"), "merged_id": _("并入的聚集性疫情编号")},
)
