"""Pages of the pharmacy register: the buyer's public page reached by the pharmacy's place code, the staff's
registration at the counter, the register (cards on a phone), one purchase with its reveal and confirmation,
and the pharmacies with their printable registration codes.

The public page follows the public check-in's rules (places.views.check_in): no account, CSRF-protected,
rate-limited per client, the same answers for everyone (an error names only the buyer's own input) and a bare
404 page for a withdrawn or unknown code, or a code of anything but a pharmacy.
"""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.accounts import permissions as account_permissions
from fangkong.core import region_codes as codes
from fangkong.core.clients import client_ip
from fangkong.core.forms import apply_service_error, query_day
from fangkong.places import permissions as place_permissions
from fangkong.places import qr
from fangkong.places.services import places as place_services

from . import permissions, selectors, services
from .forms import ConfirmForm, PublicPurchaseForm, StaffPurchaseForm


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# The buyer's public page ----------------------------------------------------------------------------------

def public_url(request, token: str) -> str:
    """The address the pharmacy's registration code encodes (FANGKONG_PUBLIC_BASE_URL when set)."""
    path = reverse("medical:public", args=[token])
    base = qr.public_base_url()
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _public_form(request, pharmacy, context: dict, status: int = 200):
    context["form"].fields["home_region"].widget.choices = selectors.home_choices(pharmacy.region_id)
    return render(request, "medical/public_form.html", context, status=status)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def public_purchase(request, token: str):
    """药店购药登记 by the buyer (no account)."""
    try:
        pharmacy = selectors.public_pharmacy(token)
    except Http404:
        return render(request, "medical/public_gone.html", status=404)
    form = PublicPurchaseForm(request.POST or None)
    context = {"form": form, "pharmacy": pharmacy}
    if request.method == "POST":
        if not services.allow_attempt(client_ip(request)):
            context["limited"] = _("提交过于频繁，请稍后再试")
            return _public_form(request, pharmacy, context, status=429)
        form.is_valid()
        try:
            purchase = services.register_public_purchase(pharmacy, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
            return _public_form(request, pharmacy, context, status=400)
        return render(request, "medical/public_done.html", {"pharmacy": pharmacy, "at": timezone.localtime(),
                                                            "fever": purchase.fever})
    return _public_form(request, pharmacy, context)


# Staff: the register -------------------------------------------------------------------------------------

def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


@login_required
@require_GET
def purchases(request):
    """药店购药登记: the purchases in scope, newest first; by pharmacy region (`region`, as the roll-up counts),
    buyer's village (`home`), day (`date`), fever (`fever=1`), waiting to be confirmed (`pending=1`)."""
    user = request.user
    g = request.GET
    day = query_day(request, "date")
    filters = {"region": g.get("region", ""), "home": g.get("home", ""), "date": day.isoformat() if day else "",
               "fever": g.get("fever", ""), "pending": g.get("pending", ""), "pharmacy": g.get("pharmacy", "")}
    items = selectors.purchases_for(user, region=filters["region"], home=filters["home"], day=day,
                                    fever=_flag(filters["fever"]), pending=_flag(filters["pending"]),
                                    pharmacy=filters["pharmacy"], after=g.get("after"))
    base = {k: v for k, v in filters.items() if v and k not in ("fever", "pending")}
    tabs = [(label, urlencode({**base, **extra}), active) for label, extra, active in (
        (_("全部"), {}, not filters["fever"] and not filters["pending"]),
        (_("发热"), {"fever": "1"}, filters["fever"] == "1" and not filters["pending"]),
        (_("待核实"), {"pending": "1"}, filters["pending"] == "1" and not filters["fever"]))]
    query = urlencode({k: v for k, v in filters.items() if v})
    full = len(items) == selectors.PAGE_SIZE
    return render(request, "medical/purchase_list.html", {
        "items": items, "filters": filters, "tabs": tabs, "regions": selectors.region_choices(user),
        "can_register": permissions.can_register(user), "query": query,
        "next_after": items[-1].pk if full else None,
    })


def _staff_form(user, data=None, initial=None) -> StaffPurchaseForm:
    return StaffPurchaseForm(data, initial=initial, pharmacies=selectors.pharmacies_for(user).filter(is_closed=False))


@login_required
def purchase_new(request):
    """药店购药登记 by staff at the counter (the buyer's ID card in hand); a fever goes to the fever clinic at once."""
    user = request.user
    _require(permissions.can_register(user))
    initial = {"pharmacy": request.GET.get("pharmacy", "")}
    form = _staff_form(user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        pharmacy = selectors.pharmacy_for(user, data.pop("pharmacy"))
        try:
            purchase = services.register_purchase(user, pharmacy, **{**data, "bought_at": data["bought_at"] or None})
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            _announce(request, purchase)
            return redirect(f"{reverse('medical:purchase_new')}?pharmacy={pharmacy.pk}")
    pharmacy_id = form["pharmacy"].value()
    pharmacy = selectors.pharmacies_for(user).filter(pk=pharmacy_id).first() if str(pharmacy_id or "").isdigit() \
        else None
    form.fields["home_region"].widget.choices = selectors.home_choices(pharmacy.region_id if pharmacy
                                                                       else user.region_id)
    return render(request, "medical/purchase_form.html", {"form": form, "has_pharmacies": bool(
        form.fields["pharmacy"].choices)}, status=400 if form.is_bound else 200)


def _announce(request, purchase) -> None:
    values = {"name": purchase.name, "id": purchase.masked_id, "t": purchase.temperature}
    if purchase.duplicate:
        messages.warning(request, _("重复提交，未再登记：%(name)s（%(id)s）") % values)
    elif purchase.transfer is not None:
        messages.error(request, _("已登记：%(name)s（%(id)s），体温 %(t)s°C。发热：已提请转送发热门诊，并通知其所在村（社区）")
                       % values, extra_tags="alert")
    else:
        messages.success(request, _("已登记：%(name)s（%(id)s），体温 %(t)s°C") % values)


def _detail(request, purchase, *, revealed=None, form=None, status=200):
    user = request.user
    pending = purchase.person_id is None
    can_confirm = pending and permissions.can_register(user)
    if can_confirm and form is None:
        form = ConfirmForm(initial={"name": purchase.name, "id_number": purchase.id_number if revealed else "",
                                    "phone": purchase.phone if revealed else ""})
    return render(request, "medical/purchase_detail.html", {
        "p": purchase, "revealed": revealed, "can_reveal": account_permissions.can_reveal(user),
        "can_confirm": can_confirm, "form": form,
        # the buyer's page is there only for staff whose scope holds where the buyer is registered
        "person_link": purchase.person_id is not None and codes.covers(user, purchase.person.region_id)},
        status=status)


@login_required
@require_GET
def purchase_detail(request, pk: int):
    return _detail(request, selectors.purchase_for(request.user, pk))


@login_required
@require_POST
def purchase_reveal(request, pk: int):
    """The full numbers once, on this response only; the reveal is logged by the service."""
    purchase = selectors.purchase_for(request.user, pk)
    return _detail(request, purchase, revealed=services.reveal_purchase(request.user, purchase))


@login_required
@require_POST
def purchase_confirm(request, pk: int):
    """核实: who the buyer was, after a call; a fever goes to the fever clinic now. A number left empty keeps the
    one typed."""
    user = request.user
    purchase = selectors.purchase_for(user, pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    given = {key: value for key, value in form.cleaned_data.items() if value}
    try:
        confirmed = services.confirm_purchase(user, purchase, **given)
    except ValidationError as exc:
        apply_service_error(form, exc)
        return _detail(request, purchase, form=form, status=400)
    if confirmed.transfer is not None:
        messages.error(request, _("已核实。发热：已提请转送发热门诊，并通知其所在村（社区）"), extra_tags="alert")
    else:
        messages.success(request, _("已核实"))
    return redirect("medical:purchase", pk=purchase.pk)


# Staff: the pharmacies and their registration codes ---------------------------------------------------------

@login_required
@require_GET
def pharmacies(request):
    user = request.user
    return render(request, "medical/pharmacy_list.html", {
        "items": list(selectors.pharmacies_for(user)), "can_print": place_permissions.can_manage(user),
        "can_register": permissions.can_register(user)})


@login_required
@require_GET
def pharmacy_code(request, pk: int):
    """药店购药登记码: the pharmacy's place code leading to its public registration page, to print and put up at
    the counter; `?format=png|svg` to download. A new code is issued on the place's code page (places)."""
    user = request.user
    pharmacy = selectors.pharmacy_for(user, pk)
    code = place_services.code_for(user, place=pharmacy)
    url = public_url(request, code.token)
    title, subtitle = pharmacy.name, _("购药登记（退烧药、止咳药、抗病毒药、抗生素）")
    fmt = request.GET.get("format", "")
    if fmt == "png":
        response = HttpResponse(qr.labelled_png(url, title, subtitle), content_type="image/png")
    elif fmt == "svg":
        response = HttpResponse(qr.labelled_svg(url, title, subtitle), content_type="image/svg+xml")
    else:
        return render(request, "medical/pharmacy_code.html", {
            "pharmacy": pharmacy, "svg": qr.code_svg(url), "url": url, "subtitle": subtitle})
    name = _("%(name)s购药登记码") % {"name": title}
    response["Content-Disposition"] = (f'attachment; filename="pharmacy-code-{code.token[:8]}.{fmt}"; '
                                       f"filename*=UTF-8''{quote(f'{name}.{fmt}')}")
    return response
