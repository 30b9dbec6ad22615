"""The house: every app under src/fangkong is one domain, they import each other one way only, and each
says what it is. A new app or a new import that closes a loop fails here, naming the loop."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps

import fangkong

from .test_layers import imported_apps

PACKAGE = Path(fangkong.__file__).resolve().parent
APPS = sorted(p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists())


def _graph() -> dict[str, set[str]]:
    """{app: the other apps its modules import}, migrations left out (they name apps as text)."""
    return {app: set().union(*(imported_apps(p) for p in (PACKAGE / app).rglob("*.py")
                               if "migrations" not in p.parts)) - {app} for app in APPS}


def _loop(graph: dict[str, set[str]]) -> list[str] | None:
    """An import loop between apps (a → … → a), or None: a depth-first walk that meets an app on its own path."""
    done: set[str] = set()

    def walk(app: str, path: list[str]) -> list[str] | None:
        if app in path:
            return path[path.index(app):] + [app]
        if app in done:
            return None
        for other in sorted(graph.get(app, ())):
            found = walk(other, path + [app])
            if found:
                return found
        done.add(app)
        return None

    return next((loop for app in APPS if (loop := walk(app, []))), None)


def test_every_app_is_installed():
    assert {f"fangkong.{app}" for app in APPS} <= {c.name for c in django_apps.get_app_configs()}


def test_no_import_loop_between_apps():
    assert _loop(_graph()) is None


def test_the_loop_finder_finds_a_loop():
    assert _loop({app: set() for app in APPS} | {APPS[0]: {APPS[1]}, APPS[1]: {APPS[0]}}) == [APPS[0], APPS[1], APPS[0]]


def test_core_imports_no_feature_app():
    assert _graph()["core"] == set()


@pytest.mark.parametrize("app", APPS)
def test_each_app_says_in_one_line_what_it_is(app):
    config = next(c for c in django_apps.get_app_configs() if c.name == f"fangkong.{app}")
    doc = (importlib.import_module(f"fangkong.{app}.apps").__doc__ or importlib.import_module(f"fangkong.{app}").__doc__
           or "").strip()
    assert doc and "\n" not in doc, f"{config.name}: apps.py (or __init__.py) should open with a one-line docstring"
