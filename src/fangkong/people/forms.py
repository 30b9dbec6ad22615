"""Page forms for people and households. They only collect input: the services validate it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import region_codes as codes
from fangkong.regions.forms import pick_region

from .models import IdType, Sex


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(label=_("证件号码"), max_length=60)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    region_code = forms.CharField(label=_("现住区划"), max_length=15)
    address = forms.CharField(label=_("现住址"), max_length=200, required=False)
    workplace = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    household = forms.IntegerField(label=_("户编号"), required=False, min_value=1)
    sex = forms.ChoiceField(label=_("性别（非身份证时填写）"), choices=Sex.choices, required=False)
    birth_date = forms.DateField(label=_("出生日期（非身份证时填写）"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        pick_region(self, "region_code", scope)


class PersonEditForm(PersonForm):
    """Editing never shows the stored numbers: left empty, the ID number and phone stay as they are."""

    id_number = forms.CharField(label=_("证件号码"), max_length=60, required=False,
                                help_text=_("留空则不修改"))
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False, help_text=_("留空则不修改"))
    clear_phone = forms.BooleanField(label=_("删除联系电话"), required=False)
    household = forms.IntegerField(label=_("户编号（留空则移出户）"), required=False, min_value=1)

    def __init__(self, *args, scope: str, person=None, **kwargs):
        super().__init__(*args, scope=scope, **kwargs)
        if person is not None:
            self.fields["id_number"].widget.attrs["placeholder"] = person.masked_id
            self.fields["phone"].widget.attrs["placeholder"] = person.masked_phone

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        clear_phone = data.pop("clear_phone")
        data["id_number"] = data["id_number"] or None
        data["phone"] = "" if clear_phone else (data["phone"] or None)
        data["household"] = data["household"] or ""
        data["birth_date"] = data["birth_date"] or ""
        return data


class HouseholdForm(forms.Form):
    region_code = forms.CharField(label=_("所属村（社区）或网格"), max_length=15)
    address = forms.CharField(label=_("住址"), max_length=200)
    head_name = forms.CharField(label=_("户主"), max_length=50, required=False)

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        pick_region(self, "region_code", scope, levels=(codes.VILLAGE, codes.GRID))


class AddMemberForm(forms.Form):
    number = forms.CharField(label=_("成员的证件号码或电话"), max_length=60)
