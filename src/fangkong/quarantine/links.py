"""The isolation pages other pages link to, each with the rule its own view applies (core.links)."""

from fangkong.core.links import register

from . import permissions, selectors

register("quarantine:order", selectors.may_open_order, of_record=True)
# lists read through selectors.require_reader (the dashboard's figures link to them)
for _name in ("quarantine:orders", "quarantine:fevers", "quarantine:transfers", "quarantine:overdue"):
    register(_name, permissions.can_read)
