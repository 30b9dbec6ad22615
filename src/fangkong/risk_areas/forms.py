"""Forms of the risk-area list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import DayField


class RiskAreaForm(forms.Form):
    code = forms.CharField(label=_("区划代码"), max_length=12, help_text=_("省2位、市4位、县6位，如 4201 = 武汉市"),
                           widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    name = forms.CharField(label=_("名称"), max_length=100, required=False, help_text=_("留空则按代码自动填写"))
    valid_from = DayField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = DayField(label=_("截止日期"), required=False, help_text=_("留空表示直至另行通知"),
                                  widget=forms.DateInput(attrs={"type": "date"}))


