
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from fangkong.core.health import FeverSource


class Category(models.TextChoices):
    RETURNEE = "returnee", _("疫区返乡人员")
    FEVER = "fever", _("发热咳嗽人员")
    CLOSE_CONTACT = "close_contact", _("密切接触者")
    SECONDARY_CONTACT = "secondary_contact", _("次密接")
    SUSPECTED = "suspected", _("疑似病例")
    CONFIRMED = "confirmed", _("确诊病例")
    ASYMPTOMATIC = "asymptomatic", _("无症状感染者")
    TRANSIENT = "transient", _("过境流动人员")


class Status(models.TextChoices):
    UNDER_MANAGEMENT = "under_management", _("在管")
    RELEASED = "released", _("已解除")
    TRANSFERRED = "transferred", _("已转出")
    MOVED_AWAY = "moved_away", _("已离开")


class TransportMode(models.TextChoices):
    CAR = "car", _("自驾")
    TRAIN = "train", _("火车")
    PLANE = "plane", _("飞机")
    BUS = "bus", _("客车")
    SHIP = "ship", _("轮船")
    OTHER = "other", _("其他")


class CheckMethod(models.TextChoices):
    VISIT = "visit", _("上门")
    PHONE = "phone", _("电话")
    SELF_REPORT = "self_report", _("自报")


class Symptom(models.TextChoices):
    """The one list of symptoms asked about, at the daily check and at an isolation follow-up alike. A follow-up
    stores the values; the ledger (daily checks, key persons) keeps the Chinese words, as village ledgers write
    them (`words`)."""
    FEVER = "fever", _("发热")
    COUGH = "cough", _("咳嗽")
    FATIGUE = "fatigue", _("乏力")
    SORE_THROAT = "sore_throat", _("咽痛")
    SHORTNESS_OF_BREATH = "shortness_of_breath", _("气促")
    DIARRHOEA = "diarrhoea", _("腹泻")
    MUSCLE_ACHE = "muscle_ache", _("肌肉酸痛")
    LOSS_OF_TASTE_SMELL = "loss_of_taste_smell", _("嗅觉味觉减退")

    @classmethod
    def words(cls) -> dict[str, str]:
        """Value → the Chinese word the ledger's text keeps, whatever the page's language."""
        with translation.override("zh-hans"):
            return {s.value: str(s.label) for s in cls}


class Finding(models.TextChoices):
    NONE = "", _("无异常")
    RETURNEE = "returnee", _("有疫区返乡人员")
    FEVER = "fever", _("有发热咳嗽人员")
    OTHER = "other", _("其他情况")


class Sweep(models.Model):
    """A door-to-door screening round (摸排轮次) over a region subtree."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("摸排轮次")
        verbose_name_plural = _("摸排轮次")

    def __str__(self) -> str:
        return self.name


class HouseholdVisit(models.Model):
    """One household visited in a sweep: who was found, who is away and where, any finding."""

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="visits")
    household = models.ForeignKey("people.Household", on_delete=models.CASCADE, related_name="visits")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("走访日期"))
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    present_count = models.PositiveSmallIntegerField(_("在家人数"), default=0)
    away_note = models.CharField(_("外出人员及去向"), max_length=300, blank=True)
    finding = models.CharField(_("发现情况"), max_length=20, choices=Finding.choices, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        constraints = [models.UniqueConstraint(fields=["sweep", "household"], name="visit_once_per_sweep")]
        indexes = [models.Index(fields=["region", "visited_on"], name="visit_region_day"),
                   # the roll-up rebuild reads one day across all regions
                   models.Index(fields=["visited_on"], name="visit_day")]

    def __str__(self) -> str:
        return f"{self.household} {self.visited_on}"


class KeyPerson(models.Model):
    """A person on the ledger (台账) in one category, managed by a village until released."""

    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="key_person_entries")
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    # db_index=False: the (region, status, id) index below serves every region lookup
    region = models.ForeignKey("regions.Region", verbose_name=_("台账所属区划"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    registered_on = models.DateField(_("登记日期"))
    origin = models.CharField(_("来自何地"), max_length=100, blank=True)
    departure_date = models.DateField(_("离开日期"), null=True, blank=True)
    arrival_date = models.DateField(_("抵达日期"), null=True, blank=True)
    transport_mode = models.CharField(_("交通方式"), max_length=10, choices=TransportMode.choices, blank=True)
    transport_number = models.CharField(_("车次/航班/车牌"), max_length=40, blank=True)
    symptoms = models.CharField(_("症状"), max_length=200, blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", db_index=False)  # see keyperson_responsible
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.UNDER_MANAGEMENT)
    ended_on = models.DateField(_("解除/转出日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("重点人员")
        verbose_name_plural = _("重点人员")
        constraints = [
            # one open ledger entry per person and category: a re-import updates it
            models.UniqueConstraint(fields=["person", "category"], condition=models.Q(status="under_management"),
                                    name="one_open_entry_per_category"),
        ]
        indexes = [
            models.Index(fields=["region", "status", "id"], name="keyperson_region_status"),
            models.Index(fields=["registered_on"], name="keyperson_registered"),
            models.Index(fields=["ended_on"], name="keyperson_ended"),
            models.Index(fields=["responsible", "status"], name="keyperson_responsible"),
            # who travelled on a train, flight or bus of a case (fangkong.tracing's candidate contacts): an
            # index range on the number and day; entries without a number are left out of it
            models.Index(fields=["transport_number", "arrival_date"], condition=~Q(transport_number=""),
                         name="keyperson_transport"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_category_display()})"


class KeyPersonEvent(models.Model):
    """The timeline of a key person: registration, changes, checks, status changes."""

    key_person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text


class DailyCheck(models.Model):
    """每天一查: one check of a key person on one day."""

    key_person = models.ForeignKey(KeyPerson, on_delete=models.CASCADE, related_name="checks")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField(_("日期"))
    temperature = models.DecimalField(_("体温(°C)"), max_digits=3, decimal_places=1)
    symptoms = models.CharField(_("症状"), max_length=200, blank=True)
    method = models.CharField(_("方式"), max_length=12, choices=CheckMethod.choices, blank=True)
    # where the day's temperature was taken when not by the village's check (empty: the village's check,
    # `method` says how): a fever found by another register is the day's check (core.health.fever_found)
    source = models.CharField(_("发现途径"), max_length=12, choices=FeverSource.choices, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("每日检查")
        verbose_name_plural = _("每日检查")
        constraints = [models.UniqueConstraint(fields=["key_person", "checked_on"], name="one_check_per_day")]
        indexes = [models.Index(fields=["region", "checked_on"], name="check_region_day"),
                   # the roll-up rebuild reads one day across all regions
                   models.Index(fields=["checked_on"], name="check_day")]

    def __str__(self) -> str:
        return f"{self.key_person_id} {self.checked_on} {self.temperature}"


class TaskKind(models.TextChoices):
    ARRIVAL = "arrival", _("风险地区来人，已列入台账，请核实")
    UNLISTED = "unlisted", _("风险地区来人未列入台账，请排查")
    # a close contact confirmed by an investigation whose village is unknown (their region a township or
    # above): the township finds them and puts them on a village's ledger (fangkong.tracing)
    CONTACT = "contact", _("密切接触者住址不明，请查找并列入台账")


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
    # no database constraint: passages and check-ins are partitioned by month on PostgreSQL, which no foreign
    # key may point at (core.partitions); Django keeps the relation, and expiry clears it first
    passage = models.ForeignKey("checkpoints.Passage", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", db_constraint=False)
    check_in = models.ForeignKey("places.CheckIn", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", db_constraint=False)
    key_person = models.ForeignKey("screening.KeyPerson", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("处理情况"), max_length=300, blank=True)

    class Meta:
        db_table = "checkpoints_arrivaltask"
        verbose_name = _("来人核查任务")
        verbose_name_plural = _("来人核查任务")
        constraints = [models.UniqueConstraint(fields=["person", "region", "kind"], condition=Q(status="open"),
                                               name="one_open_task")]
        # task_open_region: the open tasks of a scope (the home page's 来人待核查, the list) without reading the
        # done ones, which pile up over an epidemic
        indexes = [models.Index(fields=["region", "status", "opened_at"], name="task_region"),
                   models.Index(fields=["region", "id"], name="task_open_region", condition=Q(status="open")),
                   models.Index(fields=["opened_at"], name="task_opened"),
                   models.Index(fields=["closed_at"], name="task_closed")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id or self.check_in_id}"

    @property
    def subject(self):
        """Whom the task is about, with `name`, `masked_id` and `masked_phone`: the person, or the visitor
        of an unlinked check-in as they described themselves."""
        return self.person if self.person_id is not None else self.check_in


