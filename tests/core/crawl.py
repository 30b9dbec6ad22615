"""A crawler over the site's pages as one signed-in user, and what it checks in each page's visible text.

It follows every same-origin GET link from the home page (never a download, the API, the language switch or a
form's POST). A few addresses of each route are read in full: each HTML page's visible text (the text between
tags, not in <script> or <style>, and the words a person reads in attributes: title, placeholder, aria-label,
alt, a button's value) and its links, followed in turn. Every other link shown is opened too, to tell whether
the user may open it (at most SAME_PAIR links of one route shown on pages of one route): one answering 403,
404 or 410 is a dead link, kept with the page that showed it.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

# Latin words a Chinese page may show: abbreviations, file formats, product and unit names.
ALLOWED_WORDS = {
    "ID", "API", "PDF", "Excel", "Word", "WPS", "QR", "CSV", "XLSX", "xlsx", "DOCX", "docx", "ODS", "ods", "JSON",
    "PNG", "SVG", "Rt",  # Rt: the time-varying reproduction number (实时再生数)
    "OpenAPI", "Swagger", "Fangkong", "English", "N95", "KN95", "IP", "URL", "GB", "PCR", "CT", "ICU", "SARS",
    "CoV", "COVID", "LibreOffice", "Jinja", "Token", "token", "WiFi", "App", "HTTP", "HTTPS", "AM", "PM",
    "km", "kg", "ml", "mL", "cm", "mm",
}
# a word, not letters of a code such as a plate (鄂KC6643) or a token
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])")
REGION_CODE = re.compile(r"(?<!\d)\d{12}(?:\d{3})?(?!\d)")
# what a person reads in an attribute
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# addresses never followed: files, the API, the language switch, logging out
SKIP = re.compile(r"(^/api/|^/i18n/|^/static/|^/media/|logout|\.(xlsx|docx|pdf|csv|ods|png|svg|zip)$"
                  r"|/export|/download|/print|/notice|\.ics$)")
SAME_ROUTE = 3  # addresses of one route (url name) followed per user, query strings included
# links of one route shown on pages of one route that are opened to tell whether the user may open them: the
# same rule decides them all, and a dashboard shows hundreds of one list's addresses (each region, each day)
SAME_PAIR = 12


class _Text(HTMLParser):
    """Visible text of a page, each piece with whether it stands inside an element marked as code."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.pieces: list[tuple[str, bool]] = []
        self.links: list[str] = []

    def _in_code(self) -> bool:
        return any(code for _, code in self.stack)

    def _hidden(self) -> bool:
        return any(tag in ("script", "style", "template") for tag, _ in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        code = tag == "code" or "code" in (attrs.get("class") or "").split()
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        in_code = self._in_code() or code
        for name in READ_ATTRIBUTES & attrs.keys():
            if attrs[name]:
                self.pieces.append((attrs[name], in_code))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.pieces.append((attrs["value"], in_code))
        if tag not in self.VOID:
            self.stack.append((tag, code))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if data.strip() and not self._hidden():
            self.pieces.append((data, self._in_code()))


def read_page(html: str) -> tuple[list[tuple[str, bool]], list[str]]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.pieces, parser.links


def english_words(pieces, allowed=ALLOWED_WORDS) -> set[str]:
    """Latin words outside the allow-list and outside code columns."""
    return {w for text, in_code in pieces if not in_code for w in WORD.findall(text) if w not in allowed}


def region_codes(pieces) -> set[str]:
    """12- or 15-digit numbers (region codes) outside code columns."""
    return {c for text, in_code in pieces if not in_code for c in REGION_CODE.findall(text)}


@dataclass
class Crawl:
    visited: list[str] = field(default_factory=list)
    server_errors: dict[str, int] = field(default_factory=dict)
    broken: dict[str, int] = field(default_factory=dict)
    # every link shown that answered 403 or 404/410, with the page that showed it: {target: (status, page)}
    dead_links: dict[str, tuple[int, str]] = field(default_factory=dict)
    english: dict[str, set[str]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)


def route_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match._func_path


def crawl(client: Client, start: str = "/", limit: int = 400) -> Crawl:
    """Every page reachable from `start` by same-origin GET links, at most SAME_ROUTE addresses per route
    read and followed; every other link shown is opened too, to tell whether the user may open it."""
    found = Crawl()
    queue, seen, per_route, per_pair = [start], {start}, Counter(), Counter()
    shown_on: dict[str, str] = {}
    checked: list[str] = []
    while queue and len(found.visited) < limit:
        url = queue.pop(0)
        response = client.get(url)
        found.visited.append(url)
        if response.status_code >= 500:
            found.server_errors[url] = response.status_code
            continue
        if response.status_code in (403, 404, 410):
            found.dead_links[url] = (response.status_code, shown_on.get(url, ""))
        if response.status_code in (404, 410):
            found.broken[url] = response.status_code
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        pieces, links = read_page(response.content.decode())
        if words := english_words(pieces):
            found.english[url] = words
        if codes := region_codes(pieces):
            found.codes[url] = codes
        for href in links:
            target = urldefrag(urljoin(url, href)).url
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            if target in seen:
                continue
            seen.add(target)
            shown_on[target] = url
            route = route_name(parts.path)
            if route is None:
                found.broken[target] = 404
                found.dead_links[target] = (404, url)
                continue
            if per_route[route] >= SAME_ROUTE:
                pair = (route, route_name(urlsplit(url).path))
                if per_pair[pair] < SAME_PAIR:
                    per_pair[pair] += 1
                    checked.append(target)
                continue
            per_route[route] += 1
            queue.append(target)
    for target in checked:
        status = client.get(target).status_code
        if status >= 500:
            found.server_errors[target] = status
        elif status in (403, 404, 410):
            found.dead_links[target] = (status, shown_on[target])
    return found
