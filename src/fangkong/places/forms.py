"""Forms of places, hygiene logs, the public check-in and the exposure search. They only shape the input;
the services validate it (messages keyed by field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.checkpoints.forms import client_key_field
from fangkong.core.forms import DayField
from fangkong.regions.forms import ABOVE_GRID, pick_region
from fangkong.risk_areas import services as risk_areas

from .models import PlaceKind

DATE = {"type": "date"}


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=PlaceKind.choices)
    region_code = forms.CharField(label=_("所属区划"))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    operator = forms.CharField(label=_("经营/管理单位"), max_length=100, required=False)
    operator_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel"}))

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        pick_region(self, "region_code", scope, levels=ABOVE_GRID)


class ClosureForm(forms.Form):
    reason = forms.CharField(label=_("关闭原因"), max_length=300)


class HygieneForm(forms.Form):
    day = DayField(label=_("日期"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    cleaned = forms.BooleanField(label=_("已清洗"), required=False)
    disinfected = forms.BooleanField(label=_("已消毒"), required=False)
    patrolled = forms.BooleanField(label=_("已巡查"), required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class HygieneCorrectionForm(forms.Form):
    cleaned = forms.BooleanField(label=_("已清洗"), required=False)
    disinfected = forms.BooleanField(label=_("已消毒"), required=False)
    patrolled = forms.BooleanField(label=_("已巡查"), required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)
    reason = forms.CharField(label=_("更正原因"), max_length=200, required=False,
                             help_text=_("必填，记入审计记录"))


def origin_choices() -> list:
    """Where a visitor came from, picked (a province, or its city): nobody outside knows a region code."""
    choices: list = [("", _("未离开本地 / 不填"))]
    for code, name, cities in risk_areas.places_to_pick():
        choices.append((name, [(code, _("%(province)s（全省）") % {"province": name}), *cities]))
    return choices


class CheckInForm(forms.Form):
    """The public check-in. Fields are plain text: the service validates (and says what is wrong); the
    origin is picked, and its name goes with its code."""
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    name = forms.CharField(label=_("姓名"), max_length=60, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = forms.CharField(label=_("身份证号码（选填）"), max_length=20, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    origin_code = forms.CharField(label=_("近14天来自何地（选填）"), max_length=12, required=False,
                                  widget=forms.Select())
    temperature = forms.CharField(label=_("体温（选填，°C）"), max_length=10, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    client_key = client_key_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin_code"].widget.choices = origin_choices()

    def clean(self):
        data = super().clean()
        data["origin"] = risk_areas.picked_place_name(data.get("origin_code") or "")
        return data


