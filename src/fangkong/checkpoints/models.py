"""Roadside checkpoints (卡点): the registers counties kept on paper at the roadside.

`Checkpoint` with its `DutyShift`s and `FiveHavesInspection`s (五有); `Passage` is one person registered
passing it. A passage from a risk area (fangkong.risk_areas) bound for a village of the county puts the
person on that village's ledger (a returnee `KeyPerson`) and opens an `ArrivalTask` for its worker
(both in fangkong.screening).

Passages are a big append-only table (tens of millions in a city): every read of them is an index range,
by (checkpoint, time) or (person, time).
"""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class CheckpointKind(models.TextChoices):
    HIGHWAY_EXIT = "highway_exit", _("高速公路出口")
    STATION = "station", _("火车站/汽车站")
    AIRPORT = "airport", _("机场")
    DOCK = "dock", _("码头")
    BORDER_ROAD = "border_road", _("县际道路")
    VILLAGE_ENTRANCE = "village_entrance", _("村口")
    COMMUNITY_GATE = "community_gate", _("小区门口")


class CheckpointStatus(models.TextChoices):
    OPEN = "open", _("运行中")
    CLOSED = "closed", _("已撤除")


class Checkpoint(models.Model):
    """卡点 / 检疫检查站. `last_inspection` is the latest five-haves inspection (denormalised so the
    "failing any item" list is one indexed read)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=CheckpointKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    location = models.CharField(_("位置"), max_length=200, blank=True)
    open_24h = models.BooleanField(_("24小时值守"), default=True)
    hours = models.CharField(_("值守时段"), max_length=50, blank=True, help_text=_("如 07:00-22:00"))
    status = models.CharField(_("状态"), max_length=10, choices=CheckpointStatus.choices,
                              default=CheckpointStatus.OPEN)
    opened_on = models.DateField(_("设卡日期"), default=timezone.localdate)
    closed_on = models.DateField(_("撤卡日期"), null=True, blank=True)
    # None until the first inspection; True when its five items all passed
    five_haves_ok = models.BooleanField(_("五有达标"), null=True, blank=True)
    last_inspection = models.ForeignKey("FiveHavesInspection", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("卡点")
        verbose_name_plural = _("卡点")
        indexes = [models.Index(fields=["region", "status", "id"], name="checkpoint_region"),
                   models.Index(fields=["five_haves_ok", "region"], name="checkpoint_five_haves")]

    def __str__(self) -> str:
        return self.name


class DutyShift(models.Model):
    """Who is on duty at a checkpoint from `starts_at` to `ends_at` (值班值守)."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="shifts")
    staff = models.ForeignKey(User, verbose_name=_("值守人员"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after")]
        indexes = [models.Index(fields=["checkpoint", "starts_at"], name="shift_checkpoint"),
                   models.Index(fields=["staff", "starts_at"], name="shift_staff")]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.starts_at:%Y-%m-%d %H:%M}"


FIVE_HAVES = ("barrier", "staff_on_duty", "register", "thermometer", "disinfection")


class FiveHavesInspection(models.Model):
    """One inspection of the five haves (五有) at a checkpoint by a supervisor or headquarters staff."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="inspections")
    inspected_at = models.DateTimeField(_("检查时间"), default=timezone.now)
    inspector = models.ForeignKey(User, verbose_name=_("检查人"), on_delete=models.PROTECT, related_name="+")
    barrier = models.BooleanField(_("有卡口设施"))
    staff_on_duty = models.BooleanField(_("有值守人员"))
    register = models.BooleanField(_("有进出登记"))
    thermometer = models.BooleanField(_("有体温检测"))
    disinfection = models.BooleanField(_("有消毒措施"))
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("五有检查")
        verbose_name_plural = _("五有检查")
        ordering = ["-inspected_at", "-id"]
        indexes = [models.Index(fields=["checkpoint", "inspected_at"], name="inspection_checkpoint")]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.inspected_at:%Y-%m-%d}"

    @property
    def failing(self) -> list[str]:
        """The names of the items that failed, in checklist order."""
        return [name for name in FIVE_HAVES if not getattr(self, name)]




class Direction(models.TextChoices):
    IN = "in", _("入")
    OUT = "out", _("出")


class Outcome(models.TextChoices):
    PASS = "pass", _("放行")
    TURNED_BACK = "turned_back", _("劝返")
    ISOLATION = "isolation", _("送隔离点")
    FEVER_CLINIC = "fever_clinic", _("送发热门诊")


class Passage(models.Model):
    """通行登记: one person passing one checkpoint. `region` is the checkpoint's (scope and counters).

    A vehicle is counted once: `counts_vehicle` is set on the first passage of a plate at that
    checkpoint within the service's window, so "vehicles" and "turned-back vehicles" are flows
    of passages, like everything else in the roll-up."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="passages")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    passed_at = models.DateTimeField(_("通行时间"), default=timezone.now)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices, default=Direction.IN)
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="passages")
    vehicle_plate = models.CharField(_("车牌号"), max_length=12, blank=True)
    counts_vehicle = models.BooleanField(default=False)
    origin = models.CharField(_("来自何地"), max_length=100, blank=True)
    origin_code = models.CharField(_("来源地区划代码"), max_length=12, blank=True)
    destination = models.ForeignKey("regions.Region", verbose_name=_("目的地"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    destination_text = models.CharField(_("目的地详址"), max_length=200, blank=True)
    temperature = models.DecimalField(_("体温(°C)"), max_digits=3, decimal_places=1)
    outcome = models.CharField(_("处置"), max_length=15, choices=Outcome.choices)
    from_risk_area = models.BooleanField(_("来自风险地区"), default=False)
    key_person = models.ForeignKey("screening.KeyPerson", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # the sender's idempotency key (services.duplicates): one passage per key, account and checkpoint
    client_key = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)

    class Meta:
        verbose_name = _("通行登记")
        verbose_name_plural = _("通行登记")
        constraints = [models.UniqueConstraint(fields=["checkpoint", "recorded_by", "client_key"],
                                               condition=~Q(client_key=""), name="passage_client_key")]
        indexes = [
            models.Index(fields=["checkpoint", "passed_at"], name="passage_checkpoint"),
            models.Index(fields=["person", "passed_at"], name="passage_person"),
            models.Index(fields=["region", "passed_at"], name="passage_region"),
            # the roll-up rebuild reads one day; reconciliation reads risk arrivals of a window
            models.Index(fields=["passed_at"], name="passage_day"),
            models.Index(fields=["from_risk_area", "passed_at"], name="passage_risk"),
            # a case's car, bus or plate: the passages of the same plate around a moment (candidate contacts)
            models.Index(fields=["vehicle_plate", "passed_at"], condition=~Q(vehicle_plate=""), name="passage_plate"),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.passed_at:%Y-%m-%d %H:%M} {self.person_id}"




















