"""The key-place pages other pages link to, each with the rule its own view applies (core.links)."""

from fangkong.core.links import register

from . import permissions

# lists read through selectors.require_viewer (the dashboard's figures link to them)
for _name in ("places:list", "places:hygiene_compliance"):
    register(_name, permissions.can_view)
