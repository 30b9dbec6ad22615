"""The screening pages other pages link to, each with the rule its own view applies (core.links)."""

from fangkong.accounts import permissions
from fangkong.core.links import register

from . import selectors

register("screening:key_person", lambda user, key_person: selectors.may_open_key_person(user, key_person))
# lists read through selectors.require_reader
register("screening:key_persons", lambda user, _record=None: permissions.can_view_ledger(user))
register("screening:arrival_tasks", lambda user, _record=None: permissions.can_view_ledger(user))
