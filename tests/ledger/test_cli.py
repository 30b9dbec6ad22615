"""`fangkong import-ledger` and `fangkong export-ledger`, run as a county's staff would run them.

The commands run in a subprocess against a database of their own (a SQLite file, or a scratch
PostgreSQL database when the tests run on PostgreSQL), a copy of the schema migrated once per test run.
"""

import contextlib
import datetime
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from python_calamine import CalamineWorkbook

from fangkong.audit.models import AuditEntry
from fangkong.people import identity
from fangkong.people.models import Person
from fangkong.screening.models import KeyPerson
from tests import deployments, factories
from tests.people.ids import resident_id

from .workbooks import xlsx

# the command registers on today's date, and an arrival months before that is refused as a typo
RECENT = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
ROOT = Path(__file__).resolve().parents[2]
FANGKONG = str(Path(sys.executable).parent / "fangkong")
SEED = """
from fangkong.people import identity
from tests import factories
factories.county_tree()
factories.user("village_a1", "village_worker", factories.VILLAGE_A1, display_name="东岳村网格员")
factories.user("hq_admin", "hq_admin", factories.COUNTY, display_name="指挥部管理员")
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Environment for the subprocesses: their own migrated (a copy of the test run's template) and seeded database."""
    name = None
    if deployments.on_postgres():
        url, name = deployments.postgres_copy("h_ledger_cli")
    else:
        url = deployments.sqlite_copy(tmp_path_factory.mktemp("cli") / "cli.sqlite3")
    environment = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    subprocess.run([FANGKONG, "shell", "-c", SEED], env=environment, check=True, cwd=ROOT, capture_output=True)
    yield environment
    if name:
        deployments.drop(name)


def fangkong(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([FANGKONG, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def counts(env) -> list[int]:
    """The people, key persons and audit entries in the commands' database (read here: no process to start)."""
    tables = [model._meta.db_table for model in (Person, KeyPerson, AuditEntry)]
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            return [conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables]
    with psycopg.connect(url) as conn:
        return [conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables]


def last_json(process) -> dict:
    return json.loads(process.stdout.strip().splitlines()[-1])


def workbook(path, rows):
    return xlsx(path, {"返乡人员": [["序号", "姓名", "身份证号", "手机", "返回日期", "类别"], *rows]},
                title="东岳村返乡人员台账", title_rows=1)


def test_refused_then_kept_then_reimported(env, tmp_path):
    path = workbook(tmp_path / "东岳村.xlsx", [
        [1, "张三", resident_id("19800101", "201"), "13812345678", RECENT, "返乡"],
        [2, "李四", resident_id("19800101", "202"), "1381234", RECENT, "返乡"]])
    before = counts(env)

    refused = fangkong(env, "import-ledger", str(path), "--region", factories.VILLAGE_A1, "--user", "village_a1")
    assert refused.returncode == 1
    assert last_json(refused) == {"rows_read": 2, "created": 0, "updated": 0, "duplicates": 0, "pending": 0, "written": False,
                                  "errors": [{"sheet": "返乡人员", "row": 4, "column": "手机", "value": "1381234",
                                              "reason": "电话号码格式错误：1381234"}],
                                  "error_count": 1, "error_columns": [{"column": "手机", "count": 1}], "stopped": False,
                                  "checks": 0, "ignored_columns": [], "skipped_sheets": [],
                                  "sheet_dates": [{"sheet": "返乡人员", "date": datetime.date.today().isoformat()}]}
    assert counts(env) == before  # all or nothing: not one row, not one audit entry

    kept = fangkong(env, "import-ledger", str(path), "--region", factories.VILLAGE_A1, "--user", "village_a1",
                    "--keep-valid")
    assert kept.returncode == 0
    result = last_json(kept)
    assert (result["written"], result["created"], len(result["errors"])) == (True, 1, 1)
    assert counts(env)[:2] == [before[0] + 1, before[1] + 1]

    again = fangkong(env, "import-ledger", str(path), "--region", factories.VILLAGE_A1, "--user", "village_a1",
                     "--keep-valid")
    assert (again.returncode, last_json(again)["created"], last_json(again)["updated"]) == (0, 0, 1)
    assert counts(env)[:2] == [before[0] + 1, before[1] + 1]


def test_scope_refusal_is_json_and_status_1(env, tmp_path):
    path = workbook(tmp_path / "a.xlsx", [[1, "赵六", resident_id("19800101", "204"), "", RECENT, "返乡"]])
    refused = fangkong(env, "import-ledger", str(path), "--region", factories.VILLAGE_A2, "--user", "village_a1")
    assert refused.returncode == 1
    result = last_json(refused)
    assert result["written"] is False and "管辖范围" in result["errors"][0]["reason"]
    missing = fangkong(env, "import-ledger", str(tmp_path / "nothing.xlsx"), "--region", factories.VILLAGE_A1)
    assert missing.returncode == 1 and "文件不存在" in last_json(missing)["errors"][0]["reason"]


def test_export_ledger(env, tmp_path):
    path = xlsx(tmp_path / "a.xlsx", {"台账": [["姓名", "身份证号", "手机"],
                                              ["孙八", resident_id("19800101", "205"), "13812345678"]]})
    imported = fangkong(env, "import-ledger", str(path), "--region", factories.VILLAGE_A1, "--category", "疫区返乡人员")
    assert imported.returncode == 0, imported.stderr  # no --user: the server's own operator, audited as system
    out = tmp_path / "ledger.xlsx"
    done = fangkong(env, "export-ledger", "--region", factories.COUNTY, "--date", "2099-01-01", "--out", str(out),
                    "--user", "hq_admin")
    assert done.returncode == 0, done.stderr
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("疫区返乡人员").to_python()
    assert "指挥部管理员（hq_admin）" in rows[1][0]
    sun = next(r for r in rows[3:] if r[1] == "孙八")
    assert sun[3] == identity.mask_id(resident_id("19800101", "205"))
    assert sun[4] == "138****5678"
    denied = fangkong(env, "export-ledger", "--region", factories.VILLAGE_A2, "--out", str(out), "--user",
                      "village_a1")
    assert denied.returncode != 0 and "outside" in denied.stderr


def test_as_of_and_the_columns_not_imported(env, tmp_path):
    path = xlsx(tmp_path / "旧台账.xlsx", {"返乡人员": [["姓名", "身份证号", "返回日期", "核酸结果", "类别"],
                                                   ["周九", resident_id("19800101", "206"), "1月21日", "阴性", "返乡"]]})
    done = fangkong(env, "import-ledger", str(path), "--region", factories.VILLAGE_A1, "--as-of", "2020-02-03")
    assert done.returncode == 0, done.stderr
    result = last_json(done)
    assert result["ignored_columns"] == ["核酸结果"] and "未导入的列：核酸结果" in done.stderr
    assert result["sheet_dates"] == [{"sheet": "返乡人员", "date": "2020-02-03"}]
    wrong = fangkong(env, "import-ledger", str(path), "--region", factories.VILLAGE_A1, "--as-of", "2月3日")
    assert wrong.returncode == 1 and "--as-of" in last_json(wrong)["errors"][0]["reason"]
