"""Forms of the screening pages. They only shape input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import region_codes as codes
from fangkong.core.forms import DayField
from fangkong.core.widgets import ListSelect
from fangkong.people.models import IdType
from fangkong.regions.forms import ABOVE_GRID, pick_region

from .models import Category, CheckMethod, Finding, Status, Symptom, TransportMode
from .services.key_persons import END_STATUSES

SEPARATOR = "、"


def symptom_choices() -> list[tuple[str, str]]:
    """Tapped, not typed: the one list of symptoms (models.Symptom), as at a follow-up. The value is the
    Chinese word the ledger's text keeps; the label follows the user's language."""
    words = Symptom.words()
    return [(words[value], label) for value, label in Symptom.choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def symptoms_text(data: dict) -> str:
    """The tapped symptoms and the free text as one text, as the ledger keeps it."""
    other = (data.get("symptoms_other") or "").strip()
    return SEPARATOR.join([*data.get("symptom_tags", []), *([other] if other else [])])


def split_symptoms(value: str) -> dict:
    """Initial values of the symptom fields for a stored text."""
    known = set(Symptom.words().values())
    parts = [p for p in (value or "").split(SEPARATOR) if p]
    return {"symptom_tags": [p for p in parts if p in known],
            "symptoms_other": SEPARATOR.join(p for p in parts if p not in known)}


def symptom_fields():
    return (forms.MultipleChoiceField(label=_("症状"), required=False,
                                      widget=forms.CheckboxSelectMultiple(attrs={"class": "chips"}),
                                      choices=symptom_choices),
            forms.CharField(label=_("其他症状"), required=False, max_length=100))


class TravelFields(forms.Form):
    origin = forms.CharField(label=_("来自何地"), required=False, max_length=100,
                             widget=forms.TextInput(attrs={"list": "origins", "placeholder": _("如：武汉")}))
    departure_date = DayField(label=_("离开日期"), required=False, widget=DateInput())
    arrival_date = DayField(label=_("抵达日期"), required=False, widget=DateInput())
    transport_mode = forms.ChoiceField(label=_("交通方式"), required=False,
                                       choices=[("", _("未填"))] + TransportMode.choices)
    transport_number = forms.CharField(label=_("车次/航班/车牌"), required=False, max_length=40)
    symptom_tags, symptoms_other = symptom_fields()
    responsible = forms.ChoiceField(label=_("责任人"), required=False, widget=ListSelect)  # a county's cadres
    note = forms.CharField(label=_("备注"), required=False, max_length=300)

    def __init__(self, *args, responsible_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [("", _("不指定"))] + [
            (str(u.pk), str(u)) for u in responsible_choices]

    def details(self) -> dict:
        data = self.cleaned_data
        return {"origin": data["origin"], "departure_date": data["departure_date"],
                "arrival_date": data["arrival_date"], "transport_mode": data["transport_mode"],
                "transport_number": data["transport_number"], "symptoms": symptoms_text(data),
                "responsible": data["responsible"] or None, "note": data["note"]}


class RegisterForm(TravelFields):
    """登记人员: the person and the ledger entry in one form."""

    field_order = ["name", "id_type", "id_number", "phone", "region", "address", "category", "origin",
                   "arrival_date", "departure_date", "transport_mode", "transport_number", "symptom_tags",
                   "symptoms_other", "responsible", "registered_on", "workplace", "note"]
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(label=_("证件号码"), max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    region = forms.CharField(label=_("所在村（社区）/网格"))
    address = forms.CharField(label=_("现住址"), required=False, max_length=200)
    workplace = forms.CharField(label=_("工作单位"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("人员类别"), choices=Category.choices, initial=Category.RETURNEE,
                                 widget=forms.RadioSelect(attrs={"class": "chips"}))
    registered_on = DayField(label=_("登记日期"), required=False, widget=DateInput())
    household = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, scope: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if scope:  # a form read for its other fields only (the symptom list) needs no regions
            pick_ledger_region(self, scope)

    def person(self) -> dict:
        data = self.cleaned_data
        return {"name": data["name"], "id_type": data["id_type"], "id_number": data["id_number"],
                "phone": data["phone"], "region_code": data["region"], "address": data["address"],
                "workplace": data["workplace"], "household": data["household"]}


# where a ledger entry belongs (the services refuse any other level)
LEDGER_LEVELS = (codes.VILLAGE, codes.GRID)


def pick_ledger_region(form: forms.Form, scope: str) -> None:
    """The region picker of an entry: the villages and grids of the scope."""
    pick_region(form, "region", scope, levels=LEDGER_LEVELS)


class KeyPersonEditForm(TravelFields):
    region = forms.CharField(label=_("所在村（社区）/网格"))
    registered_on = DayField(label=_("登记日期"), widget=DateInput())

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        pick_ledger_region(self, scope)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("结束管理"), widget=forms.RadioSelect(attrs={"class": "chips"}),
                               choices=[(s.value, s.label) for s in Status if s in END_STATUSES])
    ended_on = DayField(label=_("日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("备注"), required=False, max_length=300)


class CheckForm(forms.Form):
    """记录检查: a temperature on the numeric keypad, symptoms and method by tapping."""

    temperature = forms.CharField(label=_("体温(°C)"), max_length=8, widget=forms.TextInput(attrs={
        "inputmode": "decimal", "autocomplete": "off", "class": "temperature", "placeholder": "36.5",
        "autofocus": True, "enterkeyhint": "done"}))
    method = forms.ChoiceField(label=_("方式"), choices=CheckMethod.choices, initial=CheckMethod.PHONE,
                               widget=forms.RadioSelect(attrs={"class": "chips"}))
    symptom_tags, symptoms_other = symptom_fields()
    checked_on = DayField(label=_("日期"), required=False, widget=DateInput())

    def values(self) -> dict:
        data = self.cleaned_data
        return {"temperature": data["temperature"], "method": data["method"],
                "symptoms": symptoms_text(data), "checked_on": data["checked_on"]}


class SweepForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    region_code = forms.CharField(label=_("范围"))
    start_date = DayField(label=_("开始日期"), widget=DateInput())
    end_date = DayField(label=_("结束日期"), widget=DateInput())

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        pick_region(self, "region_code", scope, levels=ABOVE_GRID)


class VisitForm(forms.Form):
    present_count = forms.IntegerField(label=_("在家人数"), min_value=0, max_value=99,
                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    away_note = forms.CharField(label=_("外出人员及去向"), required=False, max_length=300)
    finding = forms.ChoiceField(label=_("发现情况"), required=False, choices=Finding.choices,
                                widget=forms.RadioSelect(attrs={"class": "chips"}))
    note = forms.CharField(label=_("备注"), required=False, max_length=300)
    visited_on = DayField(label=_("走访日期"), required=False, widget=DateInput())


class TaskCloseForm(forms.Form):
    note = forms.CharField(label=_("处理情况"), max_length=300, widget=forms.TextInput(attrs={
        "placeholder": _("如：已上门核实，居家观察")}))


