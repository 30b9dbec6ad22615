"""Who may do what with the pharmacy register (the roles are those of fangkong.accounts).

Those who work the ledger (headquarters, township staff, village workers, village doctors) register purchases
at a pharmacy of their scope and confirm who a buyer who registered themselves was: a fever at the pharmacy
is theirs to follow up. Those who read the ledger (supervisors, viewers too) read the register. A purchase
belongs to two regions: the pharmacy's and the village where the buyer lives; staff of either see it.
"""

from fangkong.accounts.permissions import LEDGER_READ, LEDGER_WORK, has_role
from fangkong.core import region_codes as codes

REGISTER = LEDGER_WORK
VIEW = LEDGER_READ


def can_register(user) -> bool:
    return has_role(user, REGISTER)


def can_view(user) -> bool:
    return has_role(user, VIEW)


def covers_purchase(user, region_code: str, home_region_code: str | None) -> bool:
    """The purchase is the user's: the pharmacy's region or the buyer's village lies in their scope."""
    return codes.covers(user, region_code) or bool(home_region_code and codes.covers(user, home_region_code))
