"""Who may do what with key places and their codes: places are set up and seen by those who set up and see
checkpoints (fangkong.checkpoints.permissions); village workers keep their places' daily hygiene logs too."""

from fangkong.accounts.models import Role
from fangkong.accounts.permissions import has_role
from fangkong.checkpoints.permissions import MANAGE, VIEW, can_manage, can_view

__all__ = ["can_manage", "can_view", "can_log_hygiene", "MANAGE", "VIEW", "LOG_HYGIENE"]

# keep a place's daily hygiene log
LOG_HYGIENE = MANAGE | {Role.VILLAGE_WORKER}


def can_log_hygiene(user) -> bool:
    return has_role(user, LOG_HYGIENE)
