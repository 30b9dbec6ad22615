"""The medical app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels
from fangkong.screening.models import Symptom

from .models import Medicine

labels.register(
    actions={
        "pharmacy_purchase.register": _("登记药店购药"), "pharmacy_purchase.public": _("药店购药扫码登记"),
        "pharmacy_purchase.confirm": _("核实药店购药登记"), "pharmacy_purchase.reveal": _("查看购药人完整证件号码和手机号"),
    },
    fields={"buyer_ref": _("购药人编号"), "person_created": _("新建人员"), "pharmacy": _("药店")},
    values={"medicines": Medicine.choices, "symptoms": Symptom.choices},
)
