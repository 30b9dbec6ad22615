"""Who acts: a signed-in user, or the system itself, named.

Services and selectors take the actor first. The system (the reconciliation run by cron, the demo builders,
a command run without --user, a visitor's public check-in) is `SYSTEM`, passed by name where a service allows
it: it has no account and no scope, and the audit trail names it "system". `None` is refused (TypeError), so
an actor forgotten on the way cannot pass as the system.
"""


class SystemActor:
    """The system as an actor. It has no region or role: code that asks for one fails unless it has asked
    `is_system` first, as a service that lets the system act must."""

    pk = None
    username = "system"
    # what Django's permission checks ask first: the role rules (accounts.permissions.has_role) answer no
    is_authenticated = False
    is_active = False

    def get_username(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self):  # one instance, even through copy and pickle
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    """Whether the system acts; a missing actor (None) is refused rather than taken for it."""
    if actor is None:
        raise TypeError("no actor given: pass the user, or fangkong.core.actors.SYSTEM for the system itself")
    return actor is SYSTEM


def user_of(actor):
    """The account to store as the one who acted (a foreign key to the user): None for the system."""
    if is_system(actor):
        return None
    if not actor.pk:
        raise TypeError(f"{actor!r} is no saved user: pass the user, or fangkong.core.actors.SYSTEM")
    return actor


def user_id_of(actor) -> int | None:
    user = user_of(actor)
    return None if user is None else user.pk


def name_of(actor) -> str:
    """The name the audit trail keeps beside the account (it stays when the account goes)."""
    return SYSTEM.username if is_system(actor) else user_of(actor).get_username()
