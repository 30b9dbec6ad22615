"""Who may read and keep the risk-area list."""

from fangkong.accounts import permissions as account_permissions
from fangkong.accounts.models import Role
from fangkong.accounts.permissions import LEDGER_READ, has_role
from fangkong.regions import selectors as region_selectors

# The list is not personal data: whoever works the ledgers or a checkpoint reads it.
VIEW = LEDGER_READ | {Role.CHECKPOINT_STAFF}


def can_view(user) -> bool:
    return has_role(user, VIEW)


def risk_areas_owner():
    """Every passage and check-in of the deployment is tested against the one list of risk areas: the list
    belongs to the deployment's region."""
    return region_selectors.deployment_region()


def can_manage_risk_areas(user) -> bool:
    return account_permissions.can_change_setting(user, risk_areas_owner())
