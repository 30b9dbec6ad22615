"""The ledger page: upload shows the result as a table; the export button downloads the workbook."""

import datetime

from django.urls import reverse

from fangkong.audit.models import AuditEntry
from fangkong.core.exports import XLSX_TYPE
from fangkong.core.widgets import ListSelect
from fangkong.people.models import Person
from tests import factories
from tests.people.ids import resident_id

from .builders import key_person
from .workbooks import xlsx

GOOD = resident_id("19800101", "123")


def upload(client, path, **fields):
    with open(path, "rb") as handle:
        return client.post(reverse("ledger:import"), {"file": handle, **fields})


def test_page_shows_the_forms(village_worker, login):
    page = login(village_worker).get(reverse("ledger:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="keep_valid"' in html
    assert 'name="reveal"' not in html  # a village worker may not reveal numbers
    assert factories.VILLAGE_A2 not in html  # only regions in scope are offered


def test_the_region_lists_are_written_in_one_pass(village_worker, login):
    """A county's two lists of some 600 regions each, through Django's per-option templates, cost 50 ms a page."""
    context = login(village_worker).get(reverse("ledger:index")).context
    assert all(type(context[form].fields["region"].widget) is ListSelect for form in ("import_form", "export_form"))
    assert context["export_form"]["region"].value() == village_worker.region_id


def test_upload_shows_the_errors_as_a_table(tmp_path, village_worker, login):
    path = xlsx(tmp_path / "台账.xlsx", {"返乡": [["姓名", "身份证号", "手机", "类别"],
                                                 ["张三", GOOD, "138", "返乡"],
                                                 ["李四", resident_id("19800101", "124"), "13812345678", "返乡"]]})
    response = upload(login(village_worker), path, region=factories.VILLAGE_A1)
    assert response.status_code == 422
    html = response.content.decode()
    assert "未导入" in html
    assert "<td>返乡</td><td>2</td><td>手机</td><td>138</td>" in html
    assert 'data-figure="rows_read">2<' in html and 'data-figure="created">0<' in html
    assert Person.objects.count() == 0


def test_upload_with_keep_valid_writes_and_reports(tmp_path, village_worker, login):
    path = xlsx(tmp_path / "台账.xlsx", {"返乡": [["姓名", "身份证号", "手机"],
                                                 ["张三", GOOD, "138"],
                                                 ["李四", resident_id("19800101", "124"), "13812345678"]]})
    response = upload(login(village_worker), path, region=factories.VILLAGE_A1, category="returnee",
                      keep_valid="on")
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入完成" in html and 'data-figure="created">1<' in html and "<td>手机</td>" in html
    assert list(Person.objects.values_list("name", flat=True)) == ["李四"]
    assert AuditEntry.objects.get(action="ledger.import").source == "import"


def test_upload_into_another_village_is_refused(tmp_path, village_worker, login):
    path = xlsx(tmp_path / "台账.xlsx", {"返乡": [["姓名", "身份证号"], ["张三", GOOD]]})
    response = upload(login(village_worker), path, region=factories.VILLAGE_A2, category="returnee")
    assert response.status_code == 400  # not among the regions the form offers
    assert Person.objects.count() == 0


def test_a_viewer_sees_no_upload_form(tree, login):
    viewer = factories.user("viewer", "viewer", factories.COUNTY)
    html = login(viewer).get(reverse("ledger:index")).content.decode()
    assert 'name="file"' not in html and "导出台账" in html


def test_export_button_downloads_the_ledger(hq, login):
    key_person("张三", "101", factories.VILLAGE_A1)
    client = login(hq)
    assert 'name="reveal"' in client.get(reverse("ledger:index")).content.decode()
    response = client.get(reverse("ledger:export"), {"region": factories.COUNTY, "date": "2020-02-01"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    assert "ledger-420921000000-2020-02-01.xlsx" in response["Content-Disposition"]
    assert response.content[:2] == b"PK"
    assert AuditEntry.objects.get(action="export").after["filters"] == {"date": "2020-02-01", "reveal": False}


def test_export_of_another_village_is_refused(village_worker, login):
    response = login(village_worker).get(reverse("ledger:export"),
                                         {"region": factories.VILLAGE_A2, "date": datetime.date(2020, 2, 1)})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="export").exists()


def test_menu_entry(village_worker, login):
    html = login(village_worker).get("/").content.decode()
    assert 'data-nav="ledger:index"' in html
