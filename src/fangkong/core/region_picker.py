"""The region picker, for every page and for the apps below the region table (the audit trail's filter): a
<select> of the regions under a root by name, villages and grids grouped under their township, the code only
as the value sent. The regions app provides the choices at start (regions.forms.region_choices), as the apps
fill core's other registries; None when a root holds more regions than a list can carry, and then the page
asks for a code.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString

from .widgets import ListSelect

_builder: Callable | None = None


def provide(builder: Callable) -> None:
    """`builder(root, *, levels, blank)`: the choices of the picker, or None when too many."""
    global _builder
    _builder = builder


def choices(root: str, *, levels=None, blank=None) -> list | None:
    if _builder is None:
        raise LookupError("no region picker provided (fangkong.regions registers it at start)")
    return _builder(root, levels=levels, blank=blank)


def select(name: str, value: str, root: str, *, levels=None, blank=None, attrs=None) -> SafeString | None:
    """The <select> of a filter form (a GET form written by hand), `value` chosen; None when too many."""
    found = choices(root, levels=levels, blank=blank)
    if found is None:
        return None
    return ListSelect(choices=found, attrs=attrs).render(name, value or "")
