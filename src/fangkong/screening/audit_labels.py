"""The screening app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

from .models import Category

labels.register(
    actions={
        "key_person.register": _("登记重点人员"), "key_person.update": _("修改重点人员"),
        "key_person.status": _("变更重点人员状态"), "key_person.delete": _("删除重点人员"),
        "daily_check.record": _("记录每日检查"), "daily_check.update": _("修改每日检查"),
        "daily_check.delete": _("删除每日检查"), "sweep.create": _("新建摸排"),
        "household_visit.record": _("记录入户走访"), "household_visit.update": _("修改入户走访"),
        "household_visit.delete": _("删除入户走访"), "arrival_task.open": _("新建来人核查任务"),
        "arrival_task.update": _("更新来人核查任务"), "arrival_task.close": _("完成来人核查任务"),
    },
    values={"category": Category.choices},
)
