"""A list's search box that takes an ID number, a phone or an address, kept out of addresses: an address stays in
the browser's history on a shared office computer, in proxies' logs and in links passed on.

The list's filter form posts; `redirect_to_list` answers the post with the list's address, its other filters
as they were, and the typed text as `q` when it holds no digit (a name), otherwise as `s`: a key to the text
kept in the user's session. `typed` gives the text an address asks for. A text with a digit written into an
address (`?q=13800000000`) is not searched: the page says to type it into the box. The lists' APIs likewise
take such a text only in the body of a POST to their `…/search` (`refused_in_query`).
"""

import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "fangkong.searches"
KEPT = 20  # the user's latest searches by number; older keys are forgotten (their list shows every row again)
IN_ADDRESS = _("含数字的查询内容（证件号码、电话、门牌）请在搜索框中输入，不要放在网址中")
IN_QUERY = _("含数字的查询内容（证件号码、电话、门牌）请用 POST 在请求体中提交，不要放在网址中")


@dataclass(frozen=True)
class Typed:
    text: str  # what to search for ("" for none)
    param: str  # how the list's own links carry it: "q=…", "s=…" or ""
    error: str = ""  # a number found in the address, not searched


def _holds_number(text: str) -> bool:
    return any(c.isdigit() for c in text)


def refused_in_query(q: str, field: str = "q") -> dict | None:
    """An API's answer to a `q` with digits in its query string (422 detail), or None: the list's POST
    `…/search` takes it in the body."""
    return {"detail": {field: [str(IN_QUERY)]}} if _holds_number(q) else None


def redirect_to_list(request, field: str = "q"):
    """The answer to the filter form's post: its fields in the list's address, the typed text by key if it holds
    a digit."""
    params = [(k, v) for k, v in request.POST.items() if k not in (field, "csrfmiddlewaretoken", "s") and v]
    text = request.POST.get(field, "").strip()
    if text and _holds_number(text):
        params.append(("s", _keep(request, text)))
    elif text:
        params.append((field, text))
    return redirect(f"{request.path}?{urlencode(params)}" if params else request.path)


def _keep(request, text: str) -> str:
    kept = dict(request.session.get(SESSION_KEY, {}))
    for key, value in kept.items():
        if value == text:
            return key
    key = secrets.token_urlsafe(6)
    kept[key] = text
    request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])
    return key


def typed(request, field: str = "q") -> Typed:
    """The text the list's address asks to search for: `q` (no digit), or `s` (a key kept in the session)."""
    text = request.GET.get(field, "").strip()
    if _holds_number(text):
        return Typed("", "", str(IN_ADDRESS))
    if text:
        return Typed(text, urlencode({field: text}))
    key = request.GET.get("s", "")
    kept = request.session.get(SESSION_KEY, {}).get(key, "") if key else ""
    return Typed(kept, urlencode({"s": key}) if kept else "")
