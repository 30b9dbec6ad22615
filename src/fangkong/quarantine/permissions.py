"""Who may do what in isolation and follow-up. Read by services, selectors and (later) navigation."""

from fangkong.accounts import permissions as account_permissions
from fangkong.accounts.models import Role
from fangkong.accounts.permissions import has_role
from fangkong.core import region_codes as codes
from fangkong.regions import selectors as region_selectors

HQ = {Role.HQ_ADMIN, Role.HQ_STAFF}
# Start, change and end orders, record follow-ups and tests, check people in and out.
WORK = HQ | {Role.TOWNSHIP_STAFF, Role.VILLAGE_WORKER, Role.DOCTOR}
# Supervisors and viewers read; checkpoint staff have nothing to do here.
READ = WORK | {Role.SUPERVISOR, Role.VIEWER}
# Observation sites are run by the county and the townships.
MANAGE_SITES = HQ | {Role.TOWNSHIP_STAFF}
# The fever-clinic transfer is handled by medical staff and the headquarters.
HANDLE_TRANSFERS = HQ | {Role.TOWNSHIP_STAFF, Role.DOCTOR}
# Who may be the responsible cadre (包保干部) of an order; the doctor must have the doctor role.
CADRES = HQ | {Role.TOWNSHIP_STAFF, Role.VILLAGE_WORKER}
# Who watches a scope's follow-ups rather than making them (their home page counts the scope's overdue ones).
WATCH_FOLLOW_UPS = HQ | {Role.TOWNSHIP_STAFF, Role.SUPERVISOR}


def can_work(user) -> bool:
    return has_role(user, WORK)


def can_read(user) -> bool:
    return has_role(user, READ)


def watches_follow_ups(user) -> bool:
    return has_role(user, WATCH_FOLLOW_UPS)


def can_manage_sites(user) -> bool:
    return has_role(user, MANAGE_SITES)


def can_handle_transfers(user) -> bool:
    return has_role(user, HANDLE_TRANSFERS)


def policies_owner():
    """The policies apply to every order the deployment starts: they belong to the deployment's region."""
    return region_selectors.deployment_region()


def can_edit_policies(user) -> bool:
    return account_permissions.can_change_setting(user, policies_owner())


def can_see(user, order) -> bool:
    """The order lies in the user's scope, or the user is its doctor (doctors see what they are assigned):
    `selectors._scope` as a test of one order, from the codes alone (no query for the user's region)."""
    return codes.is_within(order.region_id, user.region_id) or (user.role == Role.DOCTOR and order.doctor_id == user.pk)
