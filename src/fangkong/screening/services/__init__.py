"""Every write of screening and the key-person ledger (one module per subject, re-exported here).

Each function takes the acting user first, validates (ValidationError naming the field), writes in one
transaction, moves the roll-up counters (`analytics.counters.track_change`) and leaves an audit entry.
"""

from .checks import delete_daily_check, record_daily_check
from .key_persons import change_key_person_status, delete_key_person, register_key_person, update_key_person
from .sweeps import create_sweep, delete_household_visit, record_household_visit

__all__ = ["create_sweep", "record_household_visit", "delete_household_visit", "register_key_person",
           "update_key_person", "change_key_person_status", "delete_key_person", "record_daily_check",
           "delete_daily_check"]
