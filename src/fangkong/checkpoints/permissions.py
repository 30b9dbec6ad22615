"""Who may do what with checkpoints, places, check-ins and arrivals. One table, read by selectors,
services and the menu alike (the roles are those of fangkong.accounts)."""

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import HQ, LEDGER_READ, LEDGER_WORK, _has

# set up, edit and close checkpoints and places; order closures; plan duty shifts
MANAGE = HQ | {Role.TOWNSHIP_STAFF}
# register passages at a checkpoint
REGISTER_PASSAGES = MANAGE | {Role.CHECKPOINT_STAFF}
# inspect the five haves
INSPECT = HQ | {Role.SUPERVISOR}
# see checkpoints, places, their figures and compliance lists
VIEW = LEDGER_READ | {Role.CHECKPOINT_STAFF}
# keep a place's daily hygiene log
LOG_HYGIENE = MANAGE | {Role.VILLAGE_WORKER}
# search who was co-present with a person (headquarters / CDC staff)
EXPOSURE_SEARCH = HQ | {Role.DOCTOR}
# deal with arrival tasks on a village's list
WORK_TASKS = LEDGER_WORK
# the list of risk areas
MANAGE_RISK_AREAS = HQ


def can_manage(user) -> bool:
    return _has(user, MANAGE)


def can_register_passages(user) -> bool:
    return _has(user, REGISTER_PASSAGES)


def can_inspect(user) -> bool:
    return _has(user, INSPECT)


def can_view(user) -> bool:
    return _has(user, VIEW)


def can_log_hygiene(user) -> bool:
    return _has(user, LOG_HYGIENE)


def can_search_exposure(user) -> bool:
    return _has(user, EXPOSURE_SEARCH)


def can_work_tasks(user) -> bool:
    return _has(user, WORK_TASKS)


def can_manage_risk_areas(user) -> bool:
    return _has(user, MANAGE_RISK_AREAS)
