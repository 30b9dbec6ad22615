"""The brief over HTTP: the page, the download button, next steps, the template download/upload/revert;
the API and the `fangkong brief` command."""

import io
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.briefing import rendering
from fangkong.briefing.models import Brief, BriefTemplate
from fangkong.core.docx import DOCX_TYPE
from tests import factories as f

from .documents import docx_text
from .known_county import DAY, add, hq, known_county

PAGE = "/reports/brief/"
WHEN = {"region": f.COUNTY, "date": DAY.isoformat()}


def test_page_lists_the_sections_and_offers_the_download(tree, login):
    actor = hq()
    known_county(actor)
    response = login(actor).get(PAGE, WHEN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "一、总体情况" in html and "二、摸排排查" in html and "三、隔离观察和健康随访" in html
    assert "医疗救治（" not in html and "首次生成时编号" in html
    assert 'action="/reports/brief/docx/"' in html and "当前使用系统默认模板" in html


def test_download_button_gives_the_docx_and_numbers_the_issue(tree, login):
    actor = hq()
    known_county(actor)
    client = login(actor)
    response = client.post("/reports/brief/docx/", WHEN)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert unquote(response["Content-Disposition"]).endswith("孝昌县-工作简报-第1期-20200203.docx")
    assert docx_text(response.content).startswith("疫情防控工作简报\n第1期")
    assert "第1期" in client.get(PAGE, WHEN).content.decode()
    assert client.get("/reports/brief/docx/", WHEN).status_code == 405  # a GET never numbers an issue


def test_next_steps_are_saved_from_the_page(tree, login):
    actor = hq()
    client = login(actor)
    response = client.post("/reports/brief/next-steps/", {**WHEN, "next_steps": "一是加强卡点值守。"})
    assert response.status_code == 302 and response["Location"] == f"/reports/brief/?region={f.COUNTY}&date=2020-02-03"
    assert Brief.objects.get(region_id=f.COUNTY, day=DAY).next_steps == "一是加强卡点值守。"
    assert "一是加强卡点值守。" in client.get(PAGE, WHEN).content.decode()
    assert AuditEntry.objects.filter(action="brief.next_steps").count() == 1


def _edited_template() -> bytes:
    doc = Document(io.BytesIO(rendering.DEFAULT_TEMPLATE.read_bytes()))
    doc.paragraphs[0].runs[0].text = "{{ region }}防控快报"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_template_download_upload_and_revert(tree, login):
    actor = hq("admin", Role.HQ_ADMIN)  # the template is the county's setting: its admins change it
    add(f.VILLAGE_A1, "households_visited", 1)
    client = login(actor)
    response = client.get("/reports/brief/template/", {"region": f.COUNTY})
    assert response.status_code == 200 and response.content == rendering.DEFAULT_TEMPLATE.read_bytes()
    upload = io.BytesIO(_edited_template())
    upload.name = "快报.docx"
    response = client.post("/reports/brief/template/upload/", {**WHEN, "file": upload, "name": ""})
    assert response.status_code == 302
    assert BriefTemplate.objects.get().name == "快报.docx"
    assert "当前使用上传的模板“快报.docx”" in client.get(PAGE, WHEN).content.decode()
    assert docx_text(client.post("/reports/brief/docx/", WHEN).content).startswith("孝昌县防控快报")
    # the template in force is the uploaded one, to edit again
    assert client.get("/reports/brief/template/", {"region": f.COUNTY}).content == bytes(BriefTemplate.objects.get().content)
    client.post("/reports/brief/template/revert/", WHEN)
    assert docx_text(client.post("/reports/brief/docx/", WHEN).content).startswith("疫情防控工作简报")


def test_a_broken_upload_shows_the_reason_and_changes_nothing(tree, login):
    client = login(hq("admin", Role.HQ_ADMIN))
    bad = io.BytesIO(b"plain text")
    bad.name = "x.docx"
    response = client.post("/reports/brief/template/upload/", {**WHEN, "file": bad}, follow=True)
    assert "模板未更换：不是 Word 文档（.docx）" in response.content.decode()
    assert not BriefTemplate.objects.exists()


def test_the_template_forms_are_shown_only_to_who_may_change_it(tree, login):
    staff = login(hq())
    county_staff = staff.get(PAGE, WHEN).content.decode()
    county_admin = login(hq("admin", Role.HQ_ADMIN)).get(PAGE, WHEN).content.decode()
    town_admin = login(hq("town_admin", Role.HQ_ADMIN, f.TOWN_A))
    assert 'id="template-download"' in county_staff and 'id="template-upload"' not in county_staff
    assert 'id="template-upload"' in county_admin
    assert 'id="template-upload"' in town_admin.get(PAGE, {**WHEN, "region": f.TOWN_A}).content.decode()
    upload = io.BytesIO(_edited_template())
    upload.name = "快报.docx"
    assert staff.post("/reports/brief/template/upload/", {**WHEN, "file": upload}).status_code == 403
    assert not BriefTemplate.objects.exists()


def test_only_headquarters_and_only_in_scope(tree, login):
    town = login(f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A))
    assert town.get(PAGE).status_code == 403
    assert town.post("/reports/brief/docx/", {"region": f.TOWN_A, "date": DAY.isoformat()}).status_code == 403
    assert town.get("/reports/brief/template/").status_code == 403
    other = login(hq("hq_b", region=f.TOWN_B))
    assert other.get(PAGE, {"region": f.TOWN_A}).status_code == 404
    assert other.post("/reports/brief/docx/", {"region": f.TOWN_A, "date": DAY.isoformat()}).status_code == 404
    assert not Brief.objects.exists()


# API ----------------------------------------------------------------------------------------------

def test_api_dashboard(tree, login):
    actor = hq()
    known_county(actor)
    data = login(actor).get("/api/reports/dashboard", WHEN).json()
    figures = {x["key"]: x for x in data["figures"]}
    assert figures["kp_under_management"]["value"] == 5 and figures["kp_under_management"]["change"] == 4
    assert figures["kp_new"]["url"] == f"/screening/?region={f.COUNTY}&registered={DAY}"
    assert len(data["days"]) == 14 and {t["id"] for t in data["trends"]} >= {"kp_new", "isolation"}
    town = login(f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A))
    assert town.get("/api/reports/dashboard", WHEN).status_code == 404


def test_api_brief_next_steps_and_docx(tree, login):
    actor = hq()
    add(f.VILLAGE_A1, "households_visited", 2)
    client = login(actor)
    response = client.put(f"/api/reports/briefs/{f.COUNTY}/2020-02-03/next-steps",
                          {"next_steps": "继续排查。"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["issue_number"] == 1
    response = client.post(f"/api/reports/briefs/{f.COUNTY}/2020-02-03/docx")
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    text = docx_text(response.content)
    assert "当日走访2户" in text and "继续排查。" in text
    town = login(f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A))
    assert town.post(f"/api/reports/briefs/{f.TOWN_A}/2020-02-03/docx").status_code == 403
    long_text = {"next_steps": "字" * 5001}
    assert client.put(f"/api/reports/briefs/{f.COUNTY}/2020-02-03/next-steps", long_text,
                      content_type="application/json").status_code == 422


# CLI ----------------------------------------------------------------------------------------------

def test_command_writes_the_brief(tree, tmp_path):
    add(f.VILLAGE_A1, "households_visited", 4)
    out = tmp_path / "brief.docx"
    call_command("brief", "--region", f.COUNTY, "--date", "2020-02-03", "--out", str(out))
    text = docx_text(out.read_bytes())
    assert text.startswith("疫情防控工作简报\n第1期") and "当日走访4户" in text
    entry = AuditEntry.objects.get(action="export", object_type="brief")
    assert entry.actor_name == "system" and entry.region_id == f.COUNTY


def test_command_refuses_bad_input(tree, tmp_path):
    with pytest.raises(CommandError, match="区划不存在"):
        call_command("brief", "--region", "999999000000", "--date", "2020-02-03", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="日期格式"):
        call_command("brief", "--region", f.COUNTY, "--date", "2020-02-30")
    f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A)
    with pytest.raises(CommandError, match="只有指挥部"):
        call_command("brief", "--region", f.TOWN_A, "--user", "town", "--out", str(tmp_path / "x.docx"))
