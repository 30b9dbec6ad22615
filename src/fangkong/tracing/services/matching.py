"""Which person a public check-in was (扫码登记核对): confirmed by tracing staff, never by the form.

A public check-in keeps the identity its visitor typed (services.check_ins); anyone can type anyone's ID
number or phone, so a check-in counts as a person's presence — for the exposure search and the
reconciliation — only once someone who traces has reviewed it. Decided here and nowhere else:

* Who links: whoever may search exposures, for a check-in at a place or checkpoint in their scope
  (permissions.can_match_check_in: the exposure search offers the match page by it), to a person they
  may trace (selectors.exposure.subjects_for: of their area;
  anyone for a county's headquarters and above). Anything else is as if it did not exist (404).
* To whom: one of the proposals (selectors.matching.match_candidates): the person with the check-in's
  typed ID number (keyed digest) when it has one, else a person with its typed phone and name. A tracer
  who finds that the visitor is someone else corrects that person's record first; the form's words
  alone never decide.
* What it changes: the check-in's `person`, nothing of the person. An open `unlisted` arrival task about
  the visitor goes to the person with it (or is closed when the person already has one there). A
  temperature at or above the fever threshold taken at the door is found now, on the person, as by any
  register (core.health.fever_found: the transfer, the ledger's fever entry, the timeline); undoing the
  link leaves that fever found.
* Undone by `unmatch_check_in` (a mistaken link). Both audited, with the numbers left out.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts import permissions as account_permissions
from fangkong.audit import services as audit
from fangkong.core.health import Fever, FeverSource, fever_found, is_fever
from fangkong.people.models import Person
from fangkong.places.models import CheckIn
from fangkong.screening.services import arrival_tasks

from .. import permissions
from ..selectors.matching import match_candidates


def _locked_in_scope(actor, check_in: CheckIn) -> CheckIn:
    if not account_permissions.can_trace(actor):
        raise PermissionDenied(_("您的角色不能核对扫码登记"))
    locked = CheckIn.objects.select_for_update().filter(pk=check_in.pk).first()
    if locked is None or not permissions.can_match_check_in(actor, locked.region_id):
        raise PermissionDenied(_("该扫码登记不在您的管辖范围内"))
    return locked


@transaction.atomic
def match_check_in(actor, check_in: CheckIn, person: Person | int | str | None) -> CheckIn:
    """Link the check-in to the person, after review (see the module docstring)."""
    row = _locked_in_scope(actor, check_in)
    if row.person_id is not None:
        raise ValidationError({"person": _("该扫码登记已核对为人员（编号 %(pk)s），如有误请先撤销") % {"pk": row.person_id}})
    pk = person.pk if isinstance(person, Person) else person
    if str(pk) not in {str(c.pk) for c in match_candidates(actor, row)}:
        raise ValidationError({"person": _("人员 %(pk)s 不是该扫码登记所填身份证号（或手机号和姓名）对应的人员") % {"pk": pk}})
    row.person_id = pk = int(pk)
    row.save(update_fields=["person"])
    arrival_tasks.follow_check_in(actor, row)
    if is_fever(row.temperature):
        _fever_at_the_door(actor, row)
    audit.record(actor, "check_in.match", row, region=row.region_id, object_repr=row.name,
                 before={"person_id": None}, after={"person_id": pk})
    return row


def _fever_at_the_door(actor, row: CheckIn) -> None:
    person = Person.objects.get(pk=row.person_id)
    site = row.place if row.place_id is not None else row.checkpoint
    fever_found(actor, Fever(person=person, temperature=row.temperature, source=FeverSource.CHECK_IN,
                             at=row.checked_in_at, region_code=person.region_id, place=site.name))


@transaction.atomic
def unmatch_check_in(actor, check_in: CheckIn) -> CheckIn:
    """Undo a mistaken link: the check-in is the visitor's own again."""
    row = _locked_in_scope(actor, check_in)
    if row.person_id is None:
        return row
    before = row.person_id
    row.person_id = None
    row.save(update_fields=["person"])
    audit.record(actor, "check_in.unmatch", row, region=row.region_id, object_repr=row.name,
                 before={"person_id": before}, after={"person_id": None})
    return row
