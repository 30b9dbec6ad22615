"""Every write of isolation and follow-up (one module per subject, re-exported here).

Each function takes the acting user first, validates (ValidationError naming the field, in
Chinese), writes in one transaction, moves the roll-up counters (`analytics.counters.track_change`)
and leaves an audit entry. Pages, the API and demo data call these and nothing else.
"""

from .followups import excuse_follow_up, phone_to_call, record_follow_up
from .orders import (
    assign_responsible,
    change_planned_end,
    end_for_case,
    end_for_contact,
    end_quarantine,
    extend_for_contact,
    record_lab_result,
    record_test,
    release_quarantine,
    start_for_contact,
    start_quarantine,
)
from .policies import update_policy
from .sites import add_room, change_room_capacity, check_in, check_out, create_site
from .transfers import assign_transfer, close_transfer

__all__ = ["start_quarantine", "change_planned_end", "assign_responsible", "record_test", "release_quarantine",
           "end_quarantine", "end_for_case", "record_lab_result", "start_for_contact", "extend_for_contact",
           "end_for_contact", "record_follow_up", "excuse_follow_up", "phone_to_call", "update_policy", "create_site",
           "add_room", "change_room_capacity", "check_in", "check_out", "assign_transfer", "close_transfer"]
