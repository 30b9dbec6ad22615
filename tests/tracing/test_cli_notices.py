"""`fangkong notices`: a case's itinerary notice drafted, published, listed, written as a Word file and withdrawn
from the command line, scoped like the pages, the file logged as an export; exit status 2 on bad input and 1
when the role may not."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from tests import factories as f
from tests.tracing.cli import refused, run

from . import outbreak


def ago(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def case(tree):
    found = outbreak.case()
    inquiry = outbreak.investigation(found)
    outbreak.stop(inquiry, ago(5), place_name="红旗超市")
    outbreak.stop(inquiry, ago(4, 7), kind="transport", transport_mode="公交", transport_number="8路")
    return found


def test_draft_publish_list_docx_and_withdraw(case, epi, capsys, tmp_path):
    draft = run(capsys, "notices", "draft", case.number, "--user", "epi")
    assert draft["status"] == "draft" and draft["case_number"] == case.number
    assert [i["where"] for i in draft["items"]][0] == "红旗超市" and len(draft["items"]) == 2
    assert AuditEntry.objects.get(action="notice.draft").source == "cli"
    pk = str(draft["id"])
    unpublished = refused("notices", "docx", pk, "--out", str(tmp_path / "n.docx"), "--user", "epi")
    assert unpublished.returncode == 2 and "只有已发布的活动轨迹可以导出" in str(unpublished)
    published = run(capsys, "notices", "publish", pk, "--user", "epi")
    assert published["status"] == "published" and published["published_at"]
    listed = run(capsys, "notices", "list", "--status", "published", "--user", "epi")
    assert [n["id"] for n in listed["notices"]] == [draft["id"]] and listed["next_after"] is None
    assert run(capsys, "notices", "list", "--status", "draft", "--user", "epi")["notices"] == []
    out = tmp_path / "notice.docx"
    written = run(capsys, "notices", "docx", pk, "--out", str(out), "--user", "epi")
    assert written == {"notice": draft["id"], "file": str(out)}
    text = "\n".join(p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "红旗超市" in text and case.person.name not in text
    assert AuditEntry.objects.get(action="export", object_type="itinerary_notice").source == "cli"
    withdrawn = run(capsys, "notices", "withdraw", pk, "--reason", "轨迹有误", "--user", "epi")
    assert withdrawn["status"] == "withdrawn"
    assert AuditEntry.objects.get(action="notice.withdraw").after["reason"] == "轨迹有误"
    again = run(capsys, "notices", "draft", str(case.pk), "--user", "epi")  # by id, after the withdrawal
    assert again["status"] == "draft" and again["alias"] == draft["alias"]


def test_bad_input_exits_2_saying_what_is_wrong(case, epi, capsys):
    unknown = refused("notices", "draft", "C-NOPE", "--user", "epi")
    assert unknown.returncode == 2 and "病例不存在或不在管辖范围内：C-NOPE" in str(unknown)
    pk = str(run(capsys, "notices", "draft", case.number, "--user", "epi")["id"])
    twice = refused("notices", "draft", case.number, "--user", "epi")
    assert twice.returncode == 2 and "请在其上修改" in str(twice)
    not_published = refused("notices", "withdraw", pk, "--reason", " ", "--user", "epi")
    assert not_published.returncode == 2 and "reason" in str(not_published) and "status" in str(not_published)
    missing = refused("notices", "publish", "999999", "--user", "epi")
    assert missing.returncode == 2 and "活动轨迹不存在或不在管辖范围内：999999" in str(missing)
    assert refused("notices", "list", "--after", "abc", "--user", "epi").returncode == 2


def test_scope_a_user_who_may_not_is_refused(case, epi, viewer, capsys):
    pk = str(run(capsys, "notices", "draft", case.number, "--user", "epi")["id"])
    f.user("town_b_epi", Role.EPIDEMIOLOGIST, f.TOWN_B)
    f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    assert refused("notices", "draft", case.number, "--user", "viewer").returncode == 1
    assert refused("notices", "publish", pk, "--user", "viewer").returncode == 1
    assert [n["id"] for n in run(capsys, "notices", "list", "--user", "viewer")["notices"]] == [int(pk)]
    assert run(capsys, "notices", "list", "--user", "town_b_epi")["notices"] == []
    outside = refused("notices", "publish", pk, "--user", "town_b_epi")
    assert outside.returncode == 2 and "不在管辖范围内" in str(outside)
    assert refused("notices", "list", "--user", "worker").returncode == 1


def test_edit_sets_the_title_and_alias_and_says_an_empty_one_is_wrong(case, epi, capsys):
    pk = str(run(capsys, "notices", "draft", case.number, "--user", "epi")["id"])
    edited = run(capsys, "notices", "edit", pk, "--title", "病例一活动轨迹", "--alias", "病例一", "--user", "epi")
    assert (edited["title"], edited["alias"], edited["status"]) == ("病例一活动轨迹", "病例一", "draft")
    assert AuditEntry.objects.get(action="notice.edit").source == "cli"
    empty = refused("notices", "edit", pk, "--alias", " ", "--user", "epi")
    assert empty.returncode == 2 and str(empty).startswith("alias:")
