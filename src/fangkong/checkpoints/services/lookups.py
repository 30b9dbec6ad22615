"""The passage form's look-up of an ID number as it is typed (rules decided here):

- It answers from the checkpoint's own register only. A person who passed this checkpoint before is
  found: their name (to prefill), whether a phone is known, and the origin and destination of their
  latest passage here — what the staff see in the checkpoint's passage list anyway. A person the county
  knows from elsewhere (a ledger, another checkpoint, a check-in) is not found here: the staff type the
  name from the ID card, and the registration still finds the person by the digest. No number is
  answered, not even masked (the staff typed it), and nothing of the person's region or address.
- It is counted: FANGKONG_LOOKUP_RATE look-ups a minute per account (default 20: a queue takes a
  person in ten seconds or more); over it, `RateLimited` (the API answers 429). Every look-up counts,
  a malformed number too.
- It is audited: every look-up of a valid number writes `passage.lookup` with the checkpoint, the
  masked number and its keyed digest (who looked up a number can be found; the number is not stored)
  and whether it was found.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core import rate_limit
from fangkong.people import identity
from fangkong.people.cleaning import clean_id_number, parse_id_type

from ..models import Checkpoint
from ..selectors import passages as passage_selectors
from .passages import require_registrar


def lookup_rate() -> int:
    return settings.FANGKONG_LOOKUP_RATE


def look_up_person(actor, checkpoint: Checkpoint, *, id_type: str, id_number: str) -> dict:
    """What the passage form may show and prefill for a typed ID (see the module's docstring)."""
    require_registrar(actor, checkpoint)
    rate = lookup_rate()
    if not rate_limit.allow("passage_lookup", actor.pk, rate):
        raise rate_limit.RateLimited(
            _("证件号码查询过于频繁：每个账号每分钟最多查询%(rate)s次，请稍后再试，或直接填写姓名登记") % {"rate": rate})
    try:
        kind = parse_id_type(id_type)
        number = clean_id_number(kind, id_number)
    except ValidationError as exc:
        return {"found": False, "valid": False, "message": "；".join(exc.messages)}
    digest = identity.digest(kind, number)
    last = passage_selectors.last_passage_here(actor, checkpoint, id_digest=digest)
    masked = identity.mask_id(number)
    audit.record(actor, "passage.lookup", object_type="person", object_id=str(last.person_id) if last else "",
                 object_repr=masked, region=checkpoint.region_id, after={
                     "checkpoint": checkpoint.pk, "id_type": kind, "id_number": masked, "id_digest": digest,
                     "found": last is not None})
    if last is None:
        return {"found": False, "valid": True, "message": ""}
    return {"found": True, "valid": True, "message": "", "name": last.person.name,
            "has_phone": bool(last.person.phone), "last": {
                "origin": last.origin, "origin_code": last.origin_code, "destination": last.destination_id or "",
                "destination_name": last.destination.name if last.destination else "",
                "destination_text": last.destination_text}}
