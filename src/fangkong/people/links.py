"""The people pages other pages link to, each with the rule its own view applies (core.links)."""

from fangkong.core.links import register

from . import selectors

register("people:detail", selectors.may_open_person, of_record=True)
