"""JSON API of isolation and follow-up, mounted at /api/quarantine.

Thin: every object comes from a selector (404 outside the caller's scope), every write is one
service call (403 for a role that may not, 422 with the service's message for bad input).
"""

from django.utils import timezone
from ninja import Router
from ninja.responses import Status

from fangkong.core import paging
from fangkong.core.api import ErrorOut

from . import selectors, services
from .schemas import (
    AssignIn,
    CapacityIn,
    CheckOutIn,
    DueRowOut,
    EndIn,
    ExcuseIn,
    FollowUpIn,
    FollowUpOut,
    OrderIn,
    OrderOut,
    OrderPage,
    PersonTodayOut,
    PhoneOut,
    PlannedEndIn,
    PolicyOut,
    PolicyPatch,
    ReleaseIn,
    ResponsibleIn,
    RoomCheckInIn,
    RoomIn,
    RoomOut,
    SiteDetailOut,
    SiteIn,
    SiteOut,
    StayOut,
    TestIn,
    TestOut,
    TransferCloseIn,
    TransferOut,
    follow_up_out,
    order_out,
    policy_out,
    site_out,
    stay_out,
    transfer_out,
)

router = Router(tags=["quarantine"])

READ = {403: ErrorOut, 404: ErrorOut}
WRITE = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _order(request, pk: int):
    return selectors.quarantine_for(request.user, pk)


def _reloaded(request, q):
    return order_out(selectors.quarantine_for(request.user, q.pk))


# Policies ---------------------------------------------------------------------------------------

@router.get("/policies", response={200: list[PolicyOut], **READ})
def list_policies(request):
    return [policy_out(p) for p in selectors.policies_for(request.user)]


@router.patch("/policies/{category}", response={200: PolicyOut, **WRITE})
def update_policy(request, category: str, payload: PolicyPatch):
    policy = selectors.policy_for(request.user, category)
    changes = payload.dict(exclude_none=True)
    return policy_out(services.update_policy(request.user, policy, **changes))


# Orders -----------------------------------------------------------------------------------------

@router.get("/orders", response={200: OrderPage, **READ})
def list_orders(request, status: str = "", kind: str = "", region: str = "", mine: bool = False,
                after: int | None = None, limit: int = paging.PAGE_SIZE):
    """Orders in scope, newest first, a keyset page at a time (`after` = the last id seen)."""
    qs = selectors.quarantines_for(request.user, status=status, kind=kind, region=region, mine=mine)
    items = paging.page_after(qs, after, limit)
    full = len(items) == paging.page_limit(limit)
    return {"items": [order_out(q) for q in items], "next_after": items[-1].pk if full else None}


@router.post("/orders", response={201: OrderOut, **WRITE})
def start_order(request, payload: OrderIn):
    data = payload.dict()
    q = services.start_quarantine(
        request.user, data.pop("key_person_id"), cadre=data.pop("cadre_id"), doctor=data.pop("doctor_id"),
        site=data.pop("site_id"), room=data.pop("room_id"), **data)
    return Status(201, _reloaded(request, q))


@router.get("/orders/{order_id}", response={200: OrderOut, **READ})
def get_order(request, order_id: int):
    return order_out(_order(request, order_id))


@router.post("/orders/{order_id}/release", response={200: OrderOut, **WRITE})
def release_order(request, order_id: int, payload: ReleaseIn):
    q = services.release_quarantine(request.user, _order(request, order_id), **payload.dict())
    return _reloaded(request, q)


@router.post("/orders/{order_id}/end", response={200: OrderOut, **WRITE})
def end_order(request, order_id: int, payload: EndIn):
    q = services.end_quarantine(request.user, _order(request, order_id), **payload.dict())
    return _reloaded(request, q)


@router.post("/orders/{order_id}/planned-end", response={200: OrderOut, **WRITE})
def change_planned_end(request, order_id: int, payload: PlannedEndIn):
    q = services.change_planned_end(request.user, _order(request, order_id), **payload.dict())
    return _reloaded(request, q)


@router.post("/orders/{order_id}/responsible", response={200: OrderOut, **WRITE})
def assign_responsible(request, order_id: int, payload: ResponsibleIn):
    q = services.assign_responsible(request.user, _order(request, order_id), cadre=payload.cadre_id,
                                    doctor=payload.doctor_id)
    return _reloaded(request, q)


@router.post("/orders/{order_id}/tests", response={201: TestOut, **WRITE})
def record_test(request, order_id: int, payload: TestIn):
    test = services.record_test(request.user, _order(request, order_id), **payload.dict())
    return Status(201, {"id": test.pk, "quarantine_id": test.quarantine_id, "sampled_at": test.sampled_at,
                        "result": test.result})


@router.post("/orders/{order_id}/check-in", response={201: StayOut, **WRITE})
def check_in(request, order_id: int, payload: RoomCheckInIn):
    stay = services.check_in(request.user, _order(request, order_id), room=payload.room_id, at=payload.at)
    return Status(201, stay_out(stay))


@router.post("/orders/{order_id}/check-out", response={200: StayOut, **WRITE})
def check_out(request, order_id: int, payload: CheckOutIn):
    return stay_out(services.check_out(request.user, _order(request, order_id), at=payload.at))


# Follow-ups -------------------------------------------------------------------------------------

@router.get("/orders/{order_id}/follow-ups", response={200: list[FollowUpOut], **READ})
def list_order_follow_ups(request, order_id: int):
    now = timezone.now()
    return [follow_up_out(fu, now) for fu in selectors.follow_ups_of(request.user, _order(request, order_id))]


@router.post("/orders/{order_id}/phone", response={200: PhoneOut, **WRITE})
def phone_to_call(request, order_id: int):
    """The person's full phone for the follow-up call: the order's cadre and doctor (and roles that may
    reveal personal data); logged as a reveal every time."""
    order = _order(request, order_id)
    return {"quarantine_id": order.pk, "phone": services.phone_to_call(request.user, order)}


@router.post("/orders/{order_id}/follow-ups", response={201: FollowUpOut, **WRITE})
def record_follow_up(request, order_id: int, payload: FollowUpIn):
    """Record a follow-up; `alert` and `transfer_id` say whether a fever-clinic transfer was requested."""
    data = payload.dict()
    order = selectors.order_to_record(request.user, order_id)
    fu = services.record_follow_up(request.user, order, slot=data.pop("slot_id"), **data)
    return Status(201, follow_up_out(fu))  # the follow-up (and its person), not the whole order


@router.post("/follow-ups/{follow_up_id}/excuse", response={200: FollowUpOut, **WRITE})
def excuse_follow_up(request, follow_up_id: int, payload: ExcuseIn):
    fu = services.excuse_follow_up(request.user, selectors.follow_up_for(request.user, follow_up_id),
                                   reason=payload.reason)
    return follow_up_out(fu)


@router.get("/follow-ups/due", response={200: list[FollowUpOut], **READ})
def due_follow_ups(request, region: str = "", mine: bool = False, overdue: bool = False,
                   limit: int = paging.PAGE_SIZE):
    """Due now and overdue follow-ups (oldest first): mine, or in scope / a region of it."""
    now = timezone.now()
    rows = selectors.due_follow_ups(request.user, now=now, region=region, mine=mine, overdue_only=overdue,
                                    limit=limit)
    return [follow_up_out(fu, now) for fu in rows]


@router.get("/follow-ups/mine-today", response={200: list[PersonTodayOut], **READ})
def my_people_today(request):
    now = timezone.now()
    return [{"quarantine": order_out(p.quarantine), "state": p.state,
             "next_slot_id": p.next_slot.pk if p.next_slot else None,
             "today": [follow_up_out(fu, now) for fu in p.today],
             "overdue_before": [follow_up_out(fu, now) for fu in p.overdue_before]}
            for p in selectors.my_people_today(request.user, now=now)]


@router.get("/follow-ups/by-region", response={200: list[DueRowOut], **READ})
def due_by_region(request, region: str = ""):
    return [{"region_code": row.region.code if row.region else None,
             "region_name": row.region.name if row.region else "", "due_now": row.due_now, "overdue": row.overdue}
            for row in selectors.due_by_region(request.user, region=region)]


# Transfers to the fever clinic ------------------------------------------------------------------

@router.get("/transfers", response={200: list[TransferOut], **READ})
def list_transfers(request, status: str = "", open: bool = False, region: str = "", after: int | None = None,
                   limit: int = paging.PAGE_SIZE):
    qs = selectors.transfers_for(request.user, status=status, open_only=open, region=region)
    return [transfer_out(t) for t in paging.page_after(qs, after, limit)]


@router.get("/transfers/{transfer_id}", response={200: TransferOut, **READ})
def get_transfer(request, transfer_id: int):
    return transfer_out(selectors.transfer_for(request.user, transfer_id))


@router.post("/transfers/{transfer_id}/assign", response={200: TransferOut, **WRITE})
def assign_transfer(request, transfer_id: int, payload: AssignIn):
    t = services.assign_transfer(request.user, selectors.transfer_for(request.user, transfer_id),
                                 assignee=payload.assignee_id, note=payload.note)
    return transfer_out(t)


@router.post("/transfers/{transfer_id}/close", response={200: TransferOut, **WRITE})
def close_transfer(request, transfer_id: int, payload: TransferCloseIn):
    t = services.close_transfer(request.user, selectors.transfer_for(request.user, transfer_id), **payload.dict())
    return transfer_out(t)


# Observation sites ------------------------------------------------------------------------------

@router.get("/sites", response={200: list[SiteOut], **READ})
def list_sites(request):
    """Sites with capacity and occupancy (the sites of the regions above the caller's included)."""
    return [site_out(s) for s in selectors.sites_for(request.user)[:paging.MAX_PAGE]]


@router.post("/sites", response={201: SiteDetailOut, **WRITE})
def create_site(request, payload: SiteIn):
    site = services.create_site(request.user, name=payload.name, region_code=payload.region_code,
                                address=payload.address, manager=payload.manager_id,
                                rooms=[(r.name, r.capacity) for r in payload.rooms])
    found = selectors.site_for(request.user, site.pk)
    return Status(201, site_out(found, selectors.rooms_of(found)))


@router.get("/sites/{site_id}", response={200: SiteDetailOut, **READ})
def get_site(request, site_id: int):
    site = selectors.site_for(request.user, site_id)
    return site_out(site, selectors.rooms_of(site))


@router.post("/sites/{site_id}/rooms", response={201: RoomOut, **WRITE})
def add_room(request, site_id: int, payload: RoomIn):
    room = services.add_room(request.user, selectors.site_for(request.user, site_id), **payload.dict())
    return Status(201, {"id": room.pk, "name": room.name, "capacity": room.capacity, "occupied": 0,
                        "free": room.capacity})


@router.patch("/rooms/{room_id}", response={200: RoomOut, **WRITE})
def change_room_capacity(request, room_id: int, payload: CapacityIn):
    room = services.change_room_capacity(request.user, selectors.room_for(request.user, room_id),
                                         capacity=payload.capacity)
    found = next(r for r in selectors.rooms_of(room.site) if r.pk == room.pk)
    return {"id": found.pk, "name": found.name, "capacity": found.capacity, "occupied": found.occupied,
            "free": found.free}
