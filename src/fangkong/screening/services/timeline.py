"""The key person's timeline (KeyPersonEvent): every line of it is written here.

screening's services and the apps above it (quarantine's orders and follow-ups) call `record_event`; the
writers of many lines at once (the demo's generators) build each row with `event_row` and insert them in bulk.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from fangkong.core import actors

from ..models import KeyPersonEvent

TEXT_MAX = KeyPersonEvent._meta.get_field("text").max_length


@dataclass(slots=True)
class EventRow:
    """One line as the table stores it (fields named like the model's attributes)."""

    key_person_id: int
    at: datetime.datetime
    kind: str
    text: str
    actor_id: int | None


def event_row(key_person_id: int, kind: str, message: str, *, at: datetime.datetime,
              actor_id: int | None) -> EventRow:
    """The row of one line: its text cut to the column (a long note or reason in it)."""
    return EventRow(key_person_id, at, kind, str(message)[:TEXT_MAX], actor_id)


def record_event(key_person, kind: str, message: str, actor) -> KeyPersonEvent:
    """Write one line on the timeline of `key_person` (a KeyPerson or its id), now, by `actor` (a user or SYSTEM)."""
    key_person_id = key_person if isinstance(key_person, int) else key_person.pk
    row = event_row(key_person_id, kind, message, at=timezone.now(), actor_id=actors.user_id_of(actor))
    return KeyPersonEvent.objects.create(key_person_id=row.key_person_id, at=row.at, kind=row.kind, text=row.text,
                                         actor_id=row.actor_id)
