"""`fangkong demo-data` at a small scale: the county tree, one account per role, residents in households
(the county is built once for the package: tests/demo/conftest.py)."""

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from stdnum.cn import ric

from fangkong.accounts.models import Role, User
from fangkong.demo import county
from fangkong.people.models import Household, Person
from fangkong.regions.models import Region

from .conftest import SMALL


def test_builds_the_region_tree(demo):
    levels = {level: Region.objects.filter(level=level).count()
              for level in ("province", "city", "county", "township", "village", "grid")}
    assert levels == {"province": 1, "city": 1, "county": 1, "township": 10, "village": 20, "grid": 40}
    assert Region.objects.get(code="420921000000").name == "孝昌县"
    assert set(Region.objects.filter(level="township").values_list("parent_id", flat=True)) == {"420921000000"}
    for region in Region.objects.exclude(level="province"):
        assert region.parent_id is not None and region.code.startswith(region.parent.prefix)


def test_creates_every_demo_account_and_every_role(demo):
    accounts = {a.username: a for a in county.demo_accounts()}
    users = {u.username: u for u in User.objects.all()}

    assert set(users) >= set(accounts)
    assert {u.role for u in users.values()} == set(Role)
    for name, account in accounts.items():
        assert (users[name].role, users[name].region_id) == (account.role, account.region_code)
    # the printed password really opens the accounts
    assert authenticate(username="village1", password=county.DEMO_PASSWORD) == users["village1"]


def test_accounts_exist_at_several_levels(demo):
    levels = {u.region.level for u in User.objects.select_related("region")}
    assert {"county", "township", "village", "grid"} <= levels


# The county's code (420921) exists since 1993; older residents carry the code of 孝感市 (422201,
# 1983-1993) or 孝感县 (422221, before 1983) that their number was issued under: stdnum checks that
# the area code existed in the birth year, so a 1970 birth under 420921 is not a valid number.
COUNTY_CODE_IN = [(1993, "420921"), (1983, "422201"), (0, "422221")]


def test_residents_have_valid_ids_born_in_the_county(demo):
    people = list(Person.objects.all())

    assert len(people) >= 2000
    for person in people:
        assert ric.is_valid(person.id_number), person.id_number
        expected = next(code for since, code in COUNTY_CODE_IN if person.birth_date.year >= since)
        assert person.id_number[:6] == expected, person.id_number
        assert ric.get_birth_place(person.id_number)["county"] in {"孝昌县", "孝感市", "孝感县"}
        assert ric.get_birth_date(person.id_number) == person.birth_date
        assert (int(person.id_number[16]) % 2 == 1) == (person.sex == "male")
        assert person.region.level == "grid"
    assert len({p.id_number for p in people}) == len(people)
    assert len({p.id_digest for p in people}) == len(people)


def test_residents_span_the_ages_of_a_real_county(demo):
    ages = [(demo.clock.today - p.birth_date).days / 365.25 for p in Person.objects.all()]
    assert min(ages) >= 1 and max(ages) <= 90 and min(ages) < 5 and max(ages) > 80
    assert sum(1 for p in Person.objects.all() if p.birth_date.year >= 1993) > 0.2 * len(ages)  # plenty of 420921 numbers
    assert not Person.objects.filter(birth_date__gt=demo.clock.today - datetime.timedelta(days=365)).exists()


def test_residents_live_in_households(demo):
    assert Household.objects.count() > 2000 / 6
    assert not Person.objects.filter(household__isnull=True).exists()
    for household in Household.objects.all()[:50]:
        members = list(household.members.all())
        assert 1 <= len(members) <= 6
        assert household.head_name == members[0].name or household.head_name in {m.name for m in members}
        assert {m.region_id for m in members} == {household.region_id}


def test_second_run_does_nothing(demo):
    counts = (Region.objects.count(), User.objects.count(), Person.objects.count(), Household.objects.count())
    out = io.StringIO()

    call_command("demo-data", stdout=out, **SMALL)

    assert "nothing to do" in out.getvalue()
    assert (Region.objects.count(), User.objects.count(), Person.objects.count(),
            Household.objects.count()) == counts


def test_prints_the_accounts_unless_asked_not_to(demo):
    assert county.DEMO_PASSWORD not in demo.log
    out = io.StringIO()
    call_command("demo-data", stdout=out, **{**SMALL, "quiet_accounts": False})
    printed = out.getvalue()
    assert county.DEMO_PASSWORD in printed
    assert all(a.username in printed for a in county.demo_accounts())


def test_prints_its_days_and_wants_a_week_at_least(demo):
    clock = demo.clock
    assert f"demo days: {clock.first_day} to {clock.today} (14 days)" in demo.log
    with pytest.raises(CommandError, match="at least 7"):
        call_command("demo-data", stdout=io.StringIO(), **{**SMALL, "days": 6})
