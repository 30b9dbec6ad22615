"""Risk areas (疫区/风险地区): the reference list every arrival is tested against."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class RiskAreaQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> "RiskAreaQuerySet":
        """The areas in force on `day`: from `valid_from` to `valid_until`, both inclusive (open-ended when empty)."""
        return self.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day), valid_from__lte=day)


class RiskArea(models.Model):
    """A risk area (疫区/风险地区) by the statistical code prefix of any region in China: 2 digits a
    province, 4 a city, 6 a county. Arrivals whose origin code starts with it, between `valid_from`
    and `valid_until` (open-ended when empty), are arrivals from a risk area."""

    code = models.CharField(_("区划代码"), max_length=12)
    name = models.CharField(_("名称"), max_length=100)
    valid_from = models.DateField(_("起始日期"))
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RiskAreaQuerySet.as_manager()

    class Meta:
        db_table = "checkpoints_riskarea"
        verbose_name = _("风险地区")
        verbose_name_plural = _("风险地区")
        ordering = ["code", "valid_from"]

    def __str__(self) -> str:
        return self.name

    def active_on(self, day: datetime.date) -> bool:
        """In force on `day`: the same rule as `RiskArea.objects.active_on`."""
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)


