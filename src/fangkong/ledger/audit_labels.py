"""The ledger app's audit entries in words (fangkong.audit.labels): imports and exports of the ledger."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={"ledger.import": _("导入台账"), "person.import": _("台账导入新建人员"),
             "daily_check.import": _("台账导入每日检查")},
    object_types={"ledger": _("台账")},
    fields={"file": _("文件"), "rows_read": _("读取行数"), "created": _("新建"), "updated": _("更新"),
            "duplicates": _("重复"), "pending": _("待核实"), "errors": _("错误"), "keep_valid": _("保留有效行"),
            "persons": _("人员"), "key_persons": _("台账条目"), "ledger": _("台账"), "key_person": _("台账条目"),
            "registered": _("新登记"), "changed": _("修改"), "checks": _("每日检查"), "as_of": _("表格日期"),
            "daily_checks": _("每日检查"), "corrected_checks": _("更正的检查")},
)
