"""The screening pages other pages link to, each with the rule its own view applies (core.links)."""

from fangkong.accounts import permissions
from fangkong.core.links import register

from . import selectors

register("screening:key_person", selectors.may_open_key_person, of_record=True)
# lists read through selectors.require_reader
register("screening:key_persons", permissions.can_view_ledger)
register("screening:arrival_tasks", permissions.can_view_ledger)
register("screening:today", permissions.can_view_ledger)  # a day's list of whom to check (a dashboard figure's)
