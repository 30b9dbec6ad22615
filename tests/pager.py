"""Walking a list page's keyset pager ("下一页 →") the way a browser would."""

import re

PAGER = re.compile(r'<div class="pager"><a href="\?([^"]+)">')


def walk(client, path: str, query: str, item: str, pages: int = 10) -> tuple[list[str], list[str]]:
    """The texts matched by `item` on every page of `path` from `query` on, following the pager link, and the
    query strings of the pages after the first (at most `pages` pages: a pager that did not move stops there)."""
    found, queries = [], []
    for _ in range(pages):
        html = client.get(f"{path}?{query}").content.decode()
        found += re.findall(item, html)
        more = PAGER.search(html)
        if not more:
            break
        query = more.group(1).replace("&amp;", "&")
        queries.append(query)
    return found, queries


def every_page(fetch, size: int, pages: int = 10) -> list:
    """Every item a keyset-paged selector gives, page by page: `fetch(after)` returns at most `size` items
    after the one with id `after` (None: the first page). At most `pages` pages: a cursor that did not move
    would loop."""
    items, after = [], None
    for _ in range(pages):
        page = fetch(after)
        items += page
        if len(page) < size:
            break
        after = page[-1].pk
    return items


def every_cursor_page(fetch, pages: int = 50) -> list:
    """Every item of a selector paged by an opaque cursor: `fetch(after)` returns (items, next cursor or None);
    the first page is `fetch(None)`. At most `pages` pages: a cursor that did not move would loop."""
    items, after = [], None
    for _ in range(pages):
        page, after = fetch(after)
        items += page
        if after is None:
            break
    return items
