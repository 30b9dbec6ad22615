"""今日工作: what each role has to do today, at the top of the home page.

A registry each app fills from its own `today.py` (imported by its AppConfig.ready()), like the menu, so
core knows no feature app. A duty counts the items of one list, for one user, and links to that list: the
count and the rows behind the link are the same items (each app's tests hold it to that). A duty whose
count is None is not the user's and is not shown; one marked `urgent` stands out while above zero.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Duty:
    key: str
    label: str
    count: Callable  # (user) -> int | None
    url: Callable  # (user) -> str: the list holding exactly the counted items
    order: int = 500
    urgent: bool = False


_duties: dict[str, Duty] = {}


def register(*duties: Duty) -> None:
    """Add duties to the home page (a duty registered again under its key replaces the first)."""
    for duty in duties:
        _duties[duty.key] = duty


def duties() -> list[Duty]:
    return sorted(_duties.values(), key=lambda d: (d.order, d.key))


def duties_for(user) -> list[dict]:
    """The user's duties of today, in order, each with its count and the link to its list."""
    found = []
    for duty in duties():
        count = duty.count(user)
        if count is not None:
            found.append({"key": duty.key, "label": duty.label, "count": count, "url": duty.url(user),
                          "urgent": duty.urgent and count > 0})
    return found
