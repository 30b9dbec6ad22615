"""Forms of the checkpoint, passage, risk-area and arrival-task pages. They only shape input: the rules
(and the Chinese messages naming the field) live in the services, so a page and the API refuse alike.

Choices that cost a query (regions, staff, destinations) are filled by the view only when the form
is shown, never on a successful POST: the passage form's POST stays a handful of queries.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import MomentInput
from fangkong.core.idempotency import KEY_MAX, new_key
from fangkong.people.models import IdType

from .models import CheckpointKind, Direction, Outcome


def chips(choices):
    return forms.RadioSelect(attrs={"class": "chips"}, choices=choices)


def client_key_field() -> forms.CharField:
    """The hidden idempotency key of a registration form: a new one each time the form is shown, the same
    one when it is sent again (a second tap, a reload), so the registration is stored once."""
    return forms.CharField(required=False, max_length=KEY_MAX, initial=new_key, widget=forms.HiddenInput)


class CheckpointForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=CheckpointKind.choices)
    region_code = forms.CharField(label=_("所属区划"), widget=forms.Select())
    location = forms.CharField(label=_("位置"), max_length=200, required=False)
    open_24h = forms.BooleanField(label=_("24小时值守"), required=False, initial=True)
    hours = forms.CharField(label=_("值守时段"), max_length=50, required=False,
                            widget=forms.TextInput(attrs={"placeholder": "07:00-22:00"}))


class ShiftForm(forms.Form):
    staff = forms.CharField(label=_("值守人员"), widget=forms.Select())
    starts_at = forms.CharField(label=_("开始时间"), max_length=30, widget=MomentInput())
    ends_at = forms.CharField(label=_("结束时间"), max_length=30, widget=MomentInput())
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class InspectionForm(forms.Form):
    barrier = forms.BooleanField(label=_("有卡口设施"), required=False)
    staff_on_duty = forms.BooleanField(label=_("有值守人员"), required=False)
    register = forms.BooleanField(label=_("有进出登记"), required=False)
    thermometer = forms.BooleanField(label=_("有体温检测"), required=False)
    disinfection = forms.BooleanField(label=_("有消毒措施"), required=False)
    note = forms.CharField(label=_("备注（存在问题）"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))




class PassageForm(forms.Form):
    """登记通行 on a phone: the ID first (a known person is recognised and prefilled), then the rest."""

    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(label=_("证件号码"), max_length=40, widget=forms.TextInput(attrs={
        "autofocus": True, "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
        "enterkeyhint": "next"}))
    name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("电话"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}))
    vehicle_plate = forms.CharField(label=_("车牌号"), max_length=20, required=False, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "placeholder": _("如 鄂K12345；步行留空")}))
    origin = forms.CharField(label=_("来自何地"), max_length=100, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("如 武汉市江岸区")}))
    origin_code = forms.CharField(label=_("来源地区划"), max_length=12, required=False, widget=forms.Select())
    destination = forms.CharField(label=_("目的地（本县乡镇、村）"), max_length=15, required=False, widget=forms.Select())
    destination_text = forms.CharField(label=_("目的地详址"), max_length=200, required=False)
    temperature = forms.CharField(label=_("体温(°C)"), max_length=8, widget=forms.TextInput(attrs={
        "inputmode": "decimal", "autocomplete": "off", "class": "temperature", "placeholder": "36.5"}))
    outcome = forms.ChoiceField(label=_("处置"), choices=Outcome.choices, initial=Outcome.PASS,
                                widget=chips(Outcome.choices))
    direction = forms.ChoiceField(label=_("方向"), choices=Direction.choices, initial=Direction.IN,
                                  widget=chips(Direction.choices))
    passed_at = forms.CharField(label=_("通行时间（补录时填写）"), max_length=30, required=False, widget=MomentInput())
    client_key = client_key_field()


