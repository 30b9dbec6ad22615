"""The isolation pages other pages link to, each with the rule its own view applies (core.links)."""

from fangkong.core.links import register

from . import selectors

register("quarantine:order", selectors.may_open_order, of_record=True)
