"""Ledger upload and download over the API (bearer token, as a script would)."""

import datetime

from fangkong.accounts import services as account_services
from fangkong.audit.models import AuditEntry
from fangkong.people.models import Person
from tests import factories
from tests.people.ids import resident_id

from .builders import key_person
from .workbooks import xlsx

GOOD = resident_id("19800101", "123")


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {account_services.create_token(user, user, 'test')}"}


def post(client, user, path, **fields):
    with open(path, "rb") as handle:
        return client.post("/api/ledger/import", {"file": handle, **fields}, **bearer(user))


def test_upload_writes_and_answers_the_result(client, tmp_path, village_worker):
    path = xlsx(tmp_path / "a.xlsx", {"返乡": [["姓名", "身份证号", "类别"], ["张三", GOOD, "返乡"]]})
    response = post(client, village_worker, path, region=factories.VILLAGE_A1)
    assert response.status_code == 200
    assert response.json() == {"rows_read": 1, "created": 1, "updated": 0, "duplicates": 0, "pending": 0, "errors": [],
                               "error_count": 0, "error_columns": [], "stopped": False, "written": True, "checks": 0,
                               "ignored_columns": [], "skipped_sheets": [],
                               "sheet_dates": [{"sheet": "返乡", "date": datetime.date.today().isoformat()}]}
    assert Person.objects.get().region_id == factories.VILLAGE_A1


def test_refused_upload_is_422_with_the_errors(client, tmp_path, village_worker):
    path = xlsx(tmp_path / "a.xlsx", {"返乡": [["姓名", "身份证号"], ["张三", GOOD[:-1]]]})
    response = post(client, village_worker, path, region=factories.VILLAGE_A1, category="returnee")
    assert response.status_code == 422
    body = response.json()
    assert body["written"] is False
    assert [(e["sheet"], e["row"], e["column"]) for e in body["errors"]] == [("返乡", 2, "身份证号")]


def test_upload_into_another_village_is_404(client, tmp_path, village_worker):
    path = xlsx(tmp_path / "a.xlsx", {"返乡": [["姓名", "身份证号"], ["张三", GOOD]]})
    response = post(client, village_worker, path, region=factories.VILLAGE_A2, category="returnee")
    assert response.status_code == 404
    assert Person.objects.count() == 0


def test_viewer_may_not_upload(client, tmp_path, tree):
    viewer = factories.user("viewer", "viewer", factories.COUNTY)
    path = xlsx(tmp_path / "a.xlsx", {"返乡": [["姓名", "身份证号"], ["张三", GOOD]]})
    assert post(client, viewer, path, region=factories.VILLAGE_A1, category="returnee").status_code == 403


def test_unknown_category_is_422(client, tmp_path, village_worker):
    path = xlsx(tmp_path / "a.xlsx", {"返乡": [["姓名", "身份证号"], ["张三", GOOD]]})
    response = post(client, village_worker, path, region=factories.VILLAGE_A1, category="tourists")
    assert response.status_code == 422 and "未知的人员类别" in str(response.json()["detail"])


def test_export_download(client, hq, village_worker):
    key_person("张三", "101", factories.VILLAGE_A1)
    response = client.get("/api/ledger/export", {"region": factories.VILLAGE_A1, "date": "2020-02-01",
                                                 "reveal": "true"}, **bearer(hq))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert AuditEntry.objects.get(action="export").after["filters"]["reveal"] is True
    denied = client.get("/api/ledger/export", {"region": factories.VILLAGE_A1, "date": "2020-02-01",
                                               "reveal": "true"}, **bearer(village_worker))
    assert denied.status_code == 403
    other = client.get("/api/ledger/export", {"region": factories.VILLAGE_A2, "date": "2020-02-01"},
                       **bearer(village_worker))
    assert other.status_code == 404


def test_openapi_documents_the_upload(client, hq):
    schema = client.get("/api/openapi.json", **bearer(hq)).json()
    upload = schema["paths"]["/api/ledger/import"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "/api/ledger/export" in schema["paths"]
