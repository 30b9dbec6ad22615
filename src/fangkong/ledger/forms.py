from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core import region_codes as codes
from fangkong.core.forms import DayField
from fangkong.core.widgets import ListSelect
from fangkong.regions import selectors as region_selectors
from fangkong.screening.models import Category

REGION_CHOICES_LIMIT = 3000  # a county's villages and grids; a province-wide user types a code instead


def region_choices(user) -> list[tuple[str, str]]:
    regions = region_selectors.regions_for(user).order_by("code").values_list("code", "name")[:REGION_CHOICES_LIMIT]
    top = codes.PREFIX_LENGTH[codes.level_of(user.region_id)]
    # by name, indented under its township: the code is no one's business when picking from a list
    return [(code, "\u3000" * ((codes.PREFIX_LENGTH[codes.level_of(code)] - top) // 3) + name) for code, name in regions]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("台账文件"), help_text=_("Excel（.xlsx、.xls）、WPS/LibreOffice（.ods）或CSV"))
    region = forms.ChoiceField(label=_("导入到"), widget=ListSelect)
    category = forms.ChoiceField(label=_("人员类别"), required=False,
                                 choices=[("", _("按文件中的“类别”列"))] + list(Category.choices))
    as_of = DayField(label=_("表格日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                     help_text=_("表格所反映的日期；不填则取各工作表标题中的填报日期，没有则为今天"))
    keep_valid = forms.BooleanField(label=_("只导入正确的行，报告其余行"), required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(user)
        self.fields["region"].initial = user.region_id


class ExportForm(forms.Form):
    region = forms.ChoiceField(label=_("区划"), widget=ListSelect)
    date = DayField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reveal = forms.BooleanField(label=_("导出完整证件号码和电话（留痕）"), required=False)

    def __init__(self, user, *args, can_reveal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(user)
        self.fields["region"].initial = user.region_id
        self.fields["date"].initial = timezone.localdate()
        if not can_reveal:
            del self.fields["reveal"]
