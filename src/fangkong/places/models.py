"""Key places and place codes (重点场所、场所码).

- `Place` (重点场所) with its `ClosureOrder`s and daily `HygieneLog`s (一日一清洗、一日一消毒、一日一巡查).
- `PlaceCode`: the QR code of a place or a roadside checkpoint; scanning it leads to the public check-in
  page, which stores a `CheckIn` (who the visitor said they are + place/checkpoint + time); tracing staff
  link it to a person after review (fangkong.tracing).

Check-ins are a big append-only table (tens of millions in a city): every read of it is an index range,
by (place, time), (checkpoint, time) or (person, time).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.checkpoints.models import Checkpoint
from fangkong.people import identity

User = settings.AUTH_USER_MODEL


class PlaceKind(models.TextChoices):
    MARKET = "market", _("农贸市场")
    SUPERMARKET = "supermarket", _("商场超市")
    STATION = "station", _("车站")
    SCHOOL = "school", _("学校")
    HOTEL = "hotel", _("宾馆酒店")
    RESTAURANT = "restaurant", _("餐饮场所")
    VENUE = "venue", _("三馆一院（博物馆、图书馆、文化馆、影剧院）")
    RELIGIOUS = "religious", _("宗教场所")
    # registers the buyers of fever and cough medicines (fangkong.medical), besides what every key place does
    PHARMACY = "pharmacy", _("药店")
    OTHER = "other", _("其他")


class Place(models.Model):
    """重点场所. `is_closed` mirrors the open closure order (if any) for the compliance lists."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=15, choices=PlaceKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    operator = models.CharField(_("经营/管理单位"), max_length=100, blank=True)
    operator_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_closed = models.BooleanField(_("已关闭"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "checkpoints_place"
        verbose_name = _("重点场所")
        verbose_name_plural = _("重点场所")
        indexes = [models.Index(fields=["region", "is_closed", "id"], name="place_region")]

    def __str__(self) -> str:
        return self.name


class ClosureOrder(models.Model):
    """A closure of a place: who ordered it, when, why; `reopened_at` set when it reopens."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="closures")
    ordered_by = models.ForeignKey(User, verbose_name=_("决定人"), on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("关闭时间"), default=timezone.now)
    reason = models.CharField(_("原因"), max_length=300)
    reopened_at = models.DateTimeField(_("恢复开放时间"), null=True, blank=True)
    reopened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "checkpoints_closureorder"
        verbose_name = _("关闭令")
        verbose_name_plural = _("关闭令")
        ordering = ["-closed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["place"], condition=Q(reopened_at__isnull=True),
                                               name="one_open_closure_per_place")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.closed_at:%Y-%m-%d}"


class HygieneLog(models.Model):
    """一日一清洗、一日一消毒、一日一巡查: one place's log for one day."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="hygiene_logs")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    cleaned = models.BooleanField(_("已清洗"))
    disinfected = models.BooleanField(_("已消毒"))
    patrolled = models.BooleanField(_("已巡查"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "checkpoints_hygienelog"
        verbose_name = _("场所卫生记录")
        verbose_name_plural = _("场所卫生记录")
        constraints = [models.UniqueConstraint(fields=["place", "day"], name="one_hygiene_log_per_day")]
        indexes = [models.Index(fields=["region", "day"], name="hygiene_region_day"),
                   models.Index(fields=["day"], name="hygiene_day")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day}"


def new_token() -> str:
    return secrets.token_urlsafe(12)


class PlaceCode(models.Model):
    """场所码: the QR code of one place or one checkpoint. The token in the URL is random, so codes
    can't be enumerated; a code can be withdrawn (`is_active`) and a new one issued."""

    token = models.CharField(max_length=32, unique=True, default=new_token)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE, related_name="codes")
    checkpoint = models.ForeignKey(Checkpoint, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="codes")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "checkpoints_placecode"
        verbose_name = _("场所码")
        verbose_name_plural = _("场所码")
        constraints = [models.CheckConstraint(
            condition=Q(place__isnull=False, checkpoint__isnull=True) | Q(place__isnull=True, checkpoint__isnull=False),
            name="place_code_one_target")]

    def __str__(self) -> str:
        return self.token

    @property
    def target(self):
        return self.place or self.checkpoint


class CheckIn(identity.MaskedNumbers, models.Model):
    """扫码登记: a visitor at a place (or checkpoint) at a time, from the public check-in page.
    `region` is the place's. The optional origin feeds the reconciliation like a passage's.

    The visitor's name, phone and ID number are what they typed, kept on the check-in itself (digests for
    look-ups, as a person's are): an anonymous form never writes into a person's record. `person` stays
    empty until tracing staff confirm which person it was (services.check_ins.match_check_in); rows made
    before that rule keep the person they were attached to, and no typed identity."""

    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="check_ins")
    checkpoint = models.ForeignKey(Checkpoint, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="check_ins")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="check_ins")
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_digest = models.CharField(max_length=40, blank=True, editable=False)
    id_number = models.CharField(_("身份证号码"), max_length=40, blank=True)
    id_digest = models.CharField(max_length=40, blank=True, editable=False)
    checked_in_at = models.DateTimeField(default=timezone.now)
    origin = models.CharField(_("近14天来自何地"), max_length=100, blank=True)
    origin_code = models.CharField(max_length=12, blank=True)
    from_risk_area = models.BooleanField(default=False)
    # 体温 as measured at the door, when it was: a fever here is found (core.health.fever_found) once tracing
    # staff confirm who the visitor was (tracing.services.matching), never on the form's word alone
    temperature = models.DecimalField(_("体温"), max_digits=3, decimal_places=1, null=True, blank=True)
    # the sender's idempotency key (services.duplicates): one check-in per key and place (checkpoint)
    client_key = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)

    class Meta:
        db_table = "checkpoints_checkin"
        verbose_name = _("扫码登记")
        verbose_name_plural = _("扫码登记")
        constraints = [
            models.CheckConstraint(
                condition=Q(place__isnull=False, checkpoint__isnull=True) | Q(place__isnull=True, checkpoint__isnull=False),
                name="check_in_one_target"),
            models.UniqueConstraint(fields=["place", "client_key"], name="checkin_place_client_key",
                                    condition=~Q(client_key="") & Q(place__isnull=False)),
            models.UniqueConstraint(fields=["checkpoint", "client_key"], name="checkin_checkpoint_client_key",
                                    condition=~Q(client_key="") & Q(checkpoint__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["place", "checked_in_at"], name="checkin_place"),
            models.Index(fields=["checkpoint", "checked_in_at"], name="checkin_checkpoint"),
            models.Index(fields=["person", "checked_in_at"], name="checkin_person"),
            # a visitor's own check-ins by what they typed: repeats (services.duplicates), tracing's proposals
            models.Index(fields=["phone_digest", "checked_in_at"], name="checkin_phone"),
            models.Index(fields=["id_digest", "checked_in_at"], name="checkin_id"),
            models.Index(fields=["checked_in_at"], name="checkin_day"),
            models.Index(fields=["from_risk_area", "checked_in_at"], name="checkin_risk"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.person_id} {self.checked_in_at:%Y-%m-%d %H:%M}"


