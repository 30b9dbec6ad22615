"""Forms of the isolation and follow-up pages. They only shape input; the rules live in the services.

Times travel as text ("2020-02-01T18:00" from a datetime-local input): the services parse them and
answer with a Chinese message naming the field, so a page and the API refuse the same input alike.
"""


from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core import region_codes as codes
from fangkong.core.forms import DayField, MomentInput
from fangkong.core.widgets import ListSelect
from fangkong.regions import selectors as region_selectors
from fangkong.regions.forms import ABOVE_GRID, pick_region

from .models import CheckMethod, CountsFrom, Kind, QuarantineStatus, Symptom, TestResult, TransferStatus
from .services.orders import OTHER_ENDINGS


def user_label(user) -> str:
    """A person to pick by name (or place and role) and phone: the login name is no label."""
    return f"{user} {user.phone}" if user.phone else str(user)


def user_choices(users, empty=None) -> list[tuple[str, str]]:
    return ([("", empty)] if empty else []) + [(str(u.pk), user_label(u)) for u in users]


def moment_field(label, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=30, widget=MomentInput())


def chips(choices, multiple: bool = False):
    widget = forms.CheckboxSelectMultiple if multiple else forms.RadioSelect
    return widget(attrs={"class": "chips"}, choices=choices)


class FollowUpForm(forms.Form):
    """记录随访: the temperature on the numeric keypad, symptoms tapped, the method already chosen."""

    temperature = forms.CharField(label=_("体温(°C)"), max_length=8, widget=forms.TextInput(attrs={
        "inputmode": "decimal", "autocomplete": "off", "class": "temperature", "placeholder": "36.5",
        "autofocus": True, "enterkeyhint": "done"}))
    symptoms = forms.MultipleChoiceField(label=_("症状"), required=False, choices=Symptom.choices,
                                         widget=chips(Symptom.choices, multiple=True))
    method = forms.ChoiceField(label=_("随访方式"), choices=CheckMethod.choices, initial=CheckMethod.PHONE,
                               widget=chips(CheckMethod.choices))
    at = moment_field(_("随访时间"))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class ExcuseForm(forms.Form):
    reason = forms.CharField(label=_("未随访原因"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("如：外出就医、电话无人接听")}))
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class StartForm(forms.Form):
    """开始隔离: kind, period, place and the two responsible people of one key person."""

    kind = forms.ChoiceField(label=_("隔离方式"), choices=Kind.choices, widget=chips(Kind.choices))
    start_at = moment_field(_("开始时间"))
    arrival = DayField(label=_("抵达日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    last_exposure = DayField(label=_("末次暴露日期"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    planned_end = moment_field(_("计划结束时间（不按政策时填写）"))
    planned_end_reason = forms.CharField(label=_("调整结束时间的理由"), required=False, max_length=200)
    home_address = forms.CharField(label=_("居家地址"), required=False, max_length=200)
    site = forms.ChoiceField(label=_("观察点"), required=False)
    room = forms.ChoiceField(label=_("房间（选择后即入住）"), required=False)
    cadre = forms.ChoiceField(label=_("包保干部"), widget=ListSelect)  # a county's cadres and doctors for hq
    doctor = forms.ChoiceField(label=_("包保医生"), widget=ListSelect)

    def __init__(self, *args, cadres=(), doctors=(), sites=(), rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = user_choices(cadres, _("请选择"))
        self.fields["doctor"].choices = user_choices(doctors, _("请选择"))
        self.fields["site"].choices = [("", _("不选（居家隔离）"))] + [
            (str(s.pk), _("%(name)s（空床%(free)s）") % {"name": s.name, "free": s.capacity - s.occupied})
            for s in sites]
        self.fields["room"].choices = [("", _("暂不入住"))] + [
            (site.name, [(str(r.pk), _("%(room)s（空床%(free)s）") % {"room": r.name, "free": r.free})
                         for r in site_rooms if r.free > 0])
            for site, site_rooms in rooms]

    def values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] or None for name in ("start_at", "arrival", "last_exposure", "planned_end",
                                                       "home_address", "site", "room")} | {
            "kind": data["kind"], "planned_end_reason": data["planned_end_reason"],
            "cadre": data["cadre"], "doctor": data["doctor"]}


class ReleaseForm(forms.Form):
    at = moment_field(_("解除时间"))
    reason = forms.CharField(label=_("理由（提前或延期解除时必填）"), required=False, max_length=200)


class EndForm(forms.Form):
    status = forms.ChoiceField(label=_("结束方式"), choices=[
        (s.value, s.label) for s in QuarantineStatus if s in OTHER_ENDINGS], widget=chips(
        [(s.value, s.label) for s in QuarantineStatus if s in OTHER_ENDINGS]))
    at = moment_field(_("结束时间"))
    reason = forms.CharField(label=_("说明"), required=False, max_length=200)
    handover_region = forms.CharField(label=_("移交到（离开时）"), required=False, max_length=15)
    handover_to = forms.CharField(label=_("移交去向（离开时）"), required=False, max_length=200,
                                  help_text=_("移交到本地区以外时填写"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # a person may move anywhere in the deployment (another township's village), not only in the scope
        deployment = region_selectors.deployment_region()
        if deployment is not None:
            pick_region(self, "handover_region", deployment.code, levels=(codes.TOWNSHIP, codes.VILLAGE),
                        required=False, blank=_("（本地区以外，请填写去向）"))
            field = self.fields["handover_region"]
            if type(field.widget) is forms.Select:  # the deployment's townships and villages: hundreds of options
                widget = ListSelect(attrs=field.widget.attrs, choices=field.widget.choices)
                widget.is_required = field.widget.is_required
                field.widget = widget


class PlannedEndForm(forms.Form):
    planned_end = moment_field(_("新的计划结束时间"), required=True)
    reason = forms.CharField(label=_("理由"), max_length=200)


class ResponsibleForm(forms.Form):
    cadre = forms.ChoiceField(label=_("包保干部"), required=False, widget=ListSelect)
    doctor = forms.ChoiceField(label=_("包保医生"), required=False, widget=ListSelect)

    def __init__(self, *args, cadres=(), doctors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = user_choices(cadres, _("不变"))
        self.fields["doctor"].choices = user_choices(doctors, _("不变"))


class TestForm(forms.Form):
    sampled_at = moment_field(_("采样时间"), required=True)
    result = forms.ChoiceField(label=_("检测结果"), choices=TestResult.choices, widget=chips(TestResult.choices))


class CheckInForm(forms.Form):
    room = forms.ChoiceField(label=_("房间"))
    at = moment_field(_("入住时间"))

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [(str(r.pk), _("%(room)s（空床%(free)s）") % {"room": r.name, "free": r.free})
                                       for r in rooms if r.free > 0]


class CheckOutForm(forms.Form):
    at = moment_field(_("退房时间"))
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class SiteForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    region_code = forms.CharField(label=_("所属区划"))
    address = forms.CharField(label=_("地址"), max_length=200)
    manager = forms.ChoiceField(label=_("负责人"), required=False)
    rooms = forms.CharField(label=_("房间（每行一间：房间号 床位数）"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4, "placeholder": "101 1\n102 2"}))

    def __init__(self, *args, scope: str, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        pick_region(self, "region_code", scope, levels=ABOVE_GRID)
        self.fields["manager"].choices = user_choices(managers, _("不指定"))

    def clean_rooms(self) -> list[tuple[str, str]]:
        rooms = []
        for number, line in enumerate(self.cleaned_data["rooms"].splitlines(), start=1):
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(_("第%(n)s行应为“房间号 床位数”：%(line)s") % {"n": number, "line": line})
            rooms.append((parts[0], parts[1]))
        return rooms


class RoomForm(forms.Form):
    name = forms.CharField(label=_("房间"), max_length=30)
    capacity = forms.IntegerField(label=_("床位数"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("床位数"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("处理人"))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = user_choices(people, _("请选择"))


class CloseForm(forms.Form):
    CHOICES = [(TransferStatus.DONE.value, TransferStatus.DONE.label),
               (TransferStatus.CANCELLED.value, TransferStatus.CANCELLED.label)]
    status = forms.ChoiceField(label=_("处理结果"), choices=CHOICES, widget=chips(CHOICES))
    note = forms.CharField(label=_("说明（取消时必填）"), required=False, max_length=200)


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(label=_("隔离方式"), choices=Kind.choices, widget=chips(Kind.choices))
    length_days = forms.CharField(label=_("隔离天数"), max_length=5,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    counts_from = forms.ChoiceField(label=_("起算时间"), choices=CountsFrom.choices, widget=chips(CountsFrom.choices))
    follow_up_times = forms.CharField(label=_("每日随访时间（逗号分隔）"), max_length=60,
                                      widget=forms.TextInput(attrs={"placeholder": "08:00,18:00"}))
    fever_threshold = forms.CharField(label=_("发热阈值(°C)"), max_length=6, required=False,
                                      help_text=_("留空则按全县统一的发热标准；填写则只用于此类人员隔离期间的随访"),
                                      widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    release_needs_negative_tests = forms.BooleanField(label=_("解除须核酸阴性"), required=False)


class NoticeForm(forms.Form):
    DOCUMENTS = [("notice", _("居家隔离告知书")), ("pledge", _("隔离承诺书"))]
    doc = forms.ChoiceField(choices=DOCUMENTS, initial="notice")
    reveal = forms.BooleanField(required=False)
