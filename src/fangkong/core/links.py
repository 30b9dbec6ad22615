"""Who may open a page that other pages link to.

A page shows a link only when its viewer may follow it: a checkpoint worker is not sent to the ledger, a
township's passage list does not link the key person of another township. The answer is the target page's own
rule (its app's permissions and scope, the rule its selector applies), registered here by the app that owns the
page (its `links.py`, imported by its AppConfig.ready()), so a linking page in any app asks `may_open` and
knows nothing of the target app (core knows no feature app). Templates ask through the `may_open` tag
(templatetags/links.py).

A rule is `rule(user, record)`: `record` is the record the page shows (a key person, an order), or None for
a page of no one record (a list). Rules decide on what the record carries (its region, its doctor), never by
a query, so a list of a hundred links costs nothing.
"""

from collections.abc import Callable

_rules: dict[str, Callable] = {}


def register(url_name: str, rule: Callable) -> None:
    """`rule(user, record)` answers whether `user` may open the page `url_name` of `record`."""
    _rules[url_name] = rule


def may_open(user, url_name: str, record=None) -> bool:
    """Whether the page answers `user` (no 403, no 404). A page no app has registered is a mistake of the
    linking page, not a link to hide: it raises LookupError."""
    try:
        rule = _rules[url_name]
    except KeyError:
        raise LookupError(f"no rule registered for the page {url_name!r} (core.links.register)") from None
    return bool(user is not None and user.is_authenticated and rule(user, record))


def registered() -> list[str]:
    return sorted(_rules)
