"""The tracing commands through the `fangkong` console script, as an operator runs them: JSON on stdout, the error
on stderr, exit status 0, 2 on bad input (a usage error, a bad value, a row absent or outside the scope) and 1
when the role may not. They run in a subprocess against a database of their own (a SQLite file, or a scratch
PostgreSQL database when the tests run on PostgreSQL), copied from the run's migrated template."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import deployments

ROOT = Path(__file__).resolve().parents[2]
FANGKONG = str(Path(sys.executable).parent / "fangkong")
SEED = """
from tests import factories
from tests.tracing import outbreak
factories.county_tree()
factories.user("liudiao", "epidemiologist", factories.COUNTY)
factories.user("worker", "village_worker", factories.VILLAGE_A1)
print(outbreak.case(number="C900001").pk)
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Environment for the subprocesses (their own migrated and seeded database) and the seeded case's id."""
    if deployments.on_postgres():
        url, name = deployments.postgres_copy("h_tracing_cli")
    else:
        url, name = deployments.sqlite_copy(tmp_path_factory.mktemp("cli") / "cli.sqlite3"), None
    environment = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    seeded = subprocess.run([FANGKONG, "shell", "-v0", "-c", SEED], env=environment, check=True, cwd=ROOT,
                            capture_output=True, text=True)
    yield environment, seeded.stdout.strip().splitlines()[-1]
    if name:
        deployments.drop(name)


def fangkong(environment, *args) -> subprocess.CompletedProcess:
    return subprocess.run([FANGKONG, *args], env=environment, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_console_script_answers_json_and_exits_0_2_or_1(env):
    environment, case_id = env
    listed = fangkong(environment, "cases", "list", "--user", "liudiao")
    assert listed.returncode == 0, listed.stderr
    cases = json.loads(listed.stdout)["cases"]
    assert [(c["id"], c["number"]) for c in cases] == [(int(case_id), "C900001")] and "*" in cases[0]["id_number"]
    shown = fangkong(environment, "cases", "show", case_id, "--user", "liudiao")
    assert shown.returncode == 0 and json.loads(shown.stdout)["changes"] == []

    missing = fangkong(environment, "cases", "show", "999999", "--user", "liudiao")
    assert missing.returncode == 2 and "病例不存在或不在管辖范围内：999999" in missing.stderr
    bad = fangkong(environment, "cases", "outcome", case_id, "--outcome", "recovered", "--user", "liudiao")
    assert bad.returncode == 2 and "outcome" in bad.stderr
    unknown = fangkong(environment, "contacts", "list", "--user", "nobody")
    assert unknown.returncode == 2 and "用户不存在" in unknown.stderr
    usage = fangkong(environment, "notices", "list")
    assert usage.returncode == 2 and "--user" in usage.stderr
    assert fangkong(environment, "investigations", "frobnicate").returncode == 2

    refused = fangkong(environment, "cases", "list", "--user", "worker")
    assert refused.returncode == 1 and refused.stdout == ""
