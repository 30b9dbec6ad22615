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


# The public itinerary notice (views.notices) -------------------------------------------------------------

MOMENT = {"type": "datetime-local"}


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    alias = forms.CharField(label=_("公开称谓"), max_length=20, help_text=_("如“病例3”，不写姓名"))


class NoticeItemForm(forms.Form):
    """One item as typed: the service (services.notices.edit_notice) reads and checks the values."""

    starts_at = forms.CharField(label=_("开始时间"), required=False, widget=forms.DateTimeInput(attrs=MOMENT))
    ends_at = forms.CharField(label=_("结束时间"), required=False, widget=forms.DateTimeInput(attrs=MOMENT))
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    transport = forms.CharField(label=_("交通（车次/航班/车牌、座位）"), max_length=100, required=False)


NoticeItemFormSet = forms.formset_factory(NoticeItemForm, extra=1, can_delete=True, max_num=200, absolute_max=200)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200)
