"""The demo accounts are named for where they work, in the names the demo county gives its places, and the
printed list shows each account's role and place by name."""

import io

from django.core.management import call_command

from fangkong.accounts.models import Role
from fangkong.demo import county
from fangkong.regions.models import Region


def test_every_account_names_its_own_township_village_or_grid(db):
    county.build_regions(villages_per_township=2, grids_per_village=1)
    names = dict(Region.objects.values_list("code", "name"))

    for account in county.demo_accounts():
        region = Region.objects.get(code=account.region_code)
        assert county.place_name(region.code).endswith(region.name)
        if region.level in ("township", "village", "grid"):
            assert region.name in account.display_name, (account.username, account.display_name, region.name)
        if region.level in ("village", "grid"):
            assert names[region.code[:9] + "000"] in account.display_name  # with its township
    village1 = next(a for a in county.demo_accounts() if a.username == "village1")
    assert village1.display_name == f"网格员（花园镇{names[village1.region_code]}）"


def test_the_printed_list_reads_roles_and_places_by_name(db):
    out = io.StringIO()
    call_command("demo-data", stdout=out, residents=50, villages_per_township=2, grids_per_village=1, days=7)
    printed = out.getvalue().split("Demo accounts")[1]
    line = next(line for line in printed.splitlines() if line.strip().startswith("village1 "))

    assert str(Role.VILLAGE_WORKER.label) in line and county.place_name(county.village_code(1, 1)) in line
    assert "village_worker" not in printed and "420921" not in printed
