"""The daily report chain (每日一报).

"统一制定表格、统一报送程序、统一审核第一责任人": each village/community, township/street and the
county submits one `DailyReport` a day, built from the live roll-up figures plus a free-text
"situation and problems"; submitting freezes the figures (`figures` keeps them as they were),
headquarters may return it with a comment. `ReportSettings` holds the deadline headquarters set
(and the name the work brief is issued under).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")


class DailyReport(models.Model):
    """One region's report for one day. `figures` is {figure key: value} frozen at submission."""

    region = models.ForeignKey("regions.Region", verbose_name=_("报送单位"), on_delete=models.PROTECT,
                               related_name="+")
    day = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    situation = models.TextField(_("情况与问题"), blank=True)
    figures = models.JSONField(_("报送数据"), default=dict, blank=True)
    submitted_by = models.ForeignKey(User, verbose_name=_("报送人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    # submitted after the deadline of its day (kept once known, for the lateness statistics)
    late = models.BooleanField(_("逾期报送"), default=False)
    returned_by = models.ForeignKey(User, verbose_name=_("退回人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_comment = models.CharField(_("退回意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("每日一报")
        verbose_name_plural = _("每日一报")
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="one_report_per_region_day")]
        indexes = [models.Index(fields=["day", "region"], name="report_day_region"),
                   models.Index(fields=["day", "status"], name="report_day_status")]

    def __str__(self) -> str:  # by the region's name: the audit trail keeps it as the report's description
        return f"{self.region.name} {self.day:%Y-%m-%d}"


class ReportSettings(models.Model):
    """What headquarters set for the chain of its region (usually the county): the daily deadline
    and the name the brief is issued under."""

    region = models.OneToOneField("regions.Region", on_delete=models.CASCADE, related_name="+")
    deadline = models.TimeField(_("每日报送截止时间"), default=datetime.time(16, 0))
    issuer = models.CharField(_("简报发布单位"), max_length=100, blank=True,
                              help_text=_("如：孝昌县新型冠状病毒肺炎疫情防控指挥部"))
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("报送设置")
        verbose_name_plural = _("报送设置")

    def __str__(self) -> str:
        return f"{self.region.name} {self.deadline:%H:%M}"
