"""The quarantine app's personal data (core.personal_data): orders, follow-ups and transfers to the fever clinic."""

from fangkong.core import personal_data

from .models import FollowUp, ObservationSite, Quarantine, QuarantinePolicy, Room, TransferRequest

personal_data.keep(QuarantinePolicy, follow_up_times="the policy's times of day")
personal_data.keep(ObservationSite, name="a designated hotel or site", address="the site's address, no person's")
personal_data.keep(Room, name="a room's number")
personal_data.register(
    Quarantine, region="region", moment="start_at", persons=("key_person__person",),
    erase=("home_address", "planned_end_reason", "end_reason", "handover_to"),
    kept={"follow_up_times": "the policy's times of day, copied"})
personal_data.register(FollowUp, region="region", moment="due_at", persons=("quarantine__key_person__person",),
                       erase=("symptoms", "note", "excuse_reason"), audit_keys=("reason",))
personal_data.register(
    TransferRequest, region="region", moment="opened_at",
    persons=("person", "key_person__person", "quarantine__key_person__person"),
    erase=("reason", "notes"), audit_keys=("note",))
