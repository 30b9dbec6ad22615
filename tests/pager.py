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
