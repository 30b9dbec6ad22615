"""The audit trail in words: every action an app records has a Chinese label, before/after read as
字段：值 with 是/否/空, choice labels, names and local times, and the one who acted by name."""

import ast
import datetime
import re
from pathlib import Path

from django.apps import apps

import fangkong
from fangkong.accounts.models import Role
from fangkong.audit import labels
from fangkong.audit import services as audit
from fangkong.audit.models import AuditEntry
from tests import factories

PACKAGE = Path(fangkong.__file__).resolve().parent
# functions that pass an action name on to audit.record
RECORDERS = {"record", "_issue", "_save", "_close"}


def _names(node) -> list[str]:
    """The action names an argument can hold: a text, either branch of `a if c else b`, an f-string's
    fixed start (marked with a trailing *)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _names(node.body) + _names(node.orelse)
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return [node.values[0].value + "*"]
    return []


def recorded_actions() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            args = [*node.args, *(k.value for k in node.keywords if k.arg == "action")]
            if name in RECORDERS:
                found.update(n for arg in args for n in _names(arg) if re.fullmatch(r"[a-z_]+(\.[a-z_]*)?\*?", n))
            elif name == "AuditEntry":  # rows written in bulk
                found.update(n for k in node.keywords if k.arg == "action" for n in _names(k.value))
    return found


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert {"quarantine.start", "passage.register", "user.lock", "report_draft", "quarantine.*"} <= actions
    missing = sorted(a for a in actions if not (
        any(k.startswith(a[:-1]) for k, _label in labels.action_choices()) if a.endswith("*") else labels.is_known(a)))
    assert missing == []


def test_the_ledger_import_and_every_ending_are_labelled():
    for action in ("person.import", "quarantine.released", "quarantine.became_case", "transfer_request.done",
                   "transfer_request.cancelled", "report_submitted", "registration_review.reject", "export"):
        assert labels.is_known(action), action
    assert labels.action_label("quarantine.released") == "结束隔离：已解除"


def _page(client) -> str:
    response = client.get("/audit/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_reads_actions_fields_and_times_in_chinese(tree, login):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.COUNTY, display_name="县指挥部管理员")
    clerk = factories.user("clerk", Role.HQ_STAFF, factories.TOWN_A, display_name="")
    at = datetime.datetime(2020, 2, 1, 2, 30, tzinfo=datetime.UTC)
    audit.record(boss, "user.lock", clerk, region=factories.TOWN_A, before={"is_active": True, "locked_at": None},
                 after={"is_active": False, "locked_at": at, "role": "hq_staff", "region": factories.TOWN_A})

    html = _page(login(boss))
    row = html.split('data-action="user.lock"')[1].split("</tr>")[0]

    assert "<td>县指挥部管理员</td>" in row and "<td>锁定用户</td>" in row
    assert "用户" in row and "花园镇 指挥部工作人员" in row  # the object by its name: place and role, not "clerk"
    for shown in ("有效：是", "锁定时间：空", "有效：否", "锁定时间：2020-02-01 10:30", "角色：指挥部工作人员",
                  "管辖区划：花园镇"):
        assert shown in row, shown
    for raw in ("True", "None", "+00:00", "{", "hq_staff", factories.TOWN_A, "boss"):
        assert raw not in row, raw


def test_the_system_and_a_removed_account_are_named(tree, login):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.COUNTY, display_name="县指挥部管理员")
    AuditEntry.objects.create(actor=None, actor_name="system", action="reconciliation.run",
                              object_type="reconciliation", object_repr="来人核对", region_id=factories.COUNTY,
                              after={"arrivals": 3, "unlisted": 1})
    gone = factories.user("gone", Role.HQ_STAFF, factories.COUNTY, display_name="已调离")
    audit.record(gone, "region.rename", factories.region(factories.VILLAGE_A1), region=factories.VILLAGE_A1,
                 before={"name": "东岳"}, after={"name": "东岳村"})
    gone.delete()

    html = _page(login(boss))

    system_row = html.split('data-action="reconciliation.run"')[1].split("</tr>")[0]
    assert "<td>系统</td>" in system_row and "来人：3" in system_row and "未列入台账：1" in system_row
    gone_row = html.split('data-action="region.rename"')[1].split("</tr>")[0]
    assert "<td>gone</td>" in gone_row and "名称：东岳村" in gone_row


def test_the_filters_offer_labels_not_stored_names(tree, login):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.COUNTY)
    html = _page(login(boss))
    assert '<option value="quarantine.start">开始隔离</option>' in html
    assert '<option value="keyperson">重点人员</option>' in html


def test_the_actor_filter_takes_the_shown_name(tree, login):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.COUNTY, display_name="县指挥部管理员")
    other = factories.user("other", Role.HQ_ADMIN, factories.COUNTY, display_name="值班员")
    audit.record(boss, "region.rename", object_type="region", object_repr="e-boss", region=factories.COUNTY)
    audit.record(other, "region.rename", object_type="region", object_repr="e-other", region=factories.COUNTY)
    client = login(boss)
    for name in ("值班员", "other"):
        html = client.get("/audit/", {"actor": name}).content.decode()
        assert "e-other" in html and "e-boss" not in html


def test_a_name_kept_under_a_key_field_reads_as_the_name(tree, login):
    # a check-in keeps the room by its name, where the quarantine's own field holds the room's key
    boss = factories.user("boss", Role.HQ_ADMIN, factories.COUNTY)
    audit.record(boss, "quarantine.check_in", object_type="quarantine", object_id="1", region=factories.VILLAGE_A1,
                 after={"site": 999, "room": "东楼302"})
    row = _page(login(boss)).split('data-action="quarantine.check_in"')[1].split("</tr>")[0]
    assert "东楼302" in row and "#999" in row


def test_a_link_without_a_name_of_its_own_reads_as_what_it_links_to(tree, login):
    boss = factories.user("boss", Role.HQ_ADMIN, factories.COUNTY)
    task = apps.get_model("screening", "ArrivalTask")
    audit.record(boss, "arrival_task.open", object_type="arrivaltask", object_id="1", region=factories.VILLAGE_A1,
                 after={"passage": None, "key_person": None})
    row = _page(login(boss)).split('data-action="arrival_task.open"')[1].split("</tr>")[0]
    for name in ("passage", "key_person"):
        assert f"{task._meta.get_field(name).related_model._meta.verbose_name}：空" in row
    assert "passage" not in row and "key person" not in row
