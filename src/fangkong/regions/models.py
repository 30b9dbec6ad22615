from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.core import region_codes as codes


class Level(models.TextChoices):
    PROVINCE = codes.PROVINCE, _("省")
    CITY = codes.CITY, _("市")
    COUNTY = codes.COUNTY, _("县（区）")
    TOWNSHIP = codes.TOWNSHIP, _("乡镇（街道）")
    VILLAGE = codes.VILLAGE, _("村（社区）")
    GRID = codes.GRID, _("网格")


class Region(models.Model):
    """An administrative division, keyed by its statistical code.

    The code is the primary key, so every other table's `region_id` column holds the code
    itself and a subtree filter on it needs no join (see `fangkong.core.region_codes.within`).
    """

    code = models.CharField(_("区划代码"), max_length=codes.MAX_LENGTH, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return codes.prefix_of(self.code, self.level)

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)

