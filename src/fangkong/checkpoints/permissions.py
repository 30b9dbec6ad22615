"""Who may do what with checkpoints, places, check-ins and arrivals. One table, read by selectors,
services and the menu alike (the roles are those of fangkong.accounts)."""

from fangkong.accounts import permissions as account_permissions
from fangkong.accounts.models import Role
from fangkong.accounts.permissions import HQ, LEDGER_READ, LEDGER_WORK, _has
from fangkong.core import region_codes as codes
from fangkong.regions import selectors as region_selectors

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
# search who was co-present with a person (headquarters / CDC staff, doctors)
EXPOSURE_SEARCH = HQ | {Role.DOCTOR}
# Whom a searcher may trace (decided here; selectors.exposure.subjects_for applies it): a person registered
# in the searcher's region subtree. Headquarters of a county or above trace across the county: any person,
# wherever registered, because tracing a case's contacts is their work and a case is often not one of their
# residents (a traveller from a neighbouring county who shopped here). Every other searcher, a village's or
# township's doctor or a township's headquarters, finds only persons of its own area: for them a person
# elsewhere does not exist, so the search cannot map a phone to a name outside their area. Whoever the
# subject, only presences inside the searcher's scope are read, and every number is shown masked; a reveal
# of one person follows the people app's rule (accounts.permissions.can_reveal and the person in scope).
EXPOSURE_ANY_SUBJECT = HQ
EXPOSURE_ANY_SUBJECT_LEVELS = {codes.PROVINCE, codes.CITY, codes.COUNTY}
# deal with arrival tasks on a village's list
WORK_TASKS = LEDGER_WORK


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


def can_match_check_in(user, region_code: str) -> bool:
    """May confirm which person a public check-in at a place or checkpoint of `region_code` was (services.matching):
    a searcher, for a check-in in their scope."""
    return can_search_exposure(user) and codes.is_within(region_code, user.region_id)


def traces_across_county(user) -> bool:
    """May search any person, not only those of the user's region subtree (see EXPOSURE_ANY_SUBJECT)."""
    return (_has(user, EXPOSURE_ANY_SUBJECT)
            and codes.level_of(user.region_id) in EXPOSURE_ANY_SUBJECT_LEVELS)


def can_work_tasks(user) -> bool:
    return _has(user, WORK_TASKS)


def risk_areas_owner():
    """Every passage and check-in of the deployment is tested against the one list of risk areas: the list
    belongs to the deployment's region."""
    return region_selectors.deployment_region()


def can_manage_risk_areas(user) -> bool:
    return account_permissions.can_change_setting(user, risk_areas_owner())
