"""Cases and contact tracing (病例与流调): cases with their history, lab tests, investigations with the
14-day itinerary, contacts, transmission links, clusters and the public itinerary notice.

A `Case` is one person's episode. Its classification changes in place (asymptomatic → confirmed is
one case reclassified, never two) and every change is kept as a `CaseChange`, so the counters count a
case once and the history says when it moved. The person stays in the people registry and joins the
ledger (screening.KeyPerson) in the matching category: tracing keeps no second register of people.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# the direct-reporting rule (网络直报): a case is reported within 2 hours of its diagnosis
REPORT_WITHIN_HOURS = 2


class Classification(models.TextChoices):
    SUSPECTED = "suspected", _("疑似病例")
    CONFIRMED = "confirmed", _("确诊病例")
    ASYMPTOMATIC = "asymptomatic", _("无症状感染者")
    EXCLUDED = "excluded", _("已排除")


class Severity(models.TextChoices):
    MILD = "mild", _("轻型")
    MODERATE = "moderate", _("普通型")
    SEVERE = "severe", _("重型")
    CRITICAL = "critical", _("危重型")


class Outcome(models.TextChoices):
    NONE = "", _("在院/在管")
    DISCHARGED = "discharged", _("治愈出院")
    DIED = "died", _("死亡")


class FoundBy(models.TextChoices):
    FEVER_CLINIC = "fever_clinic", _("发热门诊")
    CHECKPOINT = "checkpoint", _("卡点检测")
    KEY_PERSON = "key_person", _("重点人员健康监测/随访")
    CONTACT_SCREENING = "contact_screening", _("密接筛查")
    ACTIVE_SCREENING = "active_screening", _("主动筛查")
    OTHER = "other", _("其他")


class Case(models.Model):
    """病例: one person's episode, reclassified in place."""

    number = models.CharField(_("病例编号"), max_length=20, unique=True)
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="cases")
    # the person's region when reported: the case's scope and the counters' region
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    key_person = models.ForeignKey("screening.KeyPerson", verbose_name=_("台账记录"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    classification = models.CharField(_("分类"), max_length=15, choices=Classification.choices)
    severity = models.CharField(_("临床分型"), max_length=10, choices=Severity.choices, blank=True)
    outcome = models.CharField(_("转归"), max_length=12, choices=Outcome.choices, blank=True, default="")
    found_by = models.CharField(_("发现途径"), max_length=20, choices=FoundBy.choices)
    # found among people already under management (on the ledger or in isolation) when reported
    found_under_management = models.BooleanField(_("管控人群中发现"), default=False)
    reporting_unit = models.CharField(_("报告单位"), max_length=100)
    onset_date = models.DateField(_("发病日期"), null=True, blank=True)
    first_visit_date = models.DateField(_("初诊日期"), null=True, blank=True)
    diagnosed_at = models.DateTimeField(_("诊断时间"))
    reported_at = models.DateTimeField(_("报告时间"))
    confirmed_at = models.DateTimeField(_("确诊时间"), null=True, blank=True)
    isolated_at = models.DateTimeField(_("隔离时间"), null=True, blank=True)
    admitted_at = models.DateTimeField(_("入院时间"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("出院时间"), null=True, blank=True)
    died_at = models.DateTimeField(_("死亡时间"), null=True, blank=True)
    # reported more than REPORT_WITHIN_HOURS after diagnosis; stored so the late list is an index read
    late_report = models.BooleanField(_("超时报告"), default=False)
    cluster = models.ForeignKey("Cluster", verbose_name=_("聚集性疫情"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="cases")
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("病例")
        verbose_name_plural = _("病例")
        constraints = [
            # one open episode per person: a new report of the same person reclassifies it
            models.UniqueConstraint(fields=["person"], condition=Q(outcome="") & ~Q(classification="excluded"),
                                    name="one_open_case_per_person"),
        ]
        indexes = [
            models.Index(fields=["region", "classification", "id"], name="case_region_class"),
            models.Index(fields=["onset_date"], name="case_onset"),
            models.Index(fields=["reported_at"], name="case_reported"),
            models.Index(fields=["late_report", "reported_at"], name="case_late"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_classification_display()}"


class CaseChange(models.Model):
    """One change of a case's classification or severity (订正), kept for ever."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("订正时间"), default=timezone.now)
    from_classification = models.CharField(_("原分类"), max_length=15, choices=Classification.choices, blank=True)
    to_classification = models.CharField(_("新分类"), max_length=15, choices=Classification.choices)
    from_severity = models.CharField(_("原临床分型"), max_length=10, choices=Severity.choices, blank=True)
    to_severity = models.CharField(_("新临床分型"), max_length=10, choices=Severity.choices, blank=True)
    reason = models.CharField(_("订正原因"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("病例订正")
        verbose_name_plural = _("病例订正")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        was = self.get_from_classification_display() or "—"
        return f"{self.case.number} {was} → {self.get_to_classification_display()}"


class TestKind(models.TextChoices):
    NUCLEIC_ACID = "nucleic_acid", _("核酸检测")
    ANTIBODY = "antibody", _("抗体检测")


class Specimen(models.TextChoices):
    THROAT_SWAB = "throat_swab", _("咽拭子")
    NASAL_SWAB = "nasal_swab", _("鼻拭子")
    SPUTUM = "sputum", _("痰液")
    BLOOD = "blood", _("血液")
    OTHER = "other", _("其他")


class LabResult(models.TextChoices):
    PENDING = "pending", _("待出结果")
    NEGATIVE = "negative", _("阴性")
    POSITIVE = "positive", _("阳性")
    INCONCLUSIVE = "inconclusive", _("不确定")


class Proposal(models.TextChoices):
    """What a positive result proposes (a classification change or a new case): the epidemiologist decides."""

    NONE = "", _("无")
    PENDING = "pending", _("待决定")
    ACCEPTED = "accepted", _("已采纳")
    DISMISSED = "dismissed", _("未采纳")


class LabTest(models.Model):
    """核酸/抗体检测: one sample of one person and its result. A positive result of a person who is not yet a
    confirmed or asymptomatic case proposes one (`proposal` pending) until someone reclassifies or reports the
    case (accepted) or decides against it (dismissed)."""

    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="lab_tests")
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    case = models.ForeignKey(Case, verbose_name=_("病例"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="lab_tests")
    kind = models.CharField(_("检测类型"), max_length=15, choices=TestKind.choices, default=TestKind.NUCLEIC_ACID)
    specimen = models.CharField(_("标本类型"), max_length=15, choices=Specimen.choices, default=Specimen.THROAT_SWAB)
    # the lab's own sample number: a re-imported result list updates its rows instead of adding them
    sample_number = models.CharField(_("样本编号"), max_length=40, blank=True)
    lab = models.CharField(_("检测机构"), max_length=100)
    sampled_at = models.DateTimeField(_("采样时间"))
    result = models.CharField(_("结果"), max_length=15, choices=LabResult.choices, default=LabResult.PENDING)
    result_at = models.DateTimeField(_("出结果时间"), null=True, blank=True)
    proposal = models.CharField(_("分类建议"), max_length=10, choices=Proposal.choices, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("实验室检测")
        verbose_name_plural = _("实验室检测")
        constraints = [
            models.UniqueConstraint(fields=["lab", "sample_number"], condition=~Q(sample_number=""),
                                    name="one_row_per_lab_sample"),
        ]
        indexes = [
            models.Index(fields=["result", "sampled_at"], name="labtest_result"),
            models.Index(fields=["person", "sampled_at"], name="labtest_person"),
            models.Index(fields=["region", "result", "sampled_at"], name="labtest_region"),
            models.Index(fields=["region", "id"], condition=Q(proposal="pending"), name="labtest_proposal"),
        ]

    def __str__(self) -> str:
        # what the lab knows the sample by (the audit trail names a test so); one without a number by its id
        return f"{self.lab} {self.sample_number}".strip() if self.sample_number else f"{self.lab} #{self.pk}"


class ExposureKind(models.TextChoices):
    RISK_AREA = "risk_area", _("中高风险地区旅居史")
    KNOWN_CASE = "known_case", _("接触已知病例")
    UNKNOWN = "unknown", _("感染来源不明")


class InvestigationStatus(models.TextChoices):
    OPEN = "open", _("调查中")
    COMPLETED = "completed", _("已完成")


class Investigation(models.Model):
    """流行病学调查 of one case: the 14 days before onset, the exposure, the contacts found."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="investigation")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    investigator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("流调队员"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=InvestigationStatus.choices,
                              default=InvestigationStatus.OPEN)
    exposure_kind = models.CharField(_("暴露类型"), max_length=12, choices=ExposureKind.choices, blank=True)
    exposure_note = models.CharField(_("暴露情况"), max_length=500, blank=True)
    summary = models.TextField(_("调查小结"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("流行病学调查")
        verbose_name_plural = _("流行病学调查")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.case.number}"


class StopKind(models.TextChoices):
    PLACE = "place", _("场所")
    TRANSPORT = "transport", _("交通")
    GATHERING = "gathering", _("聚集活动")


class ItineraryStop(models.Model):
    """行程: one place, trip or gathering of a case's itinerary, with its times."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="stops")
    kind = models.CharField(_("类型"), max_length=10, choices=StopKind.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place_name = models.CharField(_("地点"), max_length=100, blank=True)
    # a key place with a place code: its check-ins propose contacts
    key_place = models.ForeignKey("places.Place", verbose_name=_("重点场所"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区划"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    transport_mode = models.CharField(_("交通方式"), max_length=10, blank=True)
    transport_number = models.CharField(_("车次/航班/车牌"), max_length=40, blank=True)
    seat = models.CharField(_("座位号"), max_length=20, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # shown in the public itinerary notice (a home address never is)
    public = models.BooleanField(_("可公开"), default=True)

    class Meta:
        verbose_name = _("行程")
        verbose_name_plural = _("行程")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["transport_number", "starts_at"], name="stop_transport")]

    def __str__(self) -> str:
        # no place: a stop kept from the public may be someone's home
        at = f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}" if self.starts_at else ""
        return f"{self.get_kind_display()} {at}".strip()


class ContactKind(models.TextChoices):
    HOUSEHOLD = "household", _("共同居住")
    WORK = "work", _("工作")
    TRANSPORT = "transport", _("同乘交通工具")
    MEDICAL = "medical", _("诊疗护理")
    SOCIAL = "social", _("聚餐聚会等社交")
    SAME_PLACE = "same_place", _("同时空场所")


class ContactLevel(models.TextChoices):
    CLOSE = "close", _("密切接触者")
    SECONDARY = "secondary", _("次密接")


class ContactStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")


class ContactSource(models.TextChoices):
    MANUAL = "manual", _("流调队员录入")
    SAME_PLACE = "same_place", _("同场所±30分钟")
    TRANSPORT = "transport", _("同车次/航班")
    HOUSEHOLD = "household", _("同户")
    CONTACT_OF_CONTACT = "contact_of_contact", _("密接的密接")


class Contact(models.Model):
    """密接关系: a person linked to a case. A person outside the county has no registry entry here and is
    handed over (协查函) to their county: the `outside_*` fields hold what the other county needs."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="contacts")
    # the contact's region (scope, counters); empty for a person outside the county
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("接触方式"), max_length=12, choices=ContactKind.choices)
    level = models.CharField(_("判定"), max_length=10, choices=ContactLevel.choices, default=ContactLevel.CLOSE)
    status = models.CharField(_("状态"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.PROPOSED)
    source = models.CharField(_("来源"), max_length=20, choices=ContactSource.choices, default=ContactSource.MANUAL)
    # for a secondary contact: the close contact through whom they were exposed
    via = models.ForeignKey("self", verbose_name=_("经由"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="secondaries")
    last_exposure_date = models.DateField(_("末次接触日期"), null=True, blank=True)
    key_person = models.ForeignKey("screening.KeyPerson", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    quarantine = models.ForeignKey("quarantine.Quarantine", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    outside_name = models.CharField(_("姓名（外县）"), max_length=50, blank=True)
    outside_phone = models.CharField(_("电话（外县）"), max_length=20, blank=True)
    outside_id_number = models.CharField(_("证件号码（外县）"), max_length=40, blank=True)
    outside_address = models.CharField(_("住址（外县）"), max_length=200, blank=True)
    outside_county = models.CharField(_("所在县（市、区）"), max_length=100, blank=True)
    handed_over_at = models.DateTimeField(_("协查函发出时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    proposed_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("密接关系")
        verbose_name_plural = _("密接关系")
        constraints = [
            # nobody is listed twice for one case
            models.UniqueConstraint(fields=["case", "person"], condition=Q(person__isnull=False),
                                    name="one_contact_per_case_person"),
        ]
        indexes = [
            models.Index(fields=["case", "status"], name="contact_case"),
            models.Index(fields=["person", "status"], name="contact_person"),
            models.Index(fields=["region", "status", "level"], name="contact_region"),
        ]

    def __str__(self) -> str:
        # no name: the audit trail keeps this, and shows a person's identity only masked
        return f"{self.get_level_display()} #{self.pk} {self.get_kind_display()}"


class LinkConfidence(models.TextChoices):
    CONFIRMED = "confirmed", _("明确")
    PROBABLE = "probable", _("很可能")
    POSSIBLE = "possible", _("可能")


class TransmissionLink(models.Model):
    """传播链: the infector of a case, as the investigation judged it."""

    infector = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="infected")
    infectee = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="infected_by")
    confidence = models.CharField(_("可信度"), max_length=10, choices=LinkConfidence.choices,
                                  default=LinkConfidence.PROBABLE)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("传播关系")
        verbose_name_plural = _("传播关系")
        constraints = [
            models.UniqueConstraint(fields=["infector", "infectee"], name="one_link_per_pair"),
            models.CheckConstraint(condition=~Q(infector=models.F("infectee")), name="link_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.infector.number} → {self.infectee.number}"


class ClusterSetting(models.TextChoices):
    HOUSEHOLD = "household", _("家庭")
    PLACE = "place", _("场所")
    GATHERING = "gathering", _("聚集活动")


class Cluster(models.Model):
    """聚集性疫情: two or more cases linked by a household, place or gathering within 14 days. Its size and
    dates are kept on the row by the services so the cluster list reads no cases."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    setting = models.CharField(_("类型"), max_length=10, choices=ClusterSetting.choices)
    size = models.PositiveIntegerField(_("病例数"), default=0)
    first_case_date = models.DateField(_("首例日期"), null=True, blank=True)
    last_case_date = models.DateField(_("末例日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("聚集性疫情")
        verbose_name_plural = _("聚集性疫情")
        indexes = [models.Index(fields=["region", "last_case_date"], name="cluster_region")]

    def __str__(self) -> str:
        return self.name


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("待审核")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class ItineraryNotice(models.Model):
    """病例活动轨迹: the public release of a case's places and times. `items` is the reviewed text, a list
    of {"starts_at", "ends_at", "place", "transport"}: nothing personal is stored in it, so nothing
    personal can leave through it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=100)
    # how the case is named in public (e.g. 病例3), never a name
    alias = models.CharField(_("公开称谓"), max_length=20)
    items = models.JSONField(_("轨迹"), default=list)
    status = models.CharField(_("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("病例活动轨迹")
        verbose_name_plural = _("病例活动轨迹")
        indexes = [models.Index(fields=["status", "published_at"], name="notice_status")]

    def __str__(self) -> str:
        return self.title
