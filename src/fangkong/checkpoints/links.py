"""The roadside pages other pages link to, each with the rule its own view applies (core.links)."""

from fangkong.core.links import register

from . import permissions

# lists read through selectors.require_viewer (the dashboard's figures link to them)
for _name in ("checkpoints:list", "checkpoints:passages", "checkpoints:failing"):
    register(_name, permissions.can_view)
