"""Checkpoints, key places and place codes (卡点、重点场所、场所码).

The registers that counties kept on paper at the roadside and at the shop door, joined to the
village ledgers:

- `Checkpoint` with its `DutyShift`s and `FiveHavesInspection`s (五有); `Passage` is one person
  registered passing it. A passage from a `RiskArea` bound for a village of the county puts the
  person on that village's ledger (a returnee `KeyPerson`) and opens an `ArrivalTask` for its
  worker.
- `Place` (重点场所) with `ClosureOrder`s and daily `HygieneLog`s (一日一清洗、一日一消毒、一日一巡查).
- `PlaceCode`: the QR code of a place or checkpoint; scanning it leads to the public check-in
  page, which stores a `CheckIn` (who the visitor said they are + place/checkpoint + time); tracing
  staff link it to a person after review.
- Reconciliation (不漏一人): arrivals from risk areas not on any ledger after N hours become
  `ArrivalTask`s of kind `unlisted` on their destination village's list.

Passages and check-ins are the big append-only tables (tens of millions in a city): every
read of them is an index range — by (checkpoint, time), (place, time) or (person, time).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.people import identity

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

    class Meta:
        verbose_name = _("风险地区")
        verbose_name_plural = _("风险地区")
        ordering = ["code", "valid_from"]

    def __str__(self) -> str:
        return self.name


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
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.passed_at:%Y-%m-%d %H:%M} {self.person_id}"


class PlaceKind(models.TextChoices):
    MARKET = "market", _("农贸市场")
    SUPERMARKET = "supermarket", _("商场超市")
    STATION = "station", _("车站")
    SCHOOL = "school", _("学校")
    HOTEL = "hotel", _("宾馆酒店")
    RESTAURANT = "restaurant", _("餐饮场所")
    VENUE = "venue", _("三馆一院（博物馆、图书馆、文化馆、影剧院）")
    RELIGIOUS = "religious", _("宗教场所")
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
    # the sender's idempotency key (services.duplicates): one check-in per key and place (checkpoint)
    client_key = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)

    class Meta:
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


class TaskKind(models.TextChoices):
    ARRIVAL = "arrival", _("风险地区来人，已列入台账，请核实")
    UNLISTED = "unlisted", _("风险地区来人未列入台账，请排查")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DONE = "done", _("已处理")


class ArrivalTask(models.Model):
    """A task on a village worker's list about one arrival: `arrival` when a checkpoint put the person
    on the village's ledger (go and see them), `unlisted` when the reconciliation found an arrival from
    a risk area that no ledger of the county holds after N hours (find them). One open task per person,
    village and kind; a task about the visitor of an unlinked check-in has no person (the reconciliation
    keeps it to one open task per visitor)."""

    kind = models.CharField(_("类型"), max_length=10, choices=TaskKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("村（社区）"), on_delete=models.PROTECT,
                               related_name="+")
    # empty for a public check-in not linked to a person: the task is about the visitor it names
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="arrival_tasks")
    passage = models.ForeignKey(Passage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    check_in = models.ForeignKey(CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    key_person = models.ForeignKey("screening.KeyPerson", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("处理情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("来人核查任务")
        verbose_name_plural = _("来人核查任务")
        constraints = [models.UniqueConstraint(fields=["person", "region", "kind"], condition=Q(status="open"),
                                               name="one_open_task")]
        indexes = [models.Index(fields=["region", "status", "opened_at"], name="task_region"),
                   models.Index(fields=["opened_at"], name="task_opened"),
                   models.Index(fields=["closed_at"], name="task_closed")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id or self.check_in_id}"

    @property
    def subject(self):
        """Whom the task is about, with `name`, `masked_id` and `masked_phone`: the person, or the visitor
        of an unlinked check-in as they described themselves."""
        return self.person if self.person_id is not None else self.check_in
