"""Forms of the tracing pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import DayField, MomentInput

from .models import Classification, FoundBy, LabResult, Outcome, Severity, Specimen, TestKind

DATE = {"type": "date"}


class ExposureForm(forms.Form):
    number = forms.CharField(label=_("身份证号码或手机号"), max_length=40, required=False)
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


# Cases and lab tests (views.cases, views.lab) ------------------------------------------------------------
# Forms only shape input: dates and times travel as text to the services (services.cases, services.lab),
# which read them and name each wrong field, so a page and the API refuse the same input alike.

def _text(label, required: bool = False, max_length: int = 100, **attrs) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=forms.TextInput(attrs=attrs) if attrs else None)


def _day(label) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=30, widget=forms.DateInput(attrs=DATE))


def _moment(label) -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=30, widget=MomentInput())


def _choices(choices, empty=None) -> list:
    return ([("", empty)] if empty is not None else []) + list(choices)


class ReportCaseForm(forms.Form):
    """报告病例: the person (chosen already, or named by ID number and region) and the case."""

    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    lab_test = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    name = _text(_("姓名"), max_length=50)
    id_number = _text(_("证件号码"), max_length=40, autocomplete="off")
    region_code = forms.ChoiceField(label=_("现住区划"), required=False)
    phone = _text(_("联系电话"), max_length=20, inputmode="tel")
    address = _text(_("现住址"), max_length=200)
    classification = forms.ChoiceField(label=_("分类"), choices=[
        c for c in Classification.choices if c[0] != Classification.EXCLUDED])
    severity = forms.ChoiceField(label=_("临床分型"), required=False, choices=_choices(Severity.choices, "—"))
    found_by = forms.ChoiceField(label=_("发现途径"), choices=FoundBy.choices)
    reporting_unit = _text(_("报告单位"))
    onset_date = _day(_("发病日期"))
    first_visit_date = _day(_("初诊日期"))
    diagnosed_at = _moment(_("诊断时间"))
    reported_at = _moment(_("报告时间"))
    confirmed_at = _moment(_("确诊时间"))
    isolated_at = _moment(_("隔离时间"))
    admitted_at = _moment(_("入院时间"))
    note = _text(_("备注"), max_length=300)

    PERSON_FIELDS = ("name", "id_number", "region_code", "phone", "address")

    def __init__(self, *args, regions=(), person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = _choices(regions, "—")
        if person is not None:  # the person is known: their fields are not asked again
            for name in self.PERSON_FIELDS:
                del self.fields[name]


class CaseEditForm(forms.Form):
    """修改病例信息: dates, how it was found, the reporting unit, the note."""

    found_by = forms.ChoiceField(label=_("发现途径"), choices=FoundBy.choices)
    reporting_unit = _text(_("报告单位"))
    onset_date = _day(_("发病日期"))
    first_visit_date = _day(_("初诊日期"))
    diagnosed_at = _moment(_("诊断时间"))
    reported_at = _moment(_("报告时间"))
    confirmed_at = _moment(_("确诊时间"))
    isolated_at = _moment(_("隔离时间"))
    admitted_at = _moment(_("入院时间"))
    note = _text(_("备注"), max_length=300)


class ReclassifyForm(forms.Form):
    """订正: the new classification and severity, with the reason."""

    classification = forms.ChoiceField(label=_("新分类"), choices=Classification.choices)
    severity = forms.ChoiceField(label=_("临床分型"), required=False, choices=_choices(Severity.choices, "—"))
    reason = _text(_("订正原因"), max_length=200)
    at = _moment(_("订正时间"))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("转归"), choices=[c for c in Outcome.choices if c[0]])
    at = _moment(_("转归时间"))
    note = _text(_("备注"), max_length=300)


class SampleForm(forms.Form):
    """采样登记: the person by ID number, the sample, and its result when known."""

    id_number = _text(_("证件号码"), max_length=40, autocomplete="off")
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("检测类型"), choices=TestKind.choices)
    specimen = forms.ChoiceField(label=_("标本类型"), choices=Specimen.choices)
    lab = _text(_("检测机构"))
    sample_number = _text(_("样本编号"), max_length=40, autocomplete="off")
    sampled_at = _moment(_("采样时间"))
    result = forms.ChoiceField(label=_("检测结果"), choices=LabResult.choices, initial=LabResult.PENDING)
    result_at = _moment(_("出结果时间"))


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("检测结果"), choices=[c for c in LabResult.choices if c[0] != LabResult.PENDING])
    result_at = _moment(_("出结果时间"))


class DismissForm(forms.Form):
    reason = _text(_("不采纳的理由"), max_length=200)


class LabImportForm(forms.Form):
    file = forms.FileField(label=_("检测结果文件"), help_text=_("Excel（.xlsx、.xls）、WPS/LibreOffice（.ods）或CSV"))
    lab = _text(_("检测机构"), required=True)
    keep_valid = forms.BooleanField(label=_("只导入正确的行，报告其余行"), required=False)
