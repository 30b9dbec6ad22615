"""A ledger import stays within limits: hostile or oversized files are refused with a message naming the
limit (service, page, API and command line alike), and a file of many bad rows answers briefly."""

import datetime
import io
import json
import resource
import time

import pytest
import xlsxwriter
from django.core.management import call_command
from django.urls import reverse

from fangkong.ledger import services
from fangkong.people.models import Person
from tests import factories
from tests.people.ids import resident_id

from .test_api import bearer
from .workbooks import csv_file, xlsx

TODAY = datetime.date(2020, 2, 5)
GOOD = resident_id("19800101", "123")
HEADER = ["姓名", "身份证号", "手机", "类别"]


def run(user, path, **options):
    return services.import_ledger(user, path, filename=path.name, region_code=factories.VILLAGE_A1, today=TODAY,
                                  **options)


def upload_page(client, path, **fields):
    with open(path, "rb") as handle:
        return client.post(reverse("ledger:import"), {"file": handle, "region": factories.VILLAGE_A1, **fields})


def upload_api(client, user, path, **fields):
    with open(path, "rb") as handle:
        return client.post("/api/ledger/import", {"file": handle, "region": factories.VILLAGE_A1, **fields},
                           **bearer(user))


def two_cells(path):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("返乡")
    sheet.write("A1", "姓名")
    sheet.write("XFD1048576", "张三")
    book.close()
    return path


def bad_phones(path, rows: int, *, every: int = 1):
    """A CSV ledger of `rows` people with a wrong phone on every `every`-th row. Each has a name of their own: two
    people of one village with the same name and birth date are a possible duplicate pair, which the database finds
    on each insert, and 2,000 namesakes born on 12 days would be 160,000 pairs to write."""
    return csv_file(path, [HEADER] + [
        [f"张{chr(0x4E00 + i % 20000)}", resident_id(f"1980{1 + i // 1000 % 12:02d}01", f"{i % 1000:03d}"),
         "138" if i % every == 0 else "13812345678", "返乡"] for i in range(rows)])


def test_two_cells_far_apart_are_refused_with_the_dimension_and_the_server_lives(tmp_path, village_worker,
                                                                                  login):
    path = two_cells(tmp_path / "台账.xlsx")
    before, started = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.monotonic()
    result = run(village_worker, path)
    assert time.monotonic() - started < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024  # KB
    assert (result.written, result.error_count) == (False, 1)
    assert "A1:XFD1048576 有 1,048,576 行，超过每次导入的上限 200,000 行" in result.errors[0]["reason"]

    response = upload_api(login(village_worker), village_worker, path)
    assert response.status_code == 422 and "A1:XFD1048576" in response.json()["errors"][0]["reason"]
    page = upload_page(login(village_worker), path)
    assert page.status_code == 422 and "A1:XFD1048576" in page.content.decode()
    assert Person.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_on_the_page_the_api_and_the_command_line(
        tmp_path, village_worker, login, settings):
    path = xlsx(tmp_path / "台账.xlsx", {"返乡": [HEADER, ["张三", GOOD, "13812345678", "返乡"]]})
    settings.FANGKONG_IMPORT_MAX_BYTES = path.stat().st_size - 1
    why = "超过导入文件的上限"

    page = upload_page(login(village_worker), path)
    assert page.status_code == 422 and why in page.content.decode()
    response = upload_api(login(village_worker), village_worker, path)
    assert response.status_code == 422
    assert response.json()["written"] is False and why in response.json()["errors"][0]["reason"]
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import-ledger", str(path), "--region", factories.VILLAGE_A1, stdout=out, stderr=io.StringIO())
    assert exited.value.code == 1 and why in json.loads(out.getvalue().splitlines()[-1])["errors"][0]["reason"]
    assert Person.objects.count() == 0


def test_an_upload_larger_than_memory_uploads_is_refused_by_its_real_size(tmp_path, village_worker, login,
                                                                        settings):
    settings.FANGKONG_IMPORT_MAX_BYTES = 3 * 1024 * 1024
    path = tmp_path / "台账.csv"
    path.write_bytes(b"x" * (4 * 1024 * 1024))  # above Django's 2.5 MB in memory: a temporary file, cut short
    response = upload_api(login(village_worker), village_worker, path, category="returnee")
    assert response.status_code == 422
    assert "大小为 4 MB，超过导入文件的上限 3 MB" in response.json()["errors"][0]["reason"]


def test_a_csv_with_too_many_rows_is_refused(tmp_path, village_worker, settings):
    settings.FANGKONG_IMPORT_MAX_ROWS = 50
    result = run(village_worker, bad_phones(tmp_path / "台账.csv", 60, every=1000))
    assert not result.written and "超过 50 行" in result.errors[0]["reason"]
    assert result.rows_read == 0  # refused before a row was checked


def test_errors_are_counted_per_column_and_the_first_of_each_listed(tmp_path, village_worker):
    result = run(village_worker, bad_phones(tmp_path / "台账.csv", 3000, every=3), keep_valid=True)
    assert (result.written, result.created, result.error_count, len(result.errors)) == (True, 2000, 1000, 20)
    assert result.error_columns() == [{"column": "手机", "count": 1000}]
    assert [e["row"] for e in result.errors] == list(range(2, 62, 3))


def test_a_file_of_100000_bad_rows_answers_in_a_few_kilobytes(tmp_path, village_worker, login):
    path = bad_phones(tmp_path / "台账.csv", 100_000)
    started = time.monotonic()
    response = upload_api(login(village_worker), village_worker, path)
    assert time.monotonic() - started < 30
    assert response.status_code == 422 and len(response.content) < 20_000
    body = response.json()
    assert (body["stopped"], body["written"], body["error_count"]) == (True, False, 1001)
    assert body["error_columns"] == [{"column": "手机", "count": 1000}, {"column": "", "count": 1}]
    assert "已读1000行，其中1000行有错误，已停止检查其余行" in body["errors"][-1]["reason"]
    page = upload_page(login(village_worker), path)
    html = page.content.decode()
    assert page.status_code == 422 and len(html) < 40_000
    assert 'data-figure="errors">1001<' in html and '<span data-column-errors="手机">手机 1000</span>' in html


def test_a_long_cell_is_shown_cut_short(tmp_path, village_worker):
    result = run(village_worker, csv_file(tmp_path / "台账.csv", [HEADER, ["张三", GOOD, "1" * 5000, "返乡"]]))
    assert len(result.errors[0]["value"]) == 100 and len(result.errors[0]["reason"]) <= 300


def test_the_worker_memory_limit_is_reported_and_the_next_import_works(tmp_path, village_worker, settings):
    settings.FANGKONG_IMPORT_WORKER_MEMORY = 64 * 1024 * 1024
    wide = xlsxwriter.Workbook(str(tmp_path / "wide.xlsx"))  # 60,000 × 100 cells, within the row and cell limits
    sheet = wide.add_worksheet("返乡")
    sheet.write("A1", "姓名")
    sheet.write("CV60000", "张三")
    wide.close()
    result = run(village_worker, tmp_path / "wide.xlsx")
    assert not result.written and "所需内存超过上限 64 MB" in result.errors[0]["reason"]

    settings.FANGKONG_IMPORT_WORKER_MEMORY = 1536 * 1024 * 1024
    good = xlsx(tmp_path / "台账.xlsx", {"返乡": [HEADER, ["张三", GOOD, "13812345678", "返乡"]]})
    assert run(village_worker, good).written
    assert Person.objects.get().name == "张三"
