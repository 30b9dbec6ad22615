"""`fangkong regions import FILE.csv`: all-or-nothing, every bad line reported by number."""

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.audit.models import AuditEntry
from fangkong.core.actors import SYSTEM
from fangkong.regions import services
from fangkong.regions.models import Region
from tests import deployments, factories

GOOD = """code,name
420000000000,湖北省
420900000000,孝感市
420921000000,孝昌县
420921001000,花园镇
420921001201,东岳村
420921001201001,东岳村第1网格
"""


def _csv(*lines: str) -> str:
    return "\n".join(["code,name", *lines]) + "\n"


def _import(text: str):
    """The code table as a CSV file, read the way the `regions import` command reads it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "codes.csv"
        path.write_text(text, encoding="utf-8")
        return services.import_region_file(SYSTEM, path)


def _reasons(result) -> list[tuple[int, str, str]]:
    return [(e["line"], e["code"], e["reason"]) for e in result.errors]


@pytest.mark.django_db
def test_good_file_with_parents_in_the_same_file():
    result = _import(GOOD)

    assert result.errors == []
    assert (result.created, result.updated, result.written) == (6, 0, True)
    grid = Region.objects.get(code="420921001201001")
    assert (grid.name, grid.level, grid.parent_id) == ("东岳村第1网格", "grid", "420921001201")
    assert Region.objects.get(code="420921001000").parent.parent_id == "420900000000"


@pytest.mark.django_db
def test_parents_already_in_the_database():
    factories.region("420921001000", "花园镇")
    text = _csv("420921001202,桃园村", "420921001202001,桃园村第1网格")

    result = _import(text)

    assert result.errors == []
    assert result.created == 2
    assert Region.objects.get(code="420921001202").parent_id == "420921001000"


@pytest.mark.django_db
def test_header_may_carry_a_byte_order_mark_and_blank_lines():
    result = _import("\ufeffcode,name\n\n420000000000,湖北省\n\n")
    assert (result.created, result.errors) == (1, [])


@pytest.mark.django_db
def test_reimport_is_idempotent_and_updates_names_only():
    _import(GOOD)
    again = _import(GOOD)
    assert (again.created, again.updated, again.errors) == (0, 0, [])

    renamed = _import(GOOD.replace(",东岳村\n", ",东岳新村\n"))

    assert (renamed.created, renamed.updated) == (0, 1)
    village = Region.objects.get(code="420921001201")
    assert (village.name, village.level, village.parent_id) == ("东岳新村", "village", "420921001000")
    assert Region.objects.count() == 6


@pytest.mark.django_db
def test_large_tables_are_looked_up_and_written_in_slices(monkeypatch):
    # a national table (~700,000 codes) cannot go into one IN (...) or one INSERT
    monkeypatch.setattr(services, "LOOKUP_SLICE", 2)
    monkeypatch.setattr(services, "WRITE_BATCH", 2)
    factories.region("420921001000", "花园镇")
    text = _csv(*(f"420921001{v:03d},村{v}" for v in range(201, 206)), "420921002000,丰山镇",
                "420921002201,红旗村")

    first = _import(text)
    renamed = _import(text.replace("村2", "新村2"))

    assert (first.created, first.errors) == (7, [])
    assert (renamed.created, renamed.updated) == (0, 5)
    assert sorted(Region.objects.filter(parent_id="420921001000").values_list("name", flat=True)) == [
        "新村201", "新村202", "新村203", "新村204", "新村205"]


BAD_LINES = [
    pytest.param("42092100120,短代码", "12位数字", id="too-short"),
    pytest.param("42092100120A,字母", "12位数字", id="letter"),
    pytest.param("４２０９２１００１２０２,全角", "12位数字", id="full-width"),
    pytest.param("420900001000,断层", "上级段为0", id="bad-level-structure"),
    pytest.param("420921001201000,网格000", "不能是000", id="grid-000"),
    pytest.param("420921001000001,网格挂乡镇", "网格必须属于", id="grid-under-township"),
    pytest.param("420921001202,", "名称为空", id="empty-name"),
    pytest.param("420921001202," + "村" * 101, "名称超过100个字", id="name-too-long"),
    pytest.param("420921005201,孤儿村", "上级区划 420921005000 不存在", id="orphan"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("line,reason", BAD_LINES)
def test_each_kind_of_bad_line_is_reported_and_nothing_is_written(line, reason):
    factories.region("420921001000", "花园镇")
    before = Region.objects.count()
    # line 2 is good, line 3 is bad, line 4 is good: the good ones must not be written either
    text = _csv("420921001203,好村", line, "420921001204,另一个好村")

    result = _import(text)

    assert [(e["line"], e["code"]) for e in result.errors] == [(3, line.split(",")[0])]
    assert reason in result.errors[0]["reason"]
    assert not result.written
    assert Region.objects.count() == before
    assert not AuditEntry.objects.filter(action="region.import").exists()


@pytest.mark.django_db
def test_duplicate_code_names_the_first_line():
    text = _csv("420000000000,湖北省", "420900000000,孝感市", "420000000000,湖北")

    result = _import(text)

    assert _reasons(result) == [(4, "420000000000", "代码重复，首次出现在第2行")]
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_orphan_whose_parent_is_itself_bad_is_still_reported():
    # the township line is malformed, so the village has no parent in the file either
    text = _csv("420000000000,湖北省", "4209210010,坏乡镇", "420921001201,东岳村")

    result = _import(text)

    assert [e["line"] for e in result.errors] == [3, 4]
    assert "上级区划 420921001000 不存在" in result.errors[1]["reason"]
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_several_bad_lines_are_all_reported_in_line_order():
    text = _csv("420921009201,孤儿", "x,坏", "420000000000,")
    result = _import(text)
    assert [e["line"] for e in result.errors] == [2, 3, 4]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["420000000000,湖北省\n", "代码,名称\n420000000000,湖北省\n", "code\n"])
def test_missing_header_is_refused(text):
    with pytest.raises(ValidationError) as exc:
        _import(text)
    assert "第1行：表头必须是 code,name" in exc.value.messages[0]
    assert Region.objects.count() == 0


# ---- the command -------------------------------------------------------------------------------

def _write(tmp_path: Path, text: str, name: str = "codes.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_command_imports_and_logs_a_cli_entry(tmp_path, capsys):
    call_command("regions", "import", str(_write(tmp_path, GOOD)))

    assert '"created": 6' in capsys.readouterr().out
    assert Region.objects.count() == 6
    entry = AuditEntry.objects.get(action="region.import")
    assert (entry.source, entry.actor_name, entry.after) == ("cli", "system", {"created": 6, "updated": 0})


@pytest.mark.django_db
def test_command_reports_file_line_and_reason_and_writes_nothing(tmp_path, capsys):
    path = _write(tmp_path, _csv("420000000000,湖北省", "420900000000,孝感市", "420900001000,断层"))

    with pytest.raises(CommandError, match="1 error"):
        call_command("regions", "import", str(path))

    assert f"{path}:4: 420900001000: " in capsys.readouterr().err
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_command_refuses_a_file_without_header(tmp_path):
    with pytest.raises(CommandError, match="表头"):
        call_command("regions", "import", str(_write(tmp_path, "420000000000,湖北省\n")))


@pytest.mark.django_db
def test_command_refuses_a_table_beyond_the_limits_before_reading_a_line(tmp_path, monkeypatch):
    monkeypatch.setitem(services.CODE_TABLE_LIMITS, "max_rows", 3)
    with pytest.raises(CommandError, match="超过 3 行"):
        call_command("regions", "import", str(_write(tmp_path, GOOD)))
    monkeypatch.setitem(services.CODE_TABLE_LIMITS, "max_bytes", 100)
    with pytest.raises(CommandError, match="超过导入文件的上限"):
        call_command("regions", "import", str(_write(tmp_path, GOOD)))
    assert Region.objects.count() == 0


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="nope.csv"):
        call_command("regions", "import", str(tmp_path / "nope.csv"))


def test_console_command_exit_status(tmp_path):
    """The real `fangkong` executable, on a scratch SQLite database (a copy of the test run's migrated one): 0 when
    written, 1 when refused."""
    env = {**os.environ, "DATABASE_URL": deployments.sqlite_copy(tmp_path / "cli.sqlite3"), "FANGKONG_VAR": str(tmp_path)}
    fangkong = str(Path(sys.executable).with_name("fangkong"))

    def run(*args):
        return subprocess.run([fangkong, *args], env=env, capture_output=True, text=True, timeout=60)

    good = run("regions", "import", str(_write(tmp_path, GOOD, "good.csv")))
    bad = run("regions", "import", str(_write(tmp_path, _csv("420921001202,桃园村", "420921009201,孤儿"), "bad.csv")))

    assert good.returncode == 0, good.stderr
    assert bad.returncode == 1
    assert "bad.csv:3: 420921009201: " in bad.stderr
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        assert db.execute("select count(*) from regions_region").fetchone() == (6,)
