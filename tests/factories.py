"""Small builders for explicit test data. Each test makes what it needs; nothing is shared."""

from fangkong.accounts.models import Role, User
from fangkong.core import region_codes as codes
from fangkong.regions.models import Region

PASSWORD = "Test-password-2020"

COUNTY = "420921000000"
TOWN_A = "420921001000"
TOWN_B = "420921002000"
VILLAGE_A1 = "420921001201"
VILLAGE_A2 = "420921001202"
VILLAGE_B1 = "420921002201"
GRID_A1 = "420921001201001"


def region(code: str, name: str | None = None) -> Region:
    """The region and any missing ancestors (named after their code)."""
    for ancestor in reversed(codes.ancestor_codes(code)):
        Region.objects.get_or_create(code=ancestor, defaults={
            "name": f"区划{ancestor}", "level": codes.level_of(ancestor), "parent_id": codes.parent_code_of(ancestor)})
    obj, _ = Region.objects.get_or_create(code=code, defaults={
        "name": name or f"区划{code}", "level": codes.level_of(code), "parent_id": codes.parent_code_of(code)})
    return obj


def county_tree() -> dict[str, Region]:
    """County → two townships → villages (one with a grid)."""
    names = {COUNTY: "孝昌县", TOWN_A: "花园镇", TOWN_B: "丰山镇", VILLAGE_A1: "东岳村", VILLAGE_A2: "桃园村",
             VILLAGE_B1: "红旗村", GRID_A1: "东岳村第1网格"}
    return {code: region(code, name) for code, name in names.items()}


def user(username: str, role: str = Role.HQ_ADMIN, region_code: str = COUNTY, **extra) -> User:
    region(region_code)
    u = User(username=username, role=role, region_id=region_code, display_name=extra.pop("display_name", username),
             **extra)
    u.set_password(PASSWORD)
    u.save()
    return u
