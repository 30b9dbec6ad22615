"""Who may open a page that other pages link to.

A page shows a link only when its viewer may follow it: a checkpoint worker is not sent to the ledger, a
township's passage list does not link the key person of another township. The answer is the target page's own
rule (its app's permissions and scope, the rule its selector applies), registered here by the app that owns the
page (its `links.py`, imported by its AppConfig.ready()), so a linking page in any app asks `may_open` and
knows nothing of the target app (core knows no feature app). Templates ask through the `may_open` tag
(templatetags/links.py).

A page of one record (a key person, an order) registers `rule(user, record)`, deciding on what the record
carries (its region, its doctor), never by a query, so a list of a hundred links costs nothing; asked about no
record (an empty foreign key), the answer is no. A page of no one record (a list) registers `rule(user)`.
"""

from collections.abc import Callable

_rules: dict[str, tuple[Callable, bool]] = {}


def register(url_name: str, rule: Callable, *, of_record: bool = False) -> None:
    """`rule(user)` answers whether `user` may open the page `url_name`; with `of_record`, `rule(user, record)`
    whether they may open it for that record."""
    _rules[url_name] = (rule, of_record)


def may_open(user, url_name: str, record=None) -> bool:
    """Whether the page answers `user` (no 403, no 404). A page no app has registered is a mistake of the
    linking page, not a link to hide: it raises LookupError."""
    try:
        rule, of_record = _rules[url_name]
    except KeyError:
        raise LookupError(f"no rule registered for the page {url_name!r} (core.links.register)") from None
    if user is None or not user.is_authenticated:
        return False
    if of_record:
        return record is not None and bool(rule(user, record))
    return bool(rule(user))


def registered() -> list[str]:
    return sorted(_rules)


def is_registered(url_name: str) -> bool:
    return url_name in _rules


def needs_record(url_name: str) -> bool:
    """Whether the page shows one record (its rule asks which)."""
    return _rules[url_name][1]
