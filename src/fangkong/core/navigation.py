"""The main menu: a registry that each app fills with its own entries (its `menu.py`, imported by its
AppConfig.ready()), so core knows no feature app. Each entry says who sees it and where it stands:
entries are shown by `order`, in bands of ten, as the day's work runs:
home and regions (10–29), the dashboard (30), people (40–49), screening and the ledger (50–89), isolation
(90–119), checkpoints, places and tracing (120–169), the daily report and briefs (170–199), administration
(200–).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    visible: Callable = lambda user: True
    order: int = 500


_entries: dict[str, Entry] = {}


def register(*entries: Entry) -> None:
    """Add entries to the menu (an entry registered again under its URL name replaces the first)."""
    for entry in entries:
        _entries[entry.url_name] = entry


def entries() -> list[Entry]:
    return sorted(_entries.values(), key=lambda e: (e.order, e.url_name))


def entries_for(user) -> list[dict]:
    return [{"label": e.label, "url": reverse(e.url_name), "name": e.url_name}
            for e in entries() if e.visible(user)]


register(Entry(_("首页"), "core:home", order=10))
