"""What each role may do. One table, read by selectors, services and navigation alike."""

from fangkong.core import region_codes as codes

from .models import Role

HQ = {Role.HQ_ADMIN, Role.HQ_STAFF}
MANAGE_USERS = {Role.HQ_ADMIN}
VIEW_AUDIT = {Role.HQ_ADMIN}
MANAGE_REGIONS = {Role.HQ_ADMIN}
# Roles that may see full ID numbers and phones on request (each reveal is logged).
REVEAL_PERSONAL_DATA = {Role.HQ_ADMIN, Role.HQ_STAFF, Role.DOCTOR, Role.EPIDEMIOLOGIST}
READ_ONLY = {Role.VIEWER}
# Settings that bind a region and everything below it (the quarantine policies, the risk-area list, the
# report deadline, the brief template) belong to that region: they are changed by its headquarters admins
# and those of the regions above it, never from below (a township's admin reads the county's policy that
# applies to it and cannot change it). Decided here and nowhere else: each setting names its owner.
CHANGE_SETTINGS = {Role.HQ_ADMIN}


def has_role(user, roles) -> bool:
    """A signed-in, active user with a scope region whose role is one of `roles`: every app's rules start here."""
    return bool(user and user.is_authenticated and user.is_active and user.region_id and user.role in roles)


def can_manage_users(user) -> bool:
    return has_role(user, MANAGE_USERS)


def can_view_audit(user) -> bool:
    return has_role(user, VIEW_AUDIT)


def can_manage_regions(user) -> bool:
    return has_role(user, MANAGE_REGIONS)


# The permission names that apps below accounts (regions, audit) ask through Django's `user.has_perm`, since
# they cannot import this module: each stands for one rule above, and backends.LockoutBackend answers from
# this table alone.
PERMISSION_RULES = {
    "regions.change_region": can_manage_regions,
    "audit.view_auditentry": can_view_audit,
}


def has_permission(user, perm: str) -> bool:
    """The answer to `user.has_perm(perm)`: the rule the name stands for; a name without one is refused."""
    rule = PERMISSION_RULES.get(perm)
    return rule is not None and rule(user)


def can_change_setting(user, owner) -> bool:
    """The user may change a setting owned by `owner` (a Region or its code; None: owned by no region)."""
    code = getattr(owner, "code", owner)
    return bool(code) and has_role(user, CHANGE_SETTINGS) and codes.is_within(code, user.region_id)


def can_reveal(user) -> bool:
    return has_role(user, REVEAL_PERSONAL_DATA)


def can_reveal_in(user, region_code: str) -> bool:
    """May reveal a person (or record) of that region: a revealing role, and the region in the user's scope."""
    return can_reveal(user) and codes.is_within(region_code, user.region_id)


def can_write(user) -> bool:
    return has_role(user, set(Role) - READ_ONLY)


def is_headquarters(user) -> bool:
    return has_role(user, HQ)


# Screening and the key-person ledger: who works it (register, check, visit), who reads it, who opens sweeps.
LEDGER_WORK = HQ | {Role.TOWNSHIP_STAFF, Role.VILLAGE_WORKER, Role.DOCTOR}
LEDGER_READ = LEDGER_WORK | {Role.SUPERVISOR, Role.VIEWER, Role.EPIDEMIOLOGIST}
RUN_SWEEPS = HQ | {Role.TOWNSHIP_STAFF}


def can_work_ledger(user) -> bool:
    return has_role(user, LEDGER_WORK)


def can_view_ledger(user) -> bool:
    return has_role(user, LEDGER_READ)


def can_run_sweeps(user) -> bool:
    return has_role(user, RUN_SWEEPS)


# Tracing: search who was co-present with a person and confirm which person a public check-in was
# (headquarters / CDC staff, the CDC's investigation teams, doctors). fangkong.tracing applies it; a key
# place's page offers its links by it.
TRACE = HQ | {Role.DOCTOR, Role.EPIDEMIOLOGIST}


def can_trace(user) -> bool:
    return has_role(user, TRACE)
