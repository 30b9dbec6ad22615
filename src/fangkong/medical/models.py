"""Medical registers (医疗救治). The first: the pharmacy's register of fever-medicine buyers (药店购药登记).

In 2020 whoever bought fever or cough medicine (退烧药、止咳药、抗病毒药、抗生素) at a pharmacy registered: name,
ID number, phone, where they live, temperature, symptoms and what they bought, so that a fever treated at home
with tablets still reached the fever clinic. A pharmacy is a key place of kind `pharmacy` (fangkong.places).

`PharmacyPurchase` is one purchase. Registered by staff (a village doctor, township or headquarters staff), it
names its buyer at once (`person`, found or recorded by the people app's rule); registered by the buyer on
the pharmacy's public page (reached by its place code), it keeps what they typed, as a public check-in does,
until staff confirm who it was (services.confirm_purchase). A big append-only table: every read is an index
range by (region, time), (home region, time), (pharmacy, time) or (person, time).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.people import identity
from fangkong.people.models import IdType
from fangkong.screening.models import Symptom

User = settings.AUTH_USER_MODEL


class Medicine(models.TextChoices):
    """The kinds of medicine whose buyers registered."""

    ANTIPYRETIC = "antipyretic", _("退烧药")
    COUGH = "cough", _("止咳药")
    ANTIVIRAL = "antiviral", _("抗病毒药")
    ANTIBIOTIC = "antibiotic", _("抗生素")


class Channel(models.TextChoices):
    """Who registered the purchase."""

    STAFF = "staff", _("工作人员登记")
    PUBLIC = "public", _("扫码自助登记")


class PharmacyPurchase(identity.MaskedNumbers, models.Model):
    """药店购药登记: one buyer of fever or cough medicine at one pharmacy at one time.

    `region` is the pharmacy's (where it was bought); `home_region` the village (or grid) of the county where
    the buyer lives now, empty when they live outside it. The identity (name, ID number, phone, with their
    keyed digests) is kept as registered; `person` is the buyer once known (see the module docstring)."""

    pharmacy = models.ForeignKey("places.Place", verbose_name=_("药店"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("药店所在区划"), on_delete=models.PROTECT,
                               related_name="+")
    home_region = models.ForeignKey("regions.Region", verbose_name=_("现住村（社区）"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("现住址"), max_length=200, blank=True)
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = models.CharField(_("证件号码"), max_length=40)
    id_digest = models.CharField(max_length=40, editable=False)
    phone = models.CharField(_("联系电话"), max_length=20)
    phone_digest = models.CharField(max_length=40, editable=False)
    temperature = models.DecimalField(_("体温"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("症状"), default=list, blank=True)  # screening.models.Symptom values
    medicines = models.JSONField(_("所购药品类别"), default=list)  # Medicine values
    medicine_names = models.CharField(_("药品名称"), max_length=200, blank=True)
    # a fever when registered: the temperature at or above the threshold then, or the symptom 发热 (services)
    fever = models.BooleanField(_("发热"), default=False)
    bought_at = models.DateTimeField(_("购药时间"), default=timezone.now)
    channel = models.CharField(_("登记方式"), max_length=10, choices=Channel.choices)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    # the sender's idempotency key (core.idempotency): one purchase per key and pharmacy
    client_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("药店购药登记")
        verbose_name_plural = _("药店购药登记")
        constraints = [models.UniqueConstraint(fields=["pharmacy", "client_key"], condition=~Q(client_key=""),
                                               name="purchase_pharmacy_client_key")]
        indexes = [
            models.Index(fields=["region", "bought_at"], name="purchase_region"),
            models.Index(fields=["home_region", "bought_at"], name="purchase_home"),
            models.Index(fields=["pharmacy", "bought_at"], name="purchase_pharmacy"),
            models.Index(fields=["person", "bought_at"], name="purchase_person"),
            models.Index(fields=["phone_digest", "bought_at"], name="purchase_phone"),
            models.Index(fields=["bought_at"], name="purchase_day"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {timezone.localtime(self.bought_at):%Y-%m-%d %H:%M}"

    @property
    def symptoms_text(self) -> str:
        """The symptoms in words of the page's language, 、-separated."""
        return "、".join(str(Symptom(s).label) for s in self.symptoms if s in Symptom.values)

    @property
    def medicines_text(self) -> str:
        return "、".join(str(Medicine(m).label) for m in self.medicines if m in Medicine.values)

    @property
    def confirmed(self) -> bool:
        """Whose purchase it is is known: registered by staff, or confirmed since."""
        return self.person_id is not None
