"""Every fever reaches the fever clinic: the one rule for a fever found by any register.

A passage at a checkpoint, a check-in, a daily check on the ledger, a follow-up in isolation, a purchase at
a pharmacy (fangkong.medical) call core.health.fever_found; `handle_fever`, registered
from this app's ready(), then, inside the register's transaction:

* finds the person's open ledger entry, or puts them on the ledger of their village as a fever person
  (发热咳嗽人员) when the register knows the village (screening.services.fevers.entry_for);
* makes the fever the entry's day's check (unless the register's row is that check), so the village's
  today list shows it, its 发热 figure and the roll-up's fevers_found count it, and its filter lists it;
* opens a transfer request to the fever clinic, or adds the finding to the person's open one;
* writes the line on the person's timeline.

A person with no entry and no known village still gets the transfer (located where they were found).
"""

import datetime

from django.utils import timezone

from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core.health import Fever
from fangkong.core.validation import fmt
from fangkong.screening.services import fevers as ledger

from .. import rollup
from ..models import Quarantine, QuarantineStatus, TransferRequest, TransferStatus

OPEN = (TransferStatus.OPEN, TransferStatus.ASSIGNED)


def open_transfer(actor, *, person_id: int, key_person_id: int | None, quarantine: Quarantine | None,
                  region_code: str, reason: str, at: datetime.datetime, source: str = "", temperature=None,
                  ) -> tuple[TransferRequest, list[counters.Contribution], bool]:
    """The person's open transfer request to the fever clinic with this finding added, or a new one.

    Returns it with its roll-up contributions (for the caller's one `track_change`: none when it was open
    already) and whether it was opened now.
    """
    line = f"[{fmt(at)}] {reason}"
    current = TransferRequest.objects.select_for_update().filter(person_id=person_id, status__in=OPEN).first()
    if current is None and quarantine is not None:  # a request opened before requests named their person
        current = TransferRequest.objects.select_for_update().filter(quarantine=quarantine, status__in=OPEN).first()
    if current is not None:
        current.notes = f"{current.notes}\n{line}".strip()
        current.save(update_fields=["notes"])
        return current, [], False
    transfer = TransferRequest.objects.create(
        quarantine=quarantine, person_id=person_id, key_person_id=key_person_id, region_id=region_code,
        reason=reason[:200], source=source, temperature=temperature, opened_at=timezone.now(), opened_by=actor
        if getattr(actor, "pk", None) else None, notes=line)
    audit.record(actor, "transfer_request.open", transfer, region=region_code, after={
        "quarantine": quarantine.pk if quarantine is not None else None, "person": person_id,
        "key_person": key_person_id, "source": source, "reason": transfer.reason})
    return transfer, rollup.transfer_contributions(transfer), True


def fever_found(actor, fever: Fever, *, quarantine: Quarantine | None = None, reason: str = "",
                line: bool = True) -> tuple[TransferRequest, list[counters.Contribution]]:
    """The fever on the ledger and the transfer (see the module's docstring). `quarantine`: the order the
    register works under (a follow-up; else the entry's active order, if any); `reason`: the transfer's
    reason when not the fever's own words; `line`: write the timeline line (a follow-up writes its own)."""
    kp = ledger.entry_for(actor, fever)
    changes = []
    if kp is not None:
        changes = ledger.note_fever(actor, kp, fever)
        if quarantine is None:
            quarantine = Quarantine.objects.filter(key_person=kp, status=QuarantineStatus.ACTIVE).first()
    region_code = kp.region_id if kp is not None else fever.region_code
    person_id = getattr(fever.person, "pk", fever.person)
    transfer, new, opened = open_transfer(
        actor, person_id=person_id, key_person_id=kp.pk if kp is not None else None, quarantine=quarantine,
        region_code=region_code, reason=reason or ledger.fever_text(fever), at=fever.at, source=fever.source,
        temperature=fever.temperature)
    if kp is not None and line:
        ledger.record_fever_line(kp, fever, actor, transfer_opened=opened)
    transfer.key_person_entry = kp
    return transfer, changes + new


def handle_fever(actor, fever: Fever) -> TransferRequest:
    """The handler of core.health.fever_found: the rule above, its counters moved."""
    transfer, new = fever_found(actor, fever)
    counters.track_change(new=new)
    return transfer
