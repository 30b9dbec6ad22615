"""The English catalogue translates every Chinese interface string (no browser needed).

When a test here fails, refresh and translate the catalogue:
    cd src/fangkong && ../../.venv/bin/fangkong makemessages -l en --ignore "*/tests/*"
then give every new entry an English msgstr, check each "#, fuzzy" entry and remove the flag, and run
    .venv/bin/fangkong compilemessages
"""

import ast
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

import fangkong

PACKAGE = Path(fangkong.__file__).resolve().parent
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
HOW_TO_FIX = "refresh src/fangkong/locale/en/LC_MESSAGES/django.po (see this module's docstring)"


def read_catalogue(path: Path) -> list[dict]:
    """The entries of a .po file, header first: {"flags", "msgctxt", "msgid", "msgid_plural", "msgstr": [...]}.

    Obsolete entries (#~) are left out: gettext keeps them only as a memory of old translations.
    """
    entries, entry, field = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": set(), "msgctxt": None, "msgid": "", "msgid_plural": None, "msgstr": []}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if field == "msgstr":
                entry["msgstr"][-1] += text
            else:
                entry[field] += text
        else:
            keyword, quoted = line.split(" ", 1)
            field = "msgstr" if keyword.startswith("msgstr") else keyword
            if field == "msgstr":
                entry["msgstr"].append(ast.literal_eval(quoted))
            else:
                entry[field] = ast.literal_eval(quoted)
    return entries


def messages(entries: list[dict]) -> list[dict]:
    """The entries without the header (the entry whose msgid is empty)."""
    return [e for e in entries if e["msgid"] or e["msgctxt"]]


def label(entry: dict) -> str:
    return (f"{entry['msgctxt']}|" if entry["msgctxt"] else "") + entry["msgid"]


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    assert CATALOGUE.exists(), f"{CATALOGUE} is missing: {HOW_TO_FIX}"
    return read_catalogue(CATALOGUE)


@pytest.fixture(scope="module")
def entries(catalogue) -> list[dict]:
    return messages(catalogue)


def test_every_entry_has_an_english_translation(entries):
    assert len(entries) > 100, "the catalogue lost its entries"
    untranslated = [label(e) for e in entries if not all(s.strip() for s in e["msgstr"])]
    assert not untranslated, f"untranslated: {untranslated}; {HOW_TO_FIX}"


def test_no_entry_is_left_fuzzy(catalogue):
    # gettext marks guessed translations fuzzy and compilemessages leaves them out.
    fuzzy = [label(e) or "(header)" for e in catalogue if "fuzzy" in e["flags"]]
    assert not fuzzy, f"fuzzy (check, then remove the flag): {fuzzy}; {HOW_TO_FIX}"


def test_translations_keep_the_placeholders(entries):
    wrong = [label(e) for e in entries for s in e["msgstr"]
             if s and sorted(set(PLACEHOLDER.findall(s))) != sorted(set(PLACEHOLDER.findall(e["msgid"])))]
    assert not wrong, f"placeholders differ between Chinese and English: {wrong}"


def test_catalogue_holds_every_string_of_the_source(tmp_path, settings):
    # Extracts the strings again from a copy of the package, so the checkout is never touched.
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is missing (apt-get install gettext)")
    copy = tmp_path / "fangkong"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    settings.LOCALE_PATHS = [copy / "locale"]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(copy)
        call_command("makemessages", locale=["en"], ignore_patterns=["*/tests/*"], verbosity=0)
    fresh = messages(read_catalogue(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = sorted(label(e) for e in fresh if "fuzzy" in e["flags"] or not all(e["msgstr"]))
    assert not missing, f"strings of the source without an English translation: {missing}; {HOW_TO_FIX}"
