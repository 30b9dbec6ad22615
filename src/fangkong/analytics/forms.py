from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import DayField


class DailyTableForm(forms.Form):
    """The page's choice of region and day (GET); both optional: the user's scope, today."""

    region = forms.CharField(label=_("区划"), required=False, max_length=15)
    date = DayField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
