"""Observation sites (集中医学观察点): sites and rooms, checking people in and out.

A room is never filled past its capacity, even when two people are checked into its last bed
at the same moment: the check-in locks the room row (SELECT … FOR UPDATE on PostgreSQL; SQLite
serialises writers anyway) before counting its occupants, so the second check-in counts the
first one's stay. A site's capacity is the sum of its rooms'.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.validation import as_moment, as_whole, fmt, name_text, not_future, raise_if

from .. import permissions
from ..models import Kind, ObservationSite, Quarantine, Room, Stay
from .common import now, region_or_none, require_active, require_visible, require_worker, staff

MAX_ROOM_CAPACITY = 20


def site_visible(actor, site: ObservationSite) -> bool:
    """Sites in the actor's scope, and those of the regions above it (a county's sites serve its villages)."""
    return actor.region.contains(site.region_id) or site.region_id in codes.ancestor_codes(actor.region_id)


def _require_site_manager(actor, site: ObservationSite) -> None:
    if not permissions.can_manage_sites(actor) or not actor.region.contains(site.region_id):
        raise PermissionDenied(_("您不能管理观察点 %(name)s") % {"name": site.name})


def _clean_capacity(value, errors: dict, field: str = "capacity") -> int:
    return as_whole(value, field, _("床位数"), errors, least=1, most=MAX_ROOM_CAPACITY) or 0


def _create_room(site: ObservationSite, name, capacity, errors: dict, field: str = "rooms") -> Room | None:
    name = name_text(name, field, _("房间"), 30, errors, required=True)
    capacity = _clean_capacity(capacity, errors, field)
    if errors:
        return None
    if Room.objects.filter(site=site, name=name).exists():
        errors.setdefault(field, _("房间 %(name)s 已存在") % {"name": name})
        return None
    return Room.objects.create(site=site, name=name, capacity=capacity)


@transaction.atomic
def create_site(actor, *, name: str, region_code: str, address: str, manager=None, rooms=()) -> ObservationSite:
    """A new observation site with its rooms: `rooms` is a list of (name, capacity)."""
    if not permissions.can_manage_sites(actor):
        raise PermissionDenied(_("您的角色不能设立观察点"))
    errors: dict = {}
    name = name_text(name, "name", _("名称"), 100, errors, required=True)
    address = name_text(address, "address", _("地址"), 200, errors, required=True)
    region = region_or_none(region_code, "region_code", errors)
    if region is None:
        errors.setdefault("region_code", _("请选择所属区划"))
    elif not actor.region.contains(region.code):
        errors.setdefault("region_code", _("区划 %(code)s 不在您的管辖范围内") % {"code": region.code})
    found_manager = staff(manager, "manager", _("负责人"), errors) if manager not in (None, "") else None
    if found_manager is not None and region is not None and not (
            codes.is_within(found_manager.region_id, region.code) or codes.is_within(region.code, found_manager.region_id)):
        errors.setdefault("manager", _("负责人 %(name)s 不在该观察点所在区划") % {"name": found_manager})
    raise_if(errors)
    site = ObservationSite.objects.create(name=name, region=region, address=address, manager=found_manager)
    for room_name, capacity in rooms:
        _create_room(site, room_name, capacity, errors)
    raise_if(errors)
    audit.record(actor, "observation_site.create", site, region=region.code,
                 after={"name": name, "address": address, "manager": found_manager,
                        "rooms": [[r.name, r.capacity] for r in site.rooms.all()]})
    return site


@transaction.atomic
def add_room(actor, site: ObservationSite, *, name: str, capacity) -> Room:
    _require_site_manager(actor, site)
    errors: dict = {}
    room = _create_room(site, name, capacity, errors, field="name")
    raise_if(errors)
    audit.record(actor, "observation_site.add_room", site, region=site.region_id,
                 after={"room": room.name, "capacity": room.capacity})
    return room


def occupied(room_id: int) -> int:
    """People in the room now (open stays)."""
    return Stay.objects.filter(room_id=room_id, checked_out_at__isnull=True).count()


@transaction.atomic
def change_room_capacity(actor, room: Room, *, capacity) -> Room:
    room = Room.objects.select_for_update(of=("self",)).select_related("site").get(pk=room.pk)
    _require_site_manager(actor, room.site)
    errors: dict = {}
    capacity = _clean_capacity(capacity, errors)
    raise_if(errors)
    current = occupied(room.pk)
    if capacity < current:
        raise ValidationError({"capacity": _("房间 %(room)s 现住%(n)s人，床位数不能少于%(n)s") % {
            "room": room.name, "n": current}})
    before = room.capacity
    room.capacity = capacity
    room.save(update_fields=["capacity"])
    audit.record(actor, "observation_site.room_capacity", room.site, region=room.site.region_id,
                 before={"room": room.name, "capacity": before}, after={"room": room.name, "capacity": capacity})
    return room


def place_in_room(actor, q: Quarantine, room, at: datetime.datetime) -> Stay:
    """Check an order's person into a room (inside the caller's transaction, the order row locked)."""
    pk = room.pk if isinstance(room, Room) else room
    # The room row lock makes concurrent check-ins into this room wait for each other.
    found = Room.objects.select_for_update(of=("self",)).select_related("site").filter(pk=pk).first() \
        if str(pk or "").isdigit() else None
    if found is None or not site_visible(actor, found.site):
        raise ValidationError({"room": _("房间 %(value)s 不存在或不在您的管辖范围内") % {"value": room}})
    if not found.site.is_active:
        raise ValidationError({"room": _("观察点 %(name)s 已停用") % {"name": found.site.name}})
    if q.kind != Kind.CENTRALISED:
        raise ValidationError({"room": _("居家隔离的人员不入住观察点")})
    if Stay.objects.filter(quarantine=q, checked_out_at__isnull=True).exists():
        raise ValidationError({"room": _("%(name)s 已入住 %(room)s，请先办理退房") % {
            "name": q.key_person.person.name, "room": q.room}})
    in_room = occupied(found.pk)
    if in_room >= found.capacity:
        raise ValidationError({"room": _("%(room)s 已满（%(n)s/%(capacity)s）") % {
            "room": found, "n": in_room, "capacity": found.capacity}})
    stay = Stay.objects.create(quarantine=q, site=found.site, room=found, checked_in_at=at, checked_in_by=actor)
    q.site, q.room, q.updated_at = found.site, found, timezone.now()
    q.save(update_fields=["site", "room", "updated_at"])
    return stay


def leave_room(actor, q: Quarantine, at: datetime.datetime) -> Stay | None:
    """Close the order's open stay, if any (inside the caller's transaction)."""
    stay = Stay.objects.select_for_update().filter(quarantine=q, checked_out_at__isnull=True).first()
    if stay is None:
        return None
    if at < stay.checked_in_at:
        raise ValidationError({"at": _("退房时间 %(at)s 早于入住时间 %(in)s") % {"at": fmt(at), "in": fmt(stay.checked_in_at)}})
    stay.checked_out_at, stay.checked_out_by = at, actor
    stay.save(update_fields=["checked_out_at", "checked_out_by"])
    q.room, q.updated_at = None, timezone.now()
    q.save(update_fields=["room", "updated_at"])
    return stay


def _locked_order(actor, quarantine: Quarantine) -> Quarantine:
    require_worker(actor)
    q = Quarantine.objects.select_for_update(of=("self",)).select_related("key_person__person", "room").get(pk=quarantine.pk)
    require_visible(actor, q)
    require_active(q)
    return q


def _moment(at, start: datetime.datetime) -> datetime.datetime:
    errors: dict = {}
    moment = as_moment(at, "at", _("时间"), default=now())
    not_future(moment, "at", _("时间"), errors)
    if moment < start:
        errors.setdefault("at", _("时间 %(at)s 早于隔离开始时间 %(start)s") % {"at": fmt(moment), "start": fmt(start)})
    raise_if(errors)
    return moment


@transaction.atomic
def check_in(actor, quarantine: Quarantine, *, room, at=None) -> Stay:
    """入住: put a person under centralised observation into a room with a free bed."""
    q = _locked_order(actor, quarantine)
    stay = place_in_room(actor, q, room, _moment(at, q.start_at))
    audit.record(actor, "quarantine.check_in", q, region=q.region_id,
                 after={"site": stay.site_id, "room": stay.room.name, "at": stay.checked_in_at})
    return stay


@transaction.atomic
def check_out(actor, quarantine: Quarantine, *, at=None) -> Stay:
    """退房: the person leaves the room (moved elsewhere; ending the order checks out by itself)."""
    q = _locked_order(actor, quarantine)
    stay = leave_room(actor, q, _moment(at, q.start_at))
    if stay is None:
        raise ValidationError(_("%(name)s 目前没有入住观察点") % {"name": q.key_person.person.name})
    audit.record(actor, "quarantine.check_out", q, region=q.region_id,
                 after={"site": stay.site_id, "room": stay.room.name, "at": stay.checked_out_at})
    return stay
