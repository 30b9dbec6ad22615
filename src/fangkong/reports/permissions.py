"""Who may do what in the daily report chain (每日一报). Read by services, selectors and views.

* **Responsible person (第一责任人)** of a level: a user whose scope region IS the report's region
  and whose role may submit at that level — a village/community worker for a village, township
  staff (or the township's own headquarters roles) for a township, headquarters (hq_admin, hq_staff)
  for the county. Only they submit (and correct after a return).
* **Returning for correction (退回)**: the level above. A user whose scope strictly contains the
  report's region and whose role may return: headquarters roles at any level above, and township
  staff for the villages of their township. Nobody returns their own level's report.
* **Reading**: any reading role whose scope contains the report's region (404 otherwise).
* **Deadline** (and the brief's issuer): the county's setting, changed by whoever may change a setting
  of the county (accounts.permissions.can_change_setting: its headquarters admins and those above).
"""

from fangkong.accounts import permissions as account_permissions
from fangkong.accounts.models import Role
from fangkong.accounts.permissions import has_role
from fangkong.core import region_codes as codes

HQ = {Role.HQ_ADMIN, Role.HQ_STAFF}
SUBMIT_BY_LEVEL = {
    codes.VILLAGE: {Role.VILLAGE_WORKER},
    codes.TOWNSHIP: {Role.TOWNSHIP_STAFF, *HQ},
    codes.COUNTY: HQ,
}
CHAIN_LEVELS = (codes.COUNTY, codes.TOWNSHIP, codes.VILLAGE)
RETURN = HQ | {Role.TOWNSHIP_STAFF}
READ = HQ | {Role.TOWNSHIP_STAFF, Role.VILLAGE_WORKER, Role.SUPERVISOR, Role.VIEWER}


def can_read(user) -> bool:
    return has_role(user, READ)


def can_submit(user, region) -> bool:
    """The responsible person of `region`'s level: scope is exactly that region, role fits the level."""
    return has_role(user, SUBMIT_BY_LEVEL.get(region.level, set())) and user.region_id == region.code


def can_return(user, region) -> bool:
    """The level above: scope strictly above the region (township staff: villages only)."""
    if not has_role(user, RETURN) or user.region_id == region.code or not codes.is_within(region.code, user.region_id):
        return False
    if user.role == Role.TOWNSHIP_STAFF:
        return region.level == codes.VILLAGE
    return True


def can_set_deadline(user, county_code: str) -> bool:
    return account_permissions.can_change_setting(user, county_code)


def shows_chain(user) -> bool:
    """Menu: 报送情况 (the status pages and the reports)."""
    return can_read(user)
