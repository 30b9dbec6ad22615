"""The main menu is a registry each app fills (core, the bottom layer, imports no feature app: test_house)."""

from fangkong.accounts.models import Role
from fangkong.core import navigation
from tests import factories as f


def test_every_app_registers_its_entries_in_menu_order():
    assert [e.url_name for e in navigation.entries()] == [
        "core:home", "regions:tree", "briefing:dashboard", "people:list", "people:reviews", "screening:today",
        "screening:key_persons", "screening:sweeps", "ledger:index", "quarantine:mine", "quarantine:orders",
        "quarantine:transfers", "checkpoints:list", "places:list", "screening:arrival_tasks",
        "medical:purchases", "tracing:reconciliation", "tracing:exposure", "tracing:cases", "tracing:investigations",
        "tracing:lab", "tracing:contacts", "tracing:notices", "tracing:clusters", "tracing:epi", "analytics:daily",
        "reports:chain", "briefing:brief", "accounts:users", "audit:list"]


def test_each_role_sees_its_own_entries(tree):
    def menu(role, region):
        return [e["name"] for e in navigation.entries_for(f.user(f"u_{role}_{region}", role=role, region_code=region))]

    admin = menu(Role.HQ_ADMIN, f.COUNTY)
    assert admin[0] == "core:home" and {"accounts:users", "audit:list", "briefing:brief"} <= set(admin)
    worker = menu(Role.VILLAGE_WORKER, f.VILLAGE_A1)
    assert "screening:today" in worker and not {"accounts:users", "audit:list", "tracing:exposure"} & set(worker)
    viewer = menu(Role.VIEWER, f.COUNTY)
    assert "people:reviews" not in viewer and "screening:today" not in viewer


def test_the_menu_is_shown_on_a_page_in_order(tree, login):
    user = f.user("admin", role=Role.HQ_ADMIN, region_code=f.COUNTY)
    html = login(user).get("/").content.decode()
    shown = [name for name in ("/regions/", "/people/", "/checkpoints/", "/audit/") if f'href="{name}' in html]
    assert shown == sorted(shown, key=html.index) and len(shown) == 4
