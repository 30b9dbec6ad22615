"""The standard ledger export: sheets per category, fixed columns, masked unless revealed, audited."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from python_calamine import CalamineWorkbook

from fangkong.audit.models import AuditEntry
from fangkong.ledger import services
from fangkong.people import identity
from fangkong.screening.models import Category
from tests import factories

from .builders import key_person

DAY = datetime.date(2020, 2, 1)
HEADERS = ["序号", "姓名", "性别", "证件号码", "联系电话", "现住址", "所属村(社区)", "来自何地", "抵达日期", "交通方式",
           "车次/航班/车牌", "症状", "责任人", "状态", "登记日期"]


def sheets(content: bytes) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


@pytest.fixture
def ledger(tree):
    zhang = key_person("张三", "101", factories.VILLAGE_A1, origin="武汉", arrival_date=datetime.date(2020, 1, 23),
                       transport_mode="train", transport_number="G1234")
    key_person("李四", "102", factories.GRID_A1, "fever", symptoms="发热")
    key_person("王五", "103", factories.VILLAGE_A1, status="released", ended_on=datetime.date(2020, 1, 30))  # before D
    key_person("赵六", "104", factories.VILLAGE_A1, status="released", ended_on=datetime.date(2020, 2, 3))   # after D
    key_person("钱七", "105", factories.VILLAGE_A1, registered_on=datetime.date(2020, 2, 2))  # registered after D
    key_person("孙八", "106", factories.VILLAGE_B1)  # another township
    return zhang


def test_sheets_columns_and_who_is_on_the_ledger(ledger, tree):
    town = factories.user("town_a", "township_staff", factories.TOWN_A, display_name="花园镇干部")
    content, name, rows = services.export_ledger(town, region_code=factories.TOWN_A, day=DAY)
    assert (name, rows) == (f"ledger-{factories.TOWN_A}-2020-02-01.xlsx", 3)
    found = sheets(content)
    assert list(found) == [str(label) for label in Category.labels]
    returnees = found["疫区返乡人员"]
    assert "花园镇干部（town_a）" in returnees[1][0]  # the exporter and time, written into the file
    assert returnees[2] == HEADERS
    number = ledger.person.id_number
    assert returnees[3] == [1.0, "张三", "男", identity.mask_id(number), "138****5678", "张三家", "东岳村", "武汉",
                            "2020-01-23", "火车", "G1234", "", "", "在管", "2020-01-25"]
    assert returnees[4][1] == "赵六" and returnees[4][13] == "已解除"  # still under management on D
    assert len(returnees) == 5
    fever = found["发热咳嗽人员"]
    assert [r[1] for r in fever[3:]] == ["李四"] and fever[3][6] == "东岳村"  # a grid's village
    assert found["密切接触者"][3:] == []


def test_masked_by_default_revealed_only_when_allowed_and_asked(ledger, tree):
    hq = factories.user("hq", "hq_admin", factories.COUNTY)
    number = ledger.person.id_number
    masked = sheets(services.export_ledger(hq, region_code=factories.VILLAGE_A1, day=DAY)[0])["疫区返乡人员"]
    assert (masked[3][3], masked[3][4]) == (identity.mask_id(number), "138****5678")
    revealed = sheets(services.export_ledger(hq, region_code=factories.VILLAGE_A1, day=DAY, reveal=True)[0])
    assert (revealed["疫区返乡人员"][3][3], revealed["疫区返乡人员"][3][4]) == (number, "13812345678")
    worker = factories.user("v", "village_worker", factories.VILLAGE_A1)
    with pytest.raises(PermissionDenied):
        services.export_ledger(worker, region_code=factories.VILLAGE_A1, day=DAY, reveal=True)


def test_every_export_is_audited(ledger, tree):
    hq = factories.user("hq", "hq_admin", factories.COUNTY)
    services.export_ledger(hq, region_code=factories.TOWN_A, day=DAY, reveal=True)
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.object_type, entry.region_id) == (hq, "ledger", factories.TOWN_A)
    assert entry.after == {"rows": 3, "filters": {"date": "2020-02-01", "reveal": True}}


def test_a_village_worker_cannot_export_another_village(ledger, tree):
    worker = factories.user("v", "village_worker", factories.VILLAGE_A1)
    with pytest.raises(Http404):
        services.export_ledger(worker, region_code=factories.VILLAGE_A2, day=DAY)
    with pytest.raises(Http404):
        services.export_ledger(worker, region_code=factories.TOWN_A, day=DAY)
    assert not AuditEntry.objects.filter(action="export").exists()
    content, _name, rows = services.export_ledger(worker, region_code=factories.VILLAGE_A1, day=DAY)
    assert rows == 3  # 张三, 李四 (grid), 赵六


def test_rows_are_streamed_in_bounded_queries(ledger, tree, django_assert_max_num_queries):
    hq = factories.user("hq", "hq_admin", factories.COUNTY)
    for seq in range(110, 140):
        key_person(f"人{seq}", str(seq), factories.VILLAGE_A2)
    with django_assert_max_num_queries(20):  # one query per category sheet, whatever the row count
        _content, _name, rows = services.export_ledger(hq, region_code=factories.COUNTY, day=DAY)
    assert rows == 34
