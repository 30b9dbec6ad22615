"""Writes to people: registering and updating persons, revealing their numbers, households.

Every write checks the actor may write and that the region lies in their scope, runs in one
transaction and leaves an audit entry. ID numbers and phones enter the audit trail masked only.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.accounts import permissions
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.locks import xact_lock
from fangkong.core.rows import insert, select, update
from fangkong.core.text import clean_name
from fangkong.regions.models import Region
from fangkong.regions.selectors import region_in_scope

from . import identity, reviews
from .cleaning import ADDRESS_MAX, NAME_MAX, clean_person_fields
from .models import Household, Person

__all__ = ["clean_person_fields", "find_or_record_person", "find_person", "find_persons", "record_person",
           "apply_registration", "move_to_region", "lock_person", "update_person", "reveal_person", "create_household",
           "update_household", "set_household", "merge_persons"]

LOOKUP_CHUNK = 2000  # digests per IN (...) query
PERSON_FIELDS = ["name", "id_type", "sex", "birth_date", "household", "region", "address", "workplace"]


def audit_view(person: Person) -> dict:
    """The person as the audit trail may hold it: ID number and phone masked."""
    data = audit.snapshot(person, PERSON_FIELDS)
    data["id_number"] = identity.mask_id(person.id_number)
    data["phone"] = identity.mask_phone(person.phone)
    # A change hidden by the mask (middle digits) must still count as a change: a short prefix
    # of the keyed digest shows that the number changed without revealing it.
    data["id_ref"] = person.id_digest[:8]
    data["phone_ref"] = person.phone_digest[:8]
    return data


def require_writer(actor) -> None:
    if not permissions.can_write(actor):
        raise PermissionDenied(_("您的角色只能查看，不能修改"))


def _household_in_scope(actor, household) -> Household | None:
    if household in (None, ""):
        return None
    pk = household.pk if isinstance(household, Household) else household
    found = Household.objects.filter(pk=pk).first()
    if found is None or not actor.region.contains(found.region_id):
        raise ValidationError({"household": _("户 %(pk)s 不存在或不在您的管辖范围内") % {"pk": pk}})
    return found


def _validate(actor, *, region_code, household, **raw) -> tuple[dict, Region, Household | None]:
    """Field cleaning plus the database checks, with every field's error reported together."""
    errors: dict = {}
    fields = region = found_household = None
    try:
        fields = clean_person_fields(**raw)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        region = region_in_scope(actor, region_code)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        found_household = _household_in_scope(actor, household)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return fields, region, found_household


# Finding and recording a person: the one rule of every register -------------------------------------
#
# Every write that names a person by ID number finds or records them here: a registration (the people
# page and API, a reviewed registration), the key-person ledger, a passage at a checkpoint, a ledger import
# (`find_persons`, `apply_registration`). Decided here and nowhere else:
# - Match: the keyed digest of the cleaned (ID type, number) (`clean_person_fields`, `identity.digest`); of
#   twins registered before a merge (疑似重复), the oldest record.
# - At once: registrations of one new person take a lock on its digest (`lock_person`), so they record one.
# - New: recorded with the registration's values, in its region.
# - Known, registered by staff whose scope holds them: every value given replaces the known one (an empty
#   phone keeps the phone; another name for the same number is a correction, audited like any change), and
#   they move to the registration's region unless they live in a finer region of it already.
# - Known, outside the registering staff's scope: neither changed nor revealed, the registration is held for
#   review by the staff above (`reviews`).
# - Known, seen by a register that does not keep their record (`sighting`: a passage): only a missing phone
#   is added; the name and region stay as registered.
# Public check-ins record no person: they keep the identity typed, and tracing links them after review.


def lock_person(id_digest: str, *also: str) -> None:
    """Hold the person's digest until the commit (with the caller's own `also` keys, in one statement)."""
    xact_lock(f"person:{id_digest}", *also)


def find_person(id_digest: str, *, columns: tuple[str, ...] | None = None, for_update: bool = False) -> Person | None:
    """The person of an ID digest, the oldest of twins. `columns`: only these are read, by a statement built
    once per process (a passage's lean row); `for_update`: the row locked until the commit."""
    if columns is not None:
        found = select(Person, columns, "id_digest = %s", [id_digest], "ORDER BY id LIMIT 1")
        return found[0] if found else None
    qs = Person.objects.select_for_update() if for_update else Person.objects
    return qs.filter(id_digest=id_digest).order_by("id").first()


def find_persons(id_digests) -> dict[str, Person]:
    """`find_person` of many digests at once (a ledger import's rows): digest → person, the oldest of twins,
    LOOKUP_CHUNK digests a query (under every database's parameter limit)."""
    digests = list(set(id_digests))
    found: dict[str, Person] = {}
    for start in range(0, len(digests), LOOKUP_CHUNK):
        for person in Person.objects.filter(id_digest__in=digests[start:start + LOOKUP_CHUNK]).order_by("-id"):
            found[person.id_digest] = person  # newest first: the oldest twin is set last
    return found


def move_to_region(person: Person, region: Region | str) -> bool:
    """Where a registration in `region` says the person lives (the caller saves): there, unless they live in
    a finer region of it already (registering at village level someone known in one of its grids keeps the
    grid). Whether they moved."""
    if codes.is_within(person.region_id, region if isinstance(region, str) else region.code):
        return False
    _set_region(person, region)
    return True


def _set_region(person: Person, region: Region | str) -> None:
    if isinstance(region, str):
        person.region_id = region
    else:
        person.region = region


def apply_registration(person: Person, fields: dict, region: Region | str) -> None:
    """A registration of the known `person` by staff who keep their record, on the instance (the caller saves
    and audits): the values given (`clean_person_fields`) replace the known ones, empty ones keep them."""
    for key, value in fields.items():
        if value not in ("", None):
            setattr(person, key, value)
    move_to_region(person, region)


def record_person(actor, person: Person | None, fields: dict, region: Region | str, *, household=None,
                  sighting: bool = False) -> tuple[Person, bool]:
    """After `find_person` under `lock_person`: record the new person, or apply the registration to the known
    one. Returns (person, created). `fields`: `clean_person_fields`' output; `region`: a Region or its code.

    `sighting`: a register that sees the person without keeping their record (a passage): of a known person
    only a missing phone is added, and nothing is audited here (the caller's one audit entry says it)."""
    if person is None:
        person = Person(household=household, **fields)
        _set_region(person, region)
        insert(person)
        if not sighting:
            audit.record(actor, "person.create", person, region=person.region_id, after=audit_view(person))
        return person, True
    if sighting:
        if fields["phone"] and not person.phone:
            person.phone, person.phone_digest = fields["phone"], fields["phone_digest"]
            person.updated_at = timezone.now()
            update(person, ("phone", "phone_digest", "updated_at"))
        return person, False
    before = audit_view(person)
    apply_registration(person, fields, region)
    if household is not None:
        person.household = household
    _save_changes(actor, person, before)
    return person, False


@transaction.atomic
def find_or_record_person(actor, *, name: str, id_type: str, id_number: str, region_code: str, phone: str = "",
                          address: str = "", workplace: str = "", household=None, sex: str = "",
                          birth_date=None, review_as: tuple[str, dict] | None = None) -> tuple[Person | None, bool]:
    """登记人员: validate, then find the person by ID number or record them, by the rule above. Returns
    (person, created). Raises ValidationError({field: msg}) on bad input.

    A person already registered outside the actor's scope is neither taken over nor revealed: the
    registration is held for review by the staff whose scope covers both regions (`reviews`) and
    (None, False) is returned, for the caller to answer `reviews.SUBMITTED`. `review_as` is the
    (kind, arguments) of the caller's own registration to hold instead of this one (a ledger entry).
    """
    require_writer(actor)
    fields, region, household = _validate(
        actor, region_code=region_code, household=household, name=name, id_type=id_type, id_number=id_number,
        phone=phone, address=address, workplace=workplace, sex=sex, birth_date=birth_date)
    lock_person(fields["id_digest"])
    person = find_person(fields["id_digest"], for_update=True)
    if person is not None and not actor.region.contains(person.region_id):
        kind, submission = review_as or ("person", {
            "name": name, "region_code": region.code, "phone": phone, "address": address, "workplace": workplace,
            "household": household, "sex": sex, "birth_date": birth_date})
        reviews.submit_review(actor, kind=kind, person=person, region_code=region.code, submission=submission)
        return None, False
    return record_person(actor, person, fields, region, household=household)


@transaction.atomic
def update_person(actor, person: Person, *, name: str | None = None, id_type: str | None = None,
                  id_number: str | None = None, region_code: str | None = None, phone: str | None = None,
                  address: str | None = None, workplace: str | None = None, household=None, sex: str | None = None,
                  birth_date=None) -> Person | None:
    """Edit a person. None leaves a field as it is; "" clears an optional one (household="" too).

    Unlike a registration, the ID number itself may be corrected, unless it then belongs to someone else: of
    the actor's scope, they are told to merge the two; registered outside it, the edit is held for
    review as a merge into that person (`reviews`, kind "person_merge") and None is returned, for the
    caller to answer `reviews.SUBMITTED` without telling where the number is registered.
    """
    require_writer(actor)
    person = _locked_in_scope(actor, person)
    given = {"name": name, "id_type": id_type, "id_number": id_number, "region_code": region_code, "phone": phone,
             "address": address, "workplace": workplace, "household": household, "sex": sex,
             "birth_date": birth_date}
    current = {"name": person.name, "id_type": person.id_type, "id_number": person.id_number,
               "region_code": person.region_id, "phone": person.phone, "address": person.address,
               "workplace": person.workplace, "sex": person.sex, "birth_date": person.birth_date}
    raw = {key: current.get(key) if value is None else value for key, value in given.items()}
    fields, region, new_household = _validate(actor, **raw)  # household checked only when it changes
    owner = Person.objects.filter(id_digest=fields["id_digest"]).exclude(pk=person.pk).order_by("id").first()
    if owner is not None and actor.region.contains(owner.region_id):
        raise ValidationError({"id_number": _("该证件号码已属于另一人员，请在“疑似重复”中合并")})
    if owner is not None:
        # the edited person's region (as edited) goes with it: where the submitter says the one person lives
        submission = {key: value for key, value in given.items() if value is not None and key != "id_type"}
        reviews.submit_review(actor, kind="person_merge", person=owner, region_code=region.code,
                              submission={**submission, "region_code": region.code, "merge_from": person.pk},
                              also_covering=person.region_id)
        return None
    before = audit_view(person)
    for key, value in fields.items():
        setattr(person, key, value)
    person.region = region
    if household is not None:
        person.household = new_household
    _save_changes(actor, person, before)
    return person


def _locked_in_scope(actor, person: Person) -> Person:
    locked = Person.objects.select_for_update().filter(pk=person.pk).first()
    if locked is None or not actor.region.contains(locked.region_id):
        raise PermissionDenied(_("该人员不在您的管辖范围内"))
    return locked


def _save_changes(actor, person: Person, before: dict) -> None:
    old, new = audit.changes(before, audit_view(person))
    if not new:
        return
    person.updated_at = timezone.now()
    person.save()
    audit.record(actor, "person.update", person, region=person.region_id, before=old, after=new)


@transaction.atomic
def reveal_person(actor, person: Person) -> dict:
    """The full ID number and phone, for roles allowed to see them of a person in their scope (the rule of
    accounts.permissions.can_reveal_in, checked in two steps to say which part failed); every reveal is logged."""
    if not permissions.can_reveal(actor):
        raise PermissionDenied(_("您的角色不能查看完整证件号码和电话"))
    if not actor.region.contains(person.region_id):
        raise PermissionDenied(_("该人员不在您的管辖范围内"))
    audit.record(actor, "person.reveal", person, region=person.region_id,
                 after={"fields": ["id_number", "phone"]})
    return {"id_number": person.id_number, "phone": person.phone}


# Households -----------------------------------------------------------------------------------

HOUSEHOLD_FIELDS = ["region", "address", "head_name"]


def _clean_household(actor, region_code: str, address: str, head_name: str) -> tuple[Region, str, str]:
    errors = {}
    address = clean_name(address)
    head_name = clean_name(head_name)
    if not address:
        errors["address"] = _("住址不能为空")
    elif len(address) > ADDRESS_MAX:
        errors["address"] = _("住址不能超过%(limit)s个字") % {"limit": ADDRESS_MAX}
    if len(head_name) > NAME_MAX:
        errors["head_name"] = _("户主姓名不能超过%(limit)s个字") % {"limit": NAME_MAX}
    region = None
    try:
        region = region_in_scope(actor, region_code)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return region, address, head_name


@transaction.atomic
def create_household(actor, *, region_code: str, address: str, head_name: str = "") -> Household:
    require_writer(actor)
    region, address, head_name = _clean_household(actor, region_code, address, head_name)
    household = Household.objects.create(region=region, address=address, head_name=head_name)
    audit.record(actor, "household.create", household, region=region,
                 after=audit.snapshot(household, HOUSEHOLD_FIELDS))
    return household


@transaction.atomic
def update_household(actor, household: Household, *, region_code: str, address: str,
                     head_name: str = "") -> Household:
    require_writer(actor)
    locked = Household.objects.select_for_update().filter(pk=household.pk).first()
    if locked is None or not actor.region.contains(locked.region_id):
        raise PermissionDenied(_("该户不在您的管辖范围内"))
    region, address, head_name = _clean_household(actor, region_code, address, head_name)
    before = audit.snapshot(locked, HOUSEHOLD_FIELDS)
    locked.region, locked.address, locked.head_name = region, address, head_name
    locked.save()
    old, new = audit.changes(before, audit.snapshot(locked, HOUSEHOLD_FIELDS))
    if new:
        audit.record(actor, "household.update", locked, region=region, before=old, after=new)
    return locked


@transaction.atomic
def set_household(actor, person: Person, household) -> Person:
    """Add a person to a household, move them to another one, or (household=None) take them out."""
    require_writer(actor)
    person = _locked_in_scope(actor, person)
    target = _household_in_scope(actor, household)
    if person.household_id == (target.pk if target else None):
        return person
    before = {"household": person.household_id}
    person.household = target
    person.updated_at = timezone.now()
    person.save(update_fields=["household", "updated_at"])
    audit.record(actor, "person.household", person, region=person.region_id, before=before,
                 after={"household": person.household_id})
    return person


# Merging duplicates ----------------------------------------------------------------------------

FILLABLE = ["phone", "phone_digest", "address", "workplace", "household", "sex", "birth_date"]


def references_to_person() -> list[tuple[type, str]]:
    """(model, field name) for every foreign key or one-to-one pointing at Person, in any app.

    Read from Django's model registry at call time, so apps added later (quarantine, cases …)
    are covered without touching this code. Many-to-many links are covered through their
    intermediate table's foreign key.
    """
    found = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if rel.many_to_many and not rel.concrete:
            through = rel.through
            found += [(through, f.name) for f in through._meta.fields
                      if f.is_relation and f.related_model is Person]
        elif (rel.one_to_many or rel.one_to_one) and not rel.concrete:
            found.append((rel.related_model, rel.field.name))
    return found


@transaction.atomic
def merge_persons(actor, keep: Person, other: Person) -> Person:
    """Keep one person and fold the other into it: every row pointing at `other` is re-pointed.

    The kept person's fields win; empty ones are filled from the other. Audit entries of the
    removed person stay as they are (they name it by id); a "person.merge" entry on the kept
    person records the merged id and what moved. Both must lie in the actor's scope.
    """
    require_writer(actor)
    if keep.pk == other.pk:
        raise ValidationError(_("不能将人员与自身合并"))
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, other.pk]).order_by("pk")}
    if len(locked) != 2 or not all(actor.region.contains(p.region_id) for p in locked.values()):
        raise PermissionDenied(_("两名人员都必须在您的管辖范围内"))
    keep, other = locked[keep.pk], locked[other.pk]
    other_id, other_view = other.pk, audit_view(other)
    before = audit_view(keep)
    moved = _repoint_references(other, keep)
    for name in FILLABLE:
        _fill_blank(keep, other, name)
    other.delete()
    keep.updated_at = timezone.now()
    keep.save()
    old, new = audit.changes(before, audit_view(keep))
    audit.record(actor, "person.merge", keep, region=keep.region_id, before=old,
                 after={**new, "merged_id": other_id, "moved": moved})
    # Marks the end of the removed person's own trail, which stays under its old id.
    audit.record(actor, "person.merged_into", object_type="person", object_id=str(other_id),
                 object_repr=other_view["name"], region=other_view["region"], before=other_view,
                 after={"kept_id": keep.pk})
    return keep


def _repoint_references(source: Person, target: Person) -> dict[str, int]:
    """Move every referencing row from `source` to `target`; returns rows moved per model.

    A queryset update, so no save() hooks run: roll-up contributions are keyed by the rows' own
    region and dates, never by the person, so the counters stay right without track_change.
    """
    moved = {}
    for model, name in references_to_person():
        try:
            with transaction.atomic():  # a savepoint, so a clash is reported, not a broken transaction
                count = model._base_manager.filter(**{name: source}).update(**{name: target})
        except IntegrityError:
            raise ValidationError(_("无法合并：两人在“%(what)s”中有冲突的记录（例如同一类别都在管），请先处理后再合并")
                                  % {"what": model._meta.verbose_name}) from None
        if count:
            moved[model._meta.label] = count
    return moved


def _fill_blank(keep: Person, other: Person, name: str) -> bool:
    column = Person._meta.get_field(name).attname
    if getattr(keep, column) in ("", None) and getattr(other, column) not in ("", None):
        setattr(keep, column, getattr(other, column))
        return True
    return False


def _accept_person(actor, person: Person, submission: dict) -> None:
    """A reviewed registration of a person: the registration as submitted, by the reviewer."""
    find_or_record_person(actor, id_type=person.id_type, id_number=person.id_number, **submission)


def _accept_merge(actor, person: Person, submission: dict) -> None:
    """A reviewed edit that gave a person the ID number of `person`: the two are one, kept as `person`, with
    the edit applied."""
    merged = Person.objects.filter(pk=submission.pop("merge_from")).first()
    if merged is None:
        raise ValidationError(_("要合并的人员已不存在（可能已被合并或删除）"))
    submission.pop("id_number", None)
    update_person(actor, merge_persons(actor, person, merged), **submission)


reviews.register("person", gettext_lazy("人员登记"), _accept_person)
reviews.register("person_merge", gettext_lazy("人员证件号码更正（合并）"), _accept_merge)
