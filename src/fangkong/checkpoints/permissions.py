"""Who may do what at the roadside checkpoints (the roles are those of fangkong.accounts)."""

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import HQ, LEDGER_READ, has_role

# set up, edit and close checkpoints (and key places: fangkong.places follows this rule); plan duty shifts
MANAGE = HQ | {Role.TOWNSHIP_STAFF}
# register passages at a checkpoint
REGISTER_PASSAGES = MANAGE | {Role.CHECKPOINT_STAFF}
# inspect the five haves
INSPECT = HQ | {Role.SUPERVISOR}
# see checkpoints, their figures and compliance lists (and key places')
VIEW = LEDGER_READ | {Role.CHECKPOINT_STAFF}


def can_manage(user) -> bool:
    return has_role(user, MANAGE)


def can_register_passages(user) -> bool:
    return has_role(user, REGISTER_PASSAGES)


def can_inspect(user) -> bool:
    return has_role(user, INSPECT)


def can_view(user) -> bool:
    return has_role(user, VIEW)
