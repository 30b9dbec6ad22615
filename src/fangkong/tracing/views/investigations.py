"""流调 pages: the list of investigations, and a case's investigation page — the itinerary's rows, the exposure and
summary, the candidate contacts with confirm and dismiss, the contacts confirmed, contacts added by hand.

Thin: reads from selectors (404 outside the investigator's scope), each write one service call. The services
validate; a refused write shows the page again with each message beside its field (status 400) and what was
typed kept. Numbers are masked; the contact list (views.contacts) reveals one person at a time, logged.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.core.paging import PAGE_SIZE
from fangkong.core.region_codes import in_scope
from fangkong.core.validation import fmt
from fangkong.places.models import Place
from fangkong.quarantine.models import ObservationSite
from fangkong.screening.models import TransportMode

from ..models import (
    ContactKind,
    ContactLevel,
    ExposureKind,
    InvestigationStatus,
    StopKind,
)
from ..selectors import candidates as candidate_selectors
from ..selectors import contacts as contact_selectors
from ..selectors import investigations as selectors
from ..services import contacts as contact_services
from ..services import investigations as services

TEMPLATE = "tracing/investigations/investigation.html"
# key places offered in the itinerary's select (a county has hundreds; the API takes any id)
MAX_PLACES = 500


@login_required
@require_GET
def investigations(request):
    """流行病学调查: the investigations of the user's scope, latest first; open ones by default."""
    status = request.GET.get("status", InvestigationStatus.OPEN)
    items = selectors.investigations_for(request.user, status=status, after=request.GET.get("after"))
    return render(request, "tracing/investigations/list.html", {
        "items": items, "status": status, "statuses": InvestigationStatus.choices,
        "next_after": items[-1].pk if len(items) == PAGE_SIZE else None})


def _errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: " ".join(messages_) for field, messages_ in exc.message_dict.items()}
    return {"general": " ".join(exc.messages)}


def _page(request, case, *, status: int = 200, form: str = "", errors: dict | None = None, posted=None):
    user = request.user
    inv = selectors.investigation_of(case)
    context = {"case": case, "investigation": inv, "window": selectors.itinerary_window(case), "form": form,
               "errors": errors or {}, "posted": posted or {}, "contact_kinds": ContactKind.choices,
               "levels": ContactLevel.choices, "stop_kinds": StopKind.choices, "modes": TransportMode.choices,
               "exposure_kinds": ExposureKind.choices}
    if inv is not None:
        contacts = contact_selectors.contacts_of_case(user, case)
        stops = selectors.stops_of(inv)
        modes = dict(TransportMode.choices)
        for stop in stops:
            stop.mode_label = modes.get(stop.transport_mode, stop.transport_mode)
        context.update(
            stops=stops, contacts=contacts,
            close_contacts=[c for c in contacts if c.level == ContactLevel.CLOSE and c.person_id],
            dismissed=contact_selectors.dismissed_of_case(user, case),
            candidates=candidate_selectors.candidates_for(user, inv) if inv.status == InvestigationStatus.OPEN else None,
            places=list(Place.objects.filter(in_scope(user)).order_by("name", "id").only("id", "name")[:MAX_PLACES]),
            sites=list(ObservationSite.objects.filter(in_scope(user), is_active=True).order_by("name")))
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def investigation(request, pk: int):
    """A case's investigation (流调); a POST opens it (one per case)."""
    case = selectors.case_to_investigate(request.user, pk)
    if request.method == "POST":
        inv = services.open_investigation(request.user, case)
        if inv.created:
            messages.success(request, _("已开始流调：%(number)s") % {"number": case.number})
        return redirect("tracing:investigation", pk=case.pk)
    return _page(request, case)


def _back(inv) -> str:
    return reverse("tracing:investigation", kwargs={"pk": inv.case_id})


def _write(request, inv, form: str, call, success: str):
    """Run one service call for the page's `form`; the page again with the messages when refused."""
    try:
        result = call()
    except ValidationError as exc:
        return _page(request, inv.case, status=400, form=form, errors=_errors(exc), posted=request.POST)
    messages.success(request, success if not callable(success) else success(result))
    return redirect(_back(inv) + f"#{form}")


@login_required
@require_POST
def save_exposure(request, pk: int):
    inv = selectors.investigation_for(request.user, pk)
    values = {name: request.POST.get(name, "") for name in ("exposure_kind", "exposure_note", "summary")}
    if "complete" in request.POST:
        return _write(request, inv, "exposure", lambda: services.complete_investigation(request.user, inv, **values),
                      _("流调已完成"))
    return _write(request, inv, "exposure", lambda: services.update_investigation(request.user, inv, **values),
                  _("已保存"))


@login_required
@require_POST
def reopen(request, pk: int):
    inv = selectors.investigation_for(request.user, pk)
    return _write(request, inv, "exposure",
                  lambda: services.reopen_investigation(request.user, inv, reason=request.POST.get("reason", "")),
                  _("已重新打开流调"))


STOP_INPUTS = ("kind", "starts_at", "ends_at", "place_name", "key_place", "transport_mode", "transport_number",
               "seat", "note")


@login_required
@require_POST
def add_stop(request, pk: int):
    inv = selectors.investigation_for(request.user, pk)
    values = {name: request.POST.get(name, "") for name in STOP_INPUTS}
    values["public"] = request.POST.get("public") == "on"
    return _write(request, inv, "itinerary", lambda: services.add_stop(request.user, inv, **values),
                  lambda stop: _("已添加行程：%(at)s %(where)s") % {
                      "at": fmt(stop.starts_at), "where": stop.place_name or stop.transport_number})


@login_required
@require_POST
def remove_stop(request, pk: int):
    stop = selectors.stop_for(request.user, pk)
    inv = stop.investigation
    return _write(request, inv, "itinerary", lambda: services.remove_stop(request.user, stop), _("已删除该行程"))


def _confirmed_text(contact) -> str:
    """What confirming did, in one sentence: where the person was listed and what isolation followed."""
    name = contact.person.name if contact.person_id else contact.outside_name
    ledger = contact.outcome.ledger
    if ledger in ("created", "reclassified", "linked") and contact.key_person_id:
        listed = _("列入%(region)s台账（%(category)s）") % {
            "region": contact.key_person.region.name, "category": contact.key_person.get_category_display()}
    elif ledger == "task":
        listed = _("住址不明，已交%(region)s查找") % {"region": contact.person.region.name}
    elif ledger == "outside":
        listed = _("外县人员，列入协查函（%(county)s）") % {"county": contact.outside_county}
    elif ledger == "case":
        listed = _("该人员已是病例，不再列入台账")
    else:
        listed = ""
    q = contact.quarantine
    if q is not None and contact.outcome.isolation in ("started", "extended", "kept"):
        isolated = _("%(kind)s至%(end)s") % {"kind": q.get_kind_display(), "end": fmt(q.planned_end)}
    elif contact.outcome.isolation == "over":
        isolated = _("末次接触已满观察期，未安排隔离")
    else:
        isolated = ""
    words = {"name": name, "level": contact.get_level_display(), "listed": listed, "isolated": isolated}
    if listed and isolated:
        return _("已确认 %(name)s 为%(level)s，%(listed)s，%(isolated)s") % words
    if listed:
        return _("已确认 %(name)s 为%(level)s，%(listed)s") % words
    if isolated:
        return _("已确认 %(name)s 为%(level)s，%(isolated)s") % words
    return _("已确认 %(name)s 为%(level)s") % words


@login_required
@require_POST
def confirm(request, pk: int):
    """确认 one candidate (or a person by id) as a contact of the case."""
    inv = selectors.investigation_for(request.user, pk)
    data = request.POST
    person = data.get("person", "")
    return _write(request, inv, f"candidate-{person}", lambda: contact_services.confirm_contact(
        request.user, inv.case, person=person, kind=data.get("kind", ""), level=data.get("level", ""),
        last_exposure_date=data.get("last_exposure_date", ""), source=data.get("source", ""),
        via=data.get("via") or None, note=data.get("note", ""), site=data.get("site") or None), _confirmed_text)


@login_required
@require_POST
def dismiss(request, pk: int):
    """排除 one candidate: not proposed again."""
    inv = selectors.investigation_for(request.user, pk)
    data = request.POST
    return _write(request, inv, f"candidate-{data.get('person', '')}", lambda: contact_services.dismiss_candidate(
        request.user, inv.case, person=data.get("person", ""), source=data.get("source", ""),
        note=data.get("note", "")), lambda contact: _("已排除：%(name)s") % {"name": contact.person.name})


CONTACT_INPUTS = ("name", "id_number", "phone", "address", "region_code", "kind", "level", "via",
                  "last_exposure_date", "note")


@login_required
@require_POST
def add_contact(request, pk: int):
    """A contact the data did not propose: a person of the county by ID number (registered if new), or someone
    living in another county (their county named: the hand-over)."""
    inv = selectors.investigation_for(request.user, pk)
    values = {name: request.POST.get(name, "") for name in CONTACT_INPUTS}
    values["via"] = values["via"] or None
    values["level"] = values["level"] or ContactLevel.CLOSE
    if request.POST.get("outside"):
        values.pop("region_code")
        return _write(request, inv, "outside", lambda: contact_services.add_outside_contact(
            request.user, inv.case, county=request.POST.get("county", ""), **values), _confirmed_text)
    return _write(request, inv, "add-contact", lambda: contact_services.add_contact(
        request.user, inv.case, site=request.POST.get("site") or None, **values), _confirmed_text)
