"""The bottom of the app layering: core < audit < regions < accounts < the feature apps.

Each of these apps imports only the apps below it, at the top of a module or inside a function. The
audit trail sits under regions because the regions app records its writes there; audit's own region
filter is plain code arithmetic (core.region_codes). Regions and audit ask for a permission through
Django (`user.has_perm`), which the accounts backend answers from the role table. Analytics, the
figure registry, knows none of the feature apps that fill it.
"""

import ast
from pathlib import Path

import pytest

import fangkong

PACKAGE = Path(fangkong.__file__).resolve().parent
BELOW = {
    "core": set(),
    "audit": {"core"},
    "regions": {"core", "audit"},
    "accounts": {"core", "audit", "regions"},
    "analytics": {"core", "audit", "regions", "accounts"},
}


def imported_apps(path: Path) -> set[str]:
    """The fangkong apps a module imports, at the top or inside functions."""
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
        apps |= {n.split(".")[1] for n in names if n.startswith("fangkong.")}
    return apps


@pytest.mark.parametrize("app", list(BELOW))
def test_an_app_imports_only_the_apps_below_it(app):
    found = {str(p.relative_to(PACKAGE)): imported_apps(p) - {app} - BELOW[app]
             for p in (PACKAGE / app).rglob("*.py")}
    assert {module: apps for module, apps in found.items() if apps} == {}
