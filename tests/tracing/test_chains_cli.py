"""The command line of chains, clusters and the epidemic curve: the same services and selectors, JSON out, each
refusal a CommandError saying why, writes audited as from the command line."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from tests import factories as f

from . import outbreak

D1 = datetime.date(2020, 2, 1)


@pytest.fixture
def epi_team(tree):
    return f.user("liudiao", Role.EPIDEMIOLOGIST, f.COUNTY)


def _case(days: int = 0, region: str = f.VILLAGE_A1):
    day = D1 + datetime.timedelta(days=days)
    return outbreak.counted(outbreak.case(region=region, reported_at=outbreak.at(day), onset_date=day))


def _run(capsys, *args) -> dict:
    call_command(*args)
    return json.loads(capsys.readouterr().out)


def test_chains_from_the_command_line(epi_team, capsys):
    a, b = _case(), _case(2)
    made = _run(capsys, "chains", "link", "--infector", a.number, "--infectee", b.number, "--confidence", "confirmed",
                "--user", "liudiao")
    assert (made["infector"], made["infectee"], made["confidence"]) == (a.number, b.number, "confirmed")
    assert AuditEntry.objects.get(action="transmission_link.add").source == "cli"
    chain = _run(capsys, "chains", "show", str(b.pk))  # the system reads every region
    assert {n["number"] for n in chain["nodes"]} == {a.number, b.number}
    assert _run(capsys, "chains", "change", str(made["id"]), "--confidence", "possible", "--user", "liudiao")[
        "confidence"] == "possible"
    with pytest.raises(CommandError, match="循环"):
        call_command("chains", "link", "--infector", b.number, "--infectee", a.number, "--user", "liudiao")
    with pytest.raises(CommandError, match="不能维护传播链"):
        call_command("chains", "unlink", str(made["id"]), "--user", f.user("v", Role.VIEWER, f.COUNTY).username)
    assert _run(capsys, "chains", "unlink", str(made["id"]), "--user", "liudiao") == {"removed": made["id"]}


def test_clusters_from_the_command_line(epi_team, capsys):
    a, b, c = _case(0), _case(2), _case(3)
    made = _run(capsys, "clusters", "create", "--name", "家庭聚集", "--setting", "household", "--region", f.TOWN_A,
                "--cases", f"{a.number},{b.number}", "--user", "liudiao")
    pk = made["cluster"]["id"]
    assert made["cluster"]["size"] == 2 and len(made["graph"]["nodes"]) == 2
    assert _run(capsys, "clusters", "add", str(pk), "--cases", c.number, "--user", "liudiao")["cluster"]["size"] == 3
    assert _run(capsys, "clusters", "remove", str(pk), c.number, "--user", "liudiao")["cluster"]["size"] == 2
    listing = _run(capsys, "clusters", "list")
    assert [x["id"] for x in listing["clusters"]] == [pk]
    assert _run(capsys, "clusters", "show", str(pk))["cluster"]["last_case_date"] == "2020-02-03"
    with pytest.raises(CommandError, match="至少须有2例"):
        call_command("clusters", "create", "--name", "x", "--setting", "place", "--region", f.TOWN_A,
                     "--cases", a.number, "--user", "liudiao")
    assert _run(capsys, "clusters", "dissolve", str(pk), "--reason", "不成立", "--user", "liudiao") == {"dissolved": pk}


def test_epi_from_the_command_line(epi_team, capsys):
    for i in range(10):
        _case(i // 2)
    curve = _run(capsys, "epi", "curve", "--region", f.COUNTY, "--first", "2020-02-01", "--last", "2020-02-05")
    assert [d["confirmed"] for d in curve["days"]] == [2, 2, 2, 2, 2]
    rt = _run(capsys, "epi", "rt", "--region", f.TOWN_A, "--first", "2020-02-01", "--last", "2020-02-05",
              "--mean-si", "5", "--std-si", "2")
    assert (rt["mean_si"], rt["std_si"]) == (5.0, 2.0) and rt["rows"][-1]["end"] == "2020-02-05"
    indicators = _run(capsys, "epi", "indicators", "--user", "liudiao", "--first", "2020-02-01", "--last",
                      "2020-02-05")
    assert indicators["new_cases"] == 10 and indicators["region"] == f.COUNTY
    with pytest.raises(CommandError, match="--last"):
        call_command("epi", "curve", "--region", f.COUNTY, "--last", "2020-02-30")
    with pytest.raises(CommandError, match="区划不存在"):
        call_command("epi", "curve", "--region", f.COUNTY, "--user",
                     f.user("town_hq", Role.HQ_STAFF, f.TOWN_B).username)
    with pytest.raises(CommandError, match="序列间隔均值"):
        call_command("epi", "rt", "--region", f.COUNTY, "--mean-si", "1")
