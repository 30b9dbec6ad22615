"""Passage registration on a phone, and the arrival tasks of a village worker.

登记通行 is made for a queue: the ID field has the focus; typing a known ID fills the name (and
the last trip) through a small inline script calling the JSON lookup; after 保存 the page comes
back empty with one success line naming who was registered (ID masked; a second tap of 保存 or a reload
says it was registered already: the form's hidden key, services.duplicates), and "同车" puts the
previous vehicle, origin and destination back with one tap. A successful POST costs the
registration's queries and a redirect, nothing else (no choices are built for it).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import region_codes as codes
from fangkong.core.forms import apply_service_error, query_day
from fangkong.core.region_codes import within
from fangkong.people import identity
from fangkong.regions.models import Region
from fangkong.risk_areas import selectors as risk_area_selectors
from fangkong.risk_areas import services as risk_areas

from .. import permissions
from ..forms import PassageForm
from ..models import CheckpointStatus, Outcome
from ..selectors import checkpoints as selectors
from ..selectors import passages as passage_selectors
from ..services import passages as services
from .checkpoints import require

SAME_VEHICLE_FIELDS = ("vehicle_plate", "origin", "origin_code", "destination", "destination_text")


def destination_choices(checkpoint) -> list:
    """Townships and villages of the checkpoint's county, grouped by township (a county has a few hundred)."""
    county = checkpoint.region_id[:6].ljust(12, "0")
    rows = (Region.objects.filter(within(county, "code"), level__in=[codes.TOWNSHIP, codes.VILLAGE])
            .order_by("code").values_list("code", "name", "level"))
    groups: list = [("", _("（不进入本县 / 不详）"))]
    for code, name, level in rows:
        if level == codes.TOWNSHIP:
            groups.append((name, [(code, _("%(name)s（仅知乡镇）") % {"name": name})]))
        elif len(groups) > 1:
            groups[-1][1].append((code, name))
    return groups


def origin_choices(day) -> list:
    """Risk areas in force first (what matters at the roadside), then every province."""
    known = risk_areas.known_codes()
    areas = [(a.code, a.name) for a in risk_area_selectors.current_risk_areas(day)]
    provinces = [(code, name) for code, name in known.items() if len(code) == 2]
    choices: list = [("", _("（不详）"))]
    if areas:
        choices.append((_("风险地区"), areas))
    choices.append((_("省份"), provinces))
    return choices


def _announce(request, passage) -> None:
    values = {"name": passage.person.name, "id": identity.mask_id(passage.person.id_number),
              "outcome": passage.get_outcome_display(), "t": passage.temperature}
    if passage.duplicate:
        values["time"] = timezone.localtime(passage.passed_at).strftime("%H:%M:%S")
        messages.warning(request, _("重复提交，未再登记：%(name)s（%(id)s）已于 %(time)s 登记，体温 %(t)s°C，%(outcome)s")
                         % values)
        return
    line = _("已登记：%(name)s（%(id)s），体温 %(t)s°C，%(outcome)s") % values
    if passage.key_person_id:
        line += _("。来自风险地区，已列入%(village)s台账并通知村（社区）核查") % {
            "village": passage.key_person.region.name}
    elif passage.from_risk_area:
        line += _("。来自风险地区，请登记到村（社区）以便核查")
    if passage.outcome == Outcome.FEVER_CLINIC:
        messages.error(request, line + _("。请做好防护，联系转运至发热门诊"), extra_tags="alert")
    else:
        messages.success(request, line)


@login_required
def register_passage(request, pk: int):
    """登记通行 at one checkpoint."""
    user = request.user
    require(permissions.can_register_passages(user))
    checkpoint = selectors.checkpoint_for(user, pk)
    last = request.session.get(f"passage_last_{checkpoint.pk}") or {}
    initial = {"id_type": "resident_id", "outcome": Outcome.PASS, "direction": "in"}
    if request.GET.get("same") == "1":
        initial.update({k: last.get(k, "") for k in SAME_VEHICLE_FIELDS})
    form = PassageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            passage = services.register_passage(user, checkpoint, **{**data, "passed_at": data["passed_at"] or None})
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            trip = {"vehicle_plate": passage.vehicle_plate, "origin": passage.origin,
                    "origin_code": passage.origin_code, "destination": passage.destination_id or "",
                    "destination_text": passage.destination_text}
            # "同车" is the last vehicle: kept until another vehicle comes (people on foot leave it);
            # the session is written only when it changes
            if trip["vehicle_plate"] and trip != last:
                request.session[f"passage_last_{checkpoint.pk}"] = trip
            _announce(request, passage)
            return redirect("checkpoints:register_passage", checkpoint.pk)
    day = passage_selectors.today()
    form.fields["destination"].widget.choices = destination_choices(checkpoint)
    form.fields["origin_code"].widget.choices = origin_choices(day)
    return render(request, "checkpoints/passage_form.html", {
        "checkpoint": checkpoint, "form": form, "last": last if last.get("vehicle_plate") else None,
        "closed": checkpoint.status != CheckpointStatus.OPEN,
        "fever_threshold": passage_selectors.fever_threshold(),
        "lookup_url": f"/api/checkpoints/{checkpoint.pk}/lookup",
        "figures": passage_selectors.day_figures(checkpoint, day),
    }, status=400 if form.is_bound else 200)


# Arrival tasks ---------------------------------------------------------------------------------------------------





@login_required
def passage_list(request):
    """通行记录: a day's passages at the checkpoints of a region (the dashboard's figures link here), all or
    the fevers, the turned back or the arrivals from risk areas: exactly the passages the figure counts."""
    user = request.user
    region = request.GET.get("region") or user.region_id
    day = query_day(request, "date", timezone.localdate())
    kind = request.GET.get("kind", "")
    kind = kind if kind in passage_selectors.KINDS else ""
    rows, cursor = passage_selectors.passages_in(user, region, day, kind=kind, before=request.GET.get("before", ""))
    return render(request, "checkpoints/passage_list.html", {
        "items": rows, "next_before": cursor, "region": Region.objects.filter(code=region).first(), "day": day,
        "kind": kind, "kinds": [("", _("全部")), ("fever", _("发热")), ("turned_back", _("劝返")),
                                ("risk", _("风险地区来人"))],
        "fever_threshold": passage_selectors.fever_threshold()})
