"""JSON API of the pharmacy register, mounted at /api/medical.

Thin: objects come from selectors (404 outside scope), writes are one service call (403 / 422). The public
registration needs no account (auth=None): the same validation, rate limit and answers as the page. It is not
CSRF-protected because it trusts no cookie: nothing is done with the caller's session.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from fangkong.core import paging
from fangkong.core.api import ErrorOut, idempotency_key
from fangkong.core.clients import client_ip
from fangkong.core.days import Day

from . import selectors, services
from .schemas import (
    PublicPurchaseIn,
    PublicPurchaseOut,
    PurchaseConfirmIn,
    PurchaseIn,
    PurchaseOut,
    PurchasePage,
    PurchaseRevealOut,
)

router = Router(tags=["medical"])

READ = {403: ErrorOut, 404: ErrorOut}
WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def purchase_out(p) -> dict:
    transfer = getattr(p, "transfer", None)
    return {"id": p.pk, "pharmacy_id": p.pharmacy_id, "pharmacy": p.pharmacy.name, "region_code": p.region_id,
            "home_region_code": p.home_region_id, "address": p.address, "person_id": p.person_id, "name": p.name,
            "id_type": p.id_type, "id_number": p.masked_id, "phone": p.masked_phone, "temperature": p.temperature,
            "symptoms": p.symptoms, "medicines": p.medicines, "medicine_names": p.medicine_names, "fever": p.fever,
            "bought_at": timezone.localtime(p.bought_at), "channel": p.channel,
            "confirmed_at": timezone.localtime(p.confirmed_at) if p.confirmed_at else None,
            "duplicate": getattr(p, "duplicate", False), "transfer_id": transfer.pk if transfer is not None else None}


@router.post("/p/{token}/purchases", auth=None, response={201: PublicPurchaseOut, 404: ErrorOut, 422: ErrorOut,
                                                          429: ErrorOut})
def public_purchase(request, token: str, payload: PublicPurchaseIn):
    """药店购药登记 by the buyer (no account), at the pharmacy of a place code: same rules and answers as the page
    /medical/p/{token}/. What the buyer typed is kept; staff confirm who it was before a fever is found."""
    try:
        pharmacy = selectors.public_pharmacy(token)
    except Http404:
        return Status(404, {"detail": _("登记码无效")})
    if not services.allow_attempt(client_ip(request)):
        return Status(429, {"detail": _("提交过于频繁，请稍后再试")})
    data = payload.dict()
    data["client_key"] = idempotency_key(request, data["client_key"])
    at = timezone.now()
    try:
        purchase = services.register_public_purchase(pharmacy, at=at, **data)
    except ValidationError as exc:
        return Status(422, {"detail": exc.message_dict})
    return Status(201, {"detail": _("登记成功"), "where": pharmacy.name, "at": timezone.localtime(at),
                        "fever": purchase.fever})


@router.get("/purchases", response={200: PurchasePage, **READ})
def list_purchases(request, region: str = "", home: str = "", date: Day | None = None, fever: bool | None = None,
                   pending: bool | None = None, pharmacy: int | None = None, after: int | None = None,
                   limit: int = selectors.PAGE_SIZE):
    """Purchases in scope (the pharmacy's region or the buyer's village), newest first, a keyset page at a time
    (`after` = the last id seen): by the pharmacy's sub-region (`region`, as the roll-up counts), the buyer's
    village (`home`), local day, fever, waiting to be confirmed (`pending`), pharmacy. Numbers masked."""
    items = selectors.purchases_for(request.user, region=region, home=home, day=date, fever=fever, pending=pending,
                                    pharmacy=pharmacy, after=after, limit=limit)
    full = len(items) == paging.page_limit(limit)
    return {"items": [purchase_out(p) for p in items], "next_after": items[-1].pk if full else None}


@router.post("/purchases", response={201: PurchaseOut, 200: PurchaseOut, **WRITE})
def register_purchase(request, payload: PurchaseIn):
    """药店购药登记 by staff who saw the ID card: the buyer found or recorded; a fever opens the transfer to the
    fever clinic at once (`transfer_id`). Sent twice: 200 with `duplicate: true`, nothing more stored."""
    data = payload.dict()
    pharmacy = selectors.pharmacy_for(request.user, data.pop("pharmacy_id"))
    data["client_key"] = idempotency_key(request, data["client_key"])
    purchase = services.register_purchase(request.user, pharmacy, **data)
    return Status(200 if purchase.duplicate else 201, purchase_out(purchase))


@router.get("/purchases/{purchase_id}", response={200: PurchaseOut, **READ})
def get_purchase(request, purchase_id: int):
    return purchase_out(selectors.purchase_for(request.user, purchase_id))


@router.post("/purchases/{purchase_id}/confirm", response={200: PurchaseOut, **WRITE})
def confirm_purchase(request, purchase_id: int, payload: PurchaseConfirmIn):
    """核实 a purchase the buyer registered: who it was (as typed, or corrected); a fever opens the transfer."""
    purchase = selectors.purchase_for(request.user, purchase_id)
    given = {key: value for key, value in payload.dict().items() if value is not None}
    return purchase_out(services.confirm_purchase(request.user, purchase, **given))


@router.post("/purchases/{purchase_id}/reveal", response={200: PurchaseRevealOut, **WRITE})
def reveal_purchase(request, purchase_id: int):
    """The full ID number and phone (roles that may reveal; logged as a reveal)."""
    return services.reveal_purchase(request.user, selectors.purchase_for(request.user, purchase_id))
