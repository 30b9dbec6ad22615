"""Isolation and follow-up (隔离观察与随访): policies, quarantine orders, observation sites, follow-ups.

A `Quarantine` is one order for one key person. It copies the policy values it was started
with, so editing a policy never rewrites a past order. Its follow-up slots are materialised
as `FollowUp` rows (status due → done / excused) when the order starts, so "due now" and
"overdue" are index range reads on (…, status, due_at) that never touch recorded follow-ups.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.health import FeverSource, fever_threshold
from fangkong.screening.models import Category, CheckMethod, Symptom

__all__ = ["Category", "CheckMethod", "Kind", "CountsFrom", "QuarantineStatus", "Symptom", "FollowUpStatus",
           "TransferStatus", "TestResult", "QuarantinePolicy", "ObservationSite", "Room", "Quarantine", "Stay",
           "FollowUp", "TransferRequest", "NucleicAcidTest"]


class Kind(models.TextChoices):
    HOME = "home", _("居家隔离")
    CENTRALISED = "centralised", _("集中医学观察")


class CountsFrom(models.TextChoices):
    LAST_EXPOSURE = "last_exposure", _("末次暴露")
    ARRIVAL = "arrival", _("抵达日期")
    ORDER_START = "order_start", _("隔离开始")


class QuarantineStatus(models.TextChoices):
    ACTIVE = "active", _("隔离中")
    RELEASED = "released", _("已解除")
    TRANSFERRED_TO_HOSPITAL = "transferred_to_hospital", _("已转送医院")
    BECAME_CASE = "became_case", _("转为病例")
    MOVED_AWAY = "moved_away", _("已离开并移交")


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("待随访")
    DONE = "done", _("已随访")
    EXCUSED = "excused", _("已说明未随访")


class TransferStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ASSIGNED = "assigned", _("已指派")
    DONE = "done", _("已转送")
    CANCELLED = "cancelled", _("已取消")


class TestResult(models.TextChoices):
    NEGATIVE = "negative", _("阴性")
    POSITIVE = "positive", _("阳性")


class QuarantinePolicy(models.Model):
    """The rule for one key-person category: kind, length, follow-up times, fever threshold."""

    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices, unique=True)
    kind = models.CharField(_("隔离方式"), max_length=12, choices=Kind.choices)
    length_days = models.PositiveSmallIntegerField(_("隔离天数"))
    counts_from = models.CharField(_("起算时间"), max_length=15, choices=CountsFrom.choices)
    # local times of day as "HH:MM", sorted
    follow_up_times = models.JSONField(_("每日随访时间"), default=list)
    # Empty: the deployment's threshold (core.health.fever_threshold). Set: this category's own, for the
    # follow-ups of its isolation orders only; daily checks, passages and roll-ups keep the deployment's.
    fever_threshold = models.DecimalField(
        _("发热阈值(°C)"), max_digits=3, decimal_places=1, null=True, blank=True,
        help_text=_("留空则按全县统一的发热标准；填写则只用于此类人员隔离期间的随访"))
    release_needs_negative_tests = models.BooleanField(_("解除须核酸阴性"), default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("隔离政策")
        verbose_name_plural = _("隔离政策")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_category_display())

    @property
    def fever_from(self):
        """The temperature from which a follow-up under this policy is a fever: its own, else the deployment's."""
        return fever_threshold(self.fever_threshold)


class ObservationSite(models.Model):
    """集中医学观察点: a designated hotel or site with rooms."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    address = models.CharField(_("地址"), max_length=200)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("集中医学观察点")
        verbose_name_plural = _("集中医学观察点")
        indexes = [models.Index(fields=["region", "id"], name="site_region")]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    """A room of a site; `capacity` beds. Occupancy = its open stays (checked in, not out)."""

    site = models.ForeignKey(ObservationSite, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("房间"), max_length=30)
    capacity = models.PositiveSmallIntegerField(_("床位数"))

    class Meta:
        verbose_name = _("房间")
        verbose_name_plural = _("房间")
        ordering = ["site_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="room_name_per_site"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.name}"


class Quarantine(models.Model):
    """One quarantine order (隔离观察) of a key person, with the policy values it was started with."""

    key_person = models.ForeignKey("screening.KeyPerson", verbose_name=_("重点人员"), on_delete=models.PROTECT,
                                   related_name="quarantines")
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices)
    kind = models.CharField(_("隔离方式"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=25, choices=QuarantineStatus.choices,
                              default=QuarantineStatus.ACTIVE)
    # Copied from the policy at start: the order keeps them whatever happens to the policy.
    policy = models.ForeignKey(QuarantinePolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    length_days = models.PositiveSmallIntegerField(_("隔离天数"))
    counts_from = models.CharField(_("起算时间"), max_length=15, choices=CountsFrom.choices)
    follow_up_times = models.JSONField(_("每日随访时间"), default=list)
    # The policy's own threshold for follow-ups; empty: the deployment's (see fever_from)
    fever_threshold = models.DecimalField(_("发热阈值(°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    release_needs_negative_tests = models.BooleanField(_("解除须核酸阴性"), default=False)
    # The period
    counted_from = models.DateTimeField(_("起算时刻"))
    start_at = models.DateTimeField(_("开始时间"))
    policy_end = models.DateTimeField(_("按政策应结束"))
    planned_end = models.DateTimeField(_("计划结束时间"))
    planned_end_reason = models.CharField(_("调整结束时间的理由"), max_length=200, blank=True)
    # The place: home address, or the observation site (and current room, kept by check-in/out)
    home_address = models.CharField(_("居家地址"), max_length=200, blank=True)
    site = models.ForeignKey(ObservationSite, verbose_name=_("观察点"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="quarantines")
    room = models.ForeignKey(Room, verbose_name=_("房间"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    # 包保: one cadre and one doctor answerable for the person
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("包保干部"), on_delete=models.PROTECT,
                              related_name="+")
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("包保医生"), on_delete=models.PROTECT,
                               related_name="+")
    # The end
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束说明"), max_length=200, blank=True)
    handover_region = models.ForeignKey("regions.Region", verbose_name=_("移交区划"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    handover_to = models.CharField(_("移交去向"), max_length=200, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("隔离观察")
        verbose_name_plural = _("隔离观察")
        constraints = [
            models.UniqueConstraint(fields=["key_person"], condition=Q(status="active"), name="one_active_quarantine"),
            models.CheckConstraint(condition=Q(planned_end__gt=models.F("start_at")), name="quarantine_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["region", "status", "id"], name="quarantine_region_status"),
            models.Index(fields=["cadre", "status"], name="quarantine_cadre"),
            models.Index(fields=["doctor", "status"], name="quarantine_doctor"),
            # the roll-up rebuild reads one day of starts and ends
            models.Index(fields=["start_at"], name="quarantine_start"),
            models.Index(fields=["ended_at"], name="quarantine_end"),
        ]

    def __str__(self) -> str:
        return f"{self.key_person.person} {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.status == QuarantineStatus.ACTIVE

    @property
    def fever_from(self):
        """The temperature from which a follow-up of this order is a fever: the policy's own threshold it
        was started with, else the deployment's (core.health.fever_threshold)."""
        return fever_threshold(self.fever_threshold)


class Stay(models.Model):
    """A person's stay in a room of an observation site: checked in, then checked out."""

    quarantine = models.ForeignKey(Quarantine, on_delete=models.PROTECT, related_name="stays")
    site = models.ForeignKey(ObservationSite, on_delete=models.PROTECT, related_name="stays")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="stays")
    checked_in_at = models.DateTimeField(_("入住时间"))
    checked_out_at = models.DateTimeField(_("退房时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    checked_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")

    class Meta:
        verbose_name = _("入住记录")
        verbose_name_plural = _("入住记录")
        constraints = [models.UniqueConstraint(fields=["quarantine"], condition=Q(checked_out_at__isnull=True),
                                               name="one_open_stay")]
        indexes = [
            models.Index(fields=["room", "checked_out_at"], name="stay_room_open"),
            models.Index(fields=["site", "checked_out_at"], name="stay_site_open"),
        ]

    def __str__(self) -> str:
        return f"{self.quarantine_id} @ {self.room}"


class TransferRequest(models.Model):
    """A request to take a person to the fever clinic, opened by a fever found by any register (a passage,
    a check-in, a daily check, a follow-up; quarantine.services.fevers) or by an alerting follow-up.
    `quarantine`: the person's isolation order when they are under one."""

    quarantine = models.ForeignKey(Quarantine, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="transfers")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), null=True, on_delete=models.PROTECT,
                               related_name="+")
    key_person = models.ForeignKey("screening.KeyPerson", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    source = models.CharField(_("发现途径"), max_length=12, choices=FeverSource.choices, blank=True)
    temperature = models.DecimalField(_("体温(°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("原因"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("处理记录"), blank=True)
    opened_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("转送发热门诊")
        verbose_name_plural = _("转送发热门诊")
        indexes = [
            models.Index(fields=["region", "status", "id"], name="transfer_region_status"),
            models.Index(fields=["assignee", "status"], name="transfer_assignee"),
            models.Index(fields=["opened_at"], name="transfer_opened"),
            models.Index(fields=["closed_at"], name="transfer_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.quarantine_id} {self.reason}"

    @property
    def is_open(self) -> bool:
        return self.status in (TransferStatus.OPEN, TransferStatus.ASSIGNED)


class FollowUp(models.Model):
    """One follow-up (随访): a due slot from the policy's times, then recorded or excused.

    An unscheduled follow-up (an extra one, no slot left that day) is a row with
    `scheduled=False`, status done and `due_at` = when it was made.
    """

    # db_index=False on quarantine, cadre and doctor: the composite indexes below begin with each of them
    # and serve every look-up (and the deletes that cascade or set null); a second index only slows the writes
    quarantine = models.ForeignKey(Quarantine, on_delete=models.CASCADE, related_name="follow_ups", db_index=False)
    # copies of the order's region and responsible people, so the due lists need no join
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              db_index=False)
    doctor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               db_index=False)
    scheduled = models.BooleanField(default=True)
    due_at = models.DateTimeField(_("应随访时间"))
    status = models.CharField(_("状态"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.DUE)
    # the record
    done_at = models.DateTimeField(_("随访时间"), null=True, blank=True)
    temperature = models.DecimalField(_("体温(°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    method = models.CharField(_("方式"), max_length=12, choices=CheckMethod.choices, blank=True)
    fever = models.BooleanField(_("发热"), default=False)
    alert = models.BooleanField(_("预警"), default=False)
    transfer = models.ForeignKey(TransferRequest, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="follow_ups")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    # or the reason it was not done
    excuse_reason = models.CharField(_("未随访原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("随访")
        verbose_name_plural = _("随访")
        constraints = [
            models.UniqueConstraint(fields=["quarantine", "due_at"], condition=Q(scheduled=True), name="one_slot"),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="followup_status_due"),
            models.Index(fields=["cadre", "status", "due_at"], name="followup_cadre_due"),
            models.Index(fields=["doctor", "status", "due_at"], name="followup_doctor_due"),
            models.Index(fields=["quarantine", "due_at"], name="followup_quarantine"),
            # Open slots only (status "due"): it holds the due and upcoming slots and none of the recorded or
            # excused ones, so every "due now" / "overdue" read of a region is a range of it bounded by the open
            # slots, whatever the past: the oldest-first lists in their exact order (due_at, id), the overdue
            # count and the counts by region index-only (the region is in it, checked inside the index).
            # Time first, not region first: the column statistics of due_at describe every follow-up (mostly
            # recorded, in the past), so a planner offered a (region, due_at) index for a county-wide count
            # took it and read every open slot of the county, the upcoming ones included.
            models.Index(fields=["due_at", "id", "region"], condition=Q(status="due"), name="followup_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.quarantine_id} {self.due_at:%Y-%m-%d %H:%M} {self.status}"


class NucleicAcidTest(models.Model):
    """核酸检测 result of a person under quarantine (needed for release under some policies)."""

    quarantine = models.ForeignKey(Quarantine, on_delete=models.CASCADE, related_name="nucleic_acid_tests")
    sampled_at = models.DateTimeField(_("采样时间"))
    result = models.CharField(_("结果"), max_length=10, choices=TestResult.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("核酸检测")
        verbose_name_plural = _("核酸检测")
        indexes = [models.Index(fields=["quarantine", "sampled_at"], name="nat_quarantine")]

    def __str__(self) -> str:
        return f"{self.quarantine_id} {self.sampled_at:%Y-%m-%d} {self.result}"
