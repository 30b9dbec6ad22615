"""Forms of the tracing pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import DayField

DATE = {"type": "date"}


class ExposureForm(forms.Form):
    number = forms.CharField(label=_("身份证号或手机号"), max_length=40, required=False)
    person = forms.IntegerField(label=_("人员编号"), required=False, min_value=1, widget=forms.HiddenInput)
    start = DayField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    end = DayField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


