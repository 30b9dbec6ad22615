"""Forms of the daily report chain pages. They only shape input; the services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import DayField

from .services import MAX_COMMENT, MAX_SITUATION


class ChainChoiceForm(forms.Form):
    """The status page's region and day (GET); both optional: the user's scope, today."""

    region = forms.CharField(label=_("区划"), required=False, max_length=15)
    date = DayField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    state = forms.CharField(label=_("状态"), required=False, max_length=20)


class SituationForm(forms.Form):
    situation = forms.CharField(label=_("情况与问题"), required=False, max_length=MAX_SITUATION,
                                widget=forms.Textarea(attrs={"rows": 6}))


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("退回意见"), required=False, max_length=MAX_COMMENT,
                              widget=forms.Textarea(attrs={"rows": 3}))


class SettingsForm(forms.Form):
    deadline = forms.CharField(label=_("每日报送截止时间"), max_length=8,
                               widget=forms.TimeInput(attrs={"type": "time"}))
