from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import identity


class IdType(models.TextChoices):
    RESIDENT_ID = identity.RESIDENT_ID, _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAU_PERMIT = "hk_macau_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    OTHER = "other", _("其他证件")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")
    UNKNOWN = "", _("未知")


class Household(models.Model):
    """People living at one address in a village or grid."""

    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="+")
    address = models.CharField(_("住址"), max_length=200)
    head_name = models.CharField(_("户主"), max_length=50, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        indexes = [models.Index(fields=["region", "id"], name="household_region")]

    def __str__(self) -> str:
        return self.address


class Person(identity.MaskedNumbers, models.Model):
    """A person known to the county. The ID number is looked up by `id_digest` only."""

    name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    id_digest = models.CharField(max_length=40, blank=True, editable=False)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    phone_digest = models.CharField(max_length=40, blank=True, editable=False)
    household = models.ForeignKey(Household, verbose_name=_("户"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="members")
    # db_index=False: the (region, id) index below serves every region lookup
    region = models.ForeignKey("regions.Region", verbose_name=_("现住区划"), on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    address = models.CharField(_("现住址"), max_length=200, blank=True)
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        # The digest and name indexes serve the look-ups by number and name, and the duplicate rules' search
        # for a written person's matches (the triggers of PossibleDuplicate).
        indexes = [
            models.Index(fields=["id_digest", "region"], name="person_id_digest"),
            models.Index(fields=["phone_digest", "name", "region"], name="person_phone_digest"),
            models.Index(fields=["region", "id"], name="person_region"),
            models.Index(fields=["name", "birth_date", "region"], name="person_name_birth"),
        ]

    def __str__(self) -> str:
        return self.name


class PossibleDuplicate(models.Model):
    """Two persons a duplicate rule (people.selectors.DuplicateRule) matches: a row per rule and pair, `older` the
    smaller id. Kept by the database: triggers on the persons' table (migration 0005) drop a person's pairs and
    find their matches again whenever a person is written, whoever writes them (a registration, a ledger import's
    bulk rows, legacy rows written directly), so the list of possible duplicates reads the pairs themselves
    instead of grouping every person of a scope.

    `region` is the lowest region holding both persons (their codes' longest common level): the pair lies in a
    user's scope exactly when both persons do.

    SQLite drops a table's triggers when a migration rebuilds the table (its way to alter one): a migration that
    alters the persons' table makes them again (tests/people/test_duplicates.py checks they are there).
    """

    rule = models.CharField(max_length=20)
    # ids, not foreign keys: the triggers keep the pairs with the persons, and a merge has nothing to re-point here
    older = models.BigIntegerField()
    newer = models.BigIntegerField()
    region = models.ForeignKey("regions.Region", null=True, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["older", "newer", "rule"], name="possible_duplicate_pair")]
        indexes = [models.Index(fields=["region", "older", "newer"], name="possible_duplicate_region"),
                   models.Index(fields=["newer", "older"], name="possible_duplicate_newer")]

    def __str__(self) -> str:
        return f"{self.rule} {self.older} {self.newer}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("待核实")
    ACCEPTED = "accepted", _("已通过")
    REJECTED = "rejected", _("未通过")


class RegistrationReview(models.Model):
    """A registration that names a person the submitter may not change (registered outside their scope), held
    for the staff of the lowest region covering both (`review_region`) instead of refused with a message
    that would tell the submitter the person exists elsewhere (people.reviews).

    `kind` names the registration to run when accepted ("person", "key_person": people.reviews.HANDLERS);
    `submission` holds its arguments as submitted, the ID number excepted (it is the person's own)."""

    kind = models.CharField(_("类型"), max_length=20)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="registration_reviews")
    region = models.ForeignKey("regions.Region", verbose_name=_("登记区划"), on_delete=models.PROTECT,
                               related_name="+")
    review_region = models.ForeignKey("regions.Region", verbose_name=_("核实单位"), on_delete=models.PROTECT,
                                      related_name="+", db_index=False)
    submission = models.JSONField(default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    submitted_by = models.ForeignKey("accounts.User", verbose_name=_("提交人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    decided_by = models.ForeignKey("accounts.User", verbose_name=_("核实人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    note = models.CharField(_("核实意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("人员登记核实")
        verbose_name_plural = _("人员登记核实")
        indexes = [models.Index(fields=["review_region", "status", "id"], name="review_region_status"),
                   models.Index(fields=["submitted_by", "id"], name="review_submitter")]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id}"

    @property
    def submitted_name(self) -> str:
        return str(self.submission.get("name", ""))

    @property
    def submitted_masked_phone(self) -> str:
        return identity.mask_phone(str(self.submission.get("phone") or ""))
