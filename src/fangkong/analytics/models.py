from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCounter(models.Model):
    """One figure of one region on one day, kept by the services as they write.

    Each write adds its contribution to its own region and to every ancestor, so a
    county's figure is one row and a table of its townships is one row per township:
    reads never scan people, checks or passages.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    metric = models.CharField(max_length=60)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("每日计数")
        verbose_name_plural = _("每日计数")
        constraints = [models.UniqueConstraint(fields=["region", "day", "metric"], name="counter_unique")]
        indexes = [models.Index(fields=["day", "region"], name="counter_day_region")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day} {self.metric}={self.value}"
