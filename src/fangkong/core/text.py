"""Text typed by people: the cleaning every stored name, address, note and reason goes through.

Decided here and nowhere else:

* Invisible characters go, everywhere: zero-width spaces and joiners hide inside a name so that two
  people look alike and a search misses, a byte-order mark rides along from a pasted CSV, and a
  right-to-left override (U+202E) before "gpj.exe" makes it display as "exe.jpg" in the page, the export
  and the audit log. Control characters and lone surrogates go too (PostgreSQL refuses a NUL in text;
  a surrogate cannot be written as UTF-8).
* `clean_name`: names, addresses, codes and other text that identifies a person, place or thing.
  Full-width letters, digits and punctuation become ASCII (NFKC), as the ledger importer always did, so
  a name typed in a form and the same name imported from Excel are the same string; every run of white
  space (tabs, line breaks, the ideographic space) becomes one space.
* `clean_text`: a note or reason on one line. It keeps what was written (only composed, NFC): full-width
  punctuation is correct in Chinese ("已上门核实，居家观察"); white space is collapsed as above.
* `clean_prose`: text in paragraphs (a report's situation): as `clean_text`, but line breaks stay.
"""

import re
import unicodedata

# Zero-width spaces, joiners and directional marks; bidi embeddings and overrides; word joiner and the
# invisible math operators; bidi isolates; the byte-order mark / zero-width no-break space; the Arabic
# letter mark and the soft hyphen (both invisible in most fonts).
INVISIBLE = frozenset(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x206A),
     0xFEFF, 0x061C, 0x00AD])
_INVISIBLE_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(INVISIBLE)) + "]")
_UNSTORABLE = frozenset({"Cc", "Cs"})  # control characters, lone surrogates


def strip_invisible(text: str) -> str:
    """The text without the characters in INVISIBLE (ASCII text has none: returned as it is)."""
    return text if text.isascii() else _INVISIBLE_RE.sub("", text)


def _without_controls(text: str, keep: str = "") -> str:
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) not in _UNSTORABLE)


def _one_line(value, form: str) -> str:
    if value is None or value == "":
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():  # normalising leaves ASCII as it is: skip it there
        text = unicodedata.normalize(form, text)
    text = " ".join(text.split())
    # After the join the only white space left is " ", and no invisible or control character is printable:
    # the usual text is done here, in one C-speed check (an import runs this on every cell).
    if text.isprintable():
        return text
    # Drop them; what is still unprintable then is unassigned or private-use (kept: some rare name
    # characters live there).
    text = _without_controls(_INVISIBLE_RE.sub("", text))
    return " ".join(unicodedata.normalize(form, text).split())


def clean_name(value) -> str:
    """A name, address or code as it is stored: invisible characters and controls removed, full-width
    forms folded (NFKC), white space collapsed. None and "" give ""; a number is turned into text."""
    return _one_line(value, "NFKC")


def clean_text(value) -> str:
    """A one-line note or reason as it is stored: invisible characters and controls removed, NFC, white
    space collapsed. None and "" give ""; a number is turned into text."""
    return _one_line(value, "NFC")


def clean_prose(value) -> str:
    """Text in paragraphs: invisible characters and controls removed, line breaks kept (as "\\n"), NFC,
    white space at both ends removed."""
    if value is None or value == "":
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = unicodedata.normalize("NFC", strip_invisible(text))
    return _without_controls(text, keep="\n\t").strip()
