"""Forms of the pharmacy register. They only shape the input: the services validate it (messages keyed by field).
The village, the symptoms and the medicines are picked, not typed; choices that cost a query are filled by the
view when the form is shown."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.checkpoints.forms import client_key_field
from fangkong.core.forms import MomentInput
from fangkong.people.models import IdType
from fangkong.screening.models import Symptom

from .models import Medicine


def _chips(choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(choices=choices, required=False,
                                     widget=forms.CheckboxSelectMultiple(attrs={"class": "chips"}))


class PurchaseFields(forms.Form):
    """What the buyer of fever or cough medicine registers, on the public page and the staff's alike."""

    name = forms.CharField(label=_("姓名"), max_length=60, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = forms.CharField(label=_("身份证号码"), max_length=40, required=False, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    home_region = forms.CharField(label=_("现住村（社区）"), max_length=15, required=False, widget=forms.Select())
    address = forms.CharField(label=_("现住址（组、门牌号）"), max_length=200, required=False)
    temperature = forms.CharField(label=_("体温（°C）"), max_length=10, required=False, widget=forms.TextInput(attrs={
        "inputmode": "decimal", "autocomplete": "off", "placeholder": "36.5"}))
    symptoms = _chips(Symptom.choices)
    medicines = _chips(Medicine.choices)
    medicine_names = forms.CharField(label=_("药品名称（选填）"), max_length=200, required=False,
                                     widget=forms.TextInput(attrs={"placeholder": _("如 布洛芬缓释胶囊")}))
    client_key = client_key_field()

    def __init__(self, *args, homes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_region"].widget.choices = homes
        self.fields["symptoms"].label = _("症状（无症状不选）")
        self.fields["medicines"].label = _("所购药品类别")


class PublicPurchaseForm(PurchaseFields):
    """The pharmacy's public page: a resident ID only (the buyer types it)."""


class StaffPurchaseForm(PurchaseFields):
    """Staff at the counter, with the buyer's ID card in hand: any document; a purchase of the paper register
    typed in later takes its time."""

    field_order = ["pharmacy", "id_type", "id_number", "name", "phone"]
    pharmacy = forms.ChoiceField(label=_("药店"))
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID)
    bought_at = forms.CharField(label=_("购药时间（补录时填写）"), max_length=30, required=False, widget=MomentInput())

    def __init__(self, *args, pharmacies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].label = _("证件号码")
        self.fields["pharmacy"].choices = [(p.pk, p.name) for p in pharmacies]


class ConfirmForm(forms.Form):
    """核实: the buyer's identity as typed, corrected by the staff who called them."""

    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=40, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
