"""The work brief (工作简报): one `Brief` per issue, written from the data through a Word template
(`BriefTemplate`) that headquarters staff can replace without touching code.

The tables keep the names they were created under in the reports app (`db_table`): the models moved,
the rows did not.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class BriefTemplate(models.Model):
    """A Word template of the brief (docxtpl placeholders) uploaded by headquarters; the newest
    active one is used, the shipped default when there is none."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    content = models.BinaryField(_("模板文件"))
    is_active = models.BooleanField(_("启用"), default=True)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reports_brieftemplate"
        verbose_name = _("简报模板")
        verbose_name_plural = _("简报模板")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Brief(models.Model):
    """One issue (期) of the work brief of a region for a day: its number and the editable
    "next steps" text; the document itself is generated from the data on demand."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    issue_number = models.PositiveIntegerField(_("期号"))
    next_steps = models.TextField(_("下步工作"), blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reports_brief"
        verbose_name = _("工作简报")
        verbose_name_plural = _("工作简报")
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="one_brief_per_region_day"),
                       models.UniqueConstraint(fields=["region", "issue_number"], name="brief_issue_unique")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.day:%Y-%m-%d} 第{self.issue_number}期"
