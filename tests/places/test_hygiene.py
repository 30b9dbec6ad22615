"""Daily hygiene logs (one per place and day, not in the future, village workers may log) and the
compliance view: open places missing today's log, per township."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.analytics import counters
from fangkong.analytics.selectors import daily_table
from fangkong.core.actors import SYSTEM
from fangkong.places.models import HygieneLog
from fangkong.places.selectors import places as selectors
from fangkong.places.services import places as services
from tests import factories

from .builders import place, staff


def test_one_log_per_place_and_day_not_in_the_future(tree):
    worker = staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    p = place()
    log = services.log_hygiene(worker, p, cleaned=True, disinfected=True, patrolled=False, note="已消毒")
    assert (log.day, log.region_id, log.recorded_by) == (timezone.localdate(), p.region_id, worker)
    with pytest.raises(ValidationError) as exc:
        services.log_hygiene(worker, p, cleaned=True, disinfected=True, patrolled=True)
    assert "day" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.log_hygiene(worker, p, day=timezone.localdate() + datetime.timedelta(days=1), cleaned=True,
                             disinfected=True, patrolled=True)
    assert "将来" in exc.value.message_dict["day"][0]
    services.log_hygiene(worker, p, day=timezone.localdate() - datetime.timedelta(days=1), cleaned=True,
                         disinfected=False, patrolled=False)
    assert HygieneLog.objects.count() == 2
    hygiene = {m: v for (code, m), v in counters.recompute(timezone.localdate()).items() if code == factories.COUNTY}
    assert hygiene.get("hygiene_log") == 1
    assert {k: v for k, v in counters.differences(timezone.localdate()).items() if k[1] == "hygiene_log"} == {}


def test_scope_and_roles(tree):
    other = place("红旗村饭店", factories.VILLAGE_B1)
    worker = staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    with pytest.raises(PermissionDenied):
        services.log_hygiene(worker, other, cleaned=True, disinfected=True, patrolled=True)
    checkpoint_staff = staff("cp", Role.CHECKPOINT_STAFF, factories.VILLAGE_B1)
    with pytest.raises(PermissionDenied):
        services.log_hygiene(checkpoint_staff, other, cleaned=True, disinfected=True, patrolled=True)
    assert not HygieneLog.objects.exists()


def test_compliance_lists_open_places_missing_todays_log_per_township(tree):
    hq = staff("hq")
    a1 = place("甲超市", factories.VILLAGE_A1)
    a2 = place("乙市场", factories.VILLAGE_A2, "market")
    a3 = place("已关闭饭店", factories.VILLAGE_A1, "restaurant", is_closed=True)
    b1 = place("丙宾馆", factories.VILLAGE_B1, "hotel")
    b2 = place("丁车站", factories.VILLAGE_B1, "station")
    services.log_hygiene(hq, a1, cleaned=True, disinfected=True, patrolled=True)
    services.log_hygiene(hq, b2, day=timezone.localdate() - datetime.timedelta(days=1), cleaned=True,
                         disinfected=True, patrolled=True)  # yesterday's does not count today
    c = selectors.hygiene_compliance(hq)
    assert {p.name for p in c.places} == {a2.name, b1.name, b2.name}
    assert a3.name not in {p.name for p in c.places}
    rows = {t.code: (t.open_places, t.missing) for t in c.townships}
    assert rows == {factories.TOWN_A: (2, 1), factories.TOWN_B: (2, 2)}
    assert (c.open_places, c.missing) == (4, 3)
    town_b = selectors.hygiene_compliance(staff("townb", Role.TOWNSHIP_STAFF, factories.TOWN_B))
    assert {p.name for p in town_b.places} == {b1.name, b2.name}
    narrowed = selectors.hygiene_compliance(hq, region=factories.TOWN_A)
    assert {p.name for p in narrowed.places} == {a2.name}
    first = selectors.hygiene_compliance(hq, limit=2)
    assert len(first.places) == 2 and first.next_after == first.places[-1].pk
    rest = selectors.hygiene_compliance(hq, limit=2, after=first.next_after)
    assert {p.name for p in first.places + rest.places} == {a2.name, b1.name, b2.name}
    # the roll-up: places_missing_log = open places − logs of the day (places are counted from their creation)
    services_made = [services.create_place(hq, name="新店", kind="other", region_code=factories.VILLAGE_A1)]
    table = daily_table(SYSTEM, factories.COUNTY, timezone.localdate())
    assert table.totals.values["places_open"] == len(services_made)
    assert table.totals.values["hygiene_logs"] == 1
    assert table.totals.values["places_missing_log"] == 0


def test_pages(tree, login):
    p = place("甲超市", factories.VILLAGE_A1)
    q = place("乙市场", factories.VILLAGE_A2, "market")
    worker = login(staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1))
    response = worker.post(f"/places/{p.pk}/hygiene/", {"cleaned": "on", "disinfected": "on"})
    assert response.status_code == 302
    log = HygieneLog.objects.get()
    assert (log.cleaned, log.disinfected, log.patrolled) == (True, True, False)
    assert worker.post(f"/places/{q.pk}/hygiene/", {"cleaned": "on"}).status_code == 404
    hq = login(staff("hq"))
    page = hq.get("/places/compliance/").content.decode()
    assert "乙市场" in page and "甲超市" not in page
    assert f'data-township="{factories.TOWN_A}"' in page
    again = worker.post(f"/places/{p.pk}/hygiene/", {"cleaned": "on"}, follow=True)
    assert "已填写" in again.content.decode()


def test_api(tree, login):
    p = place("甲超市", factories.VILLAGE_A1)
    client = login(staff("hq"))
    made = client.post(f"/api/places/{p.pk}/hygiene", json.dumps({"cleaned": True}),
                       content_type="application/json")
    assert made.status_code == 201 and made.json()["cleaned"] is True
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert client.post(f"/api/places/{p.pk}/hygiene", json.dumps({"day": future}),
                       content_type="application/json").status_code == 422
    body = client.get("/api/places/compliance").json()
    assert body["missing"] == 0 and body["open_places"] == 1


# Correcting a log (更正) ------------------------------------------------------------------------------

def _logged(worker, p, days_ago=0, **marks):
    values = {"cleaned": True, "disinfected": False, "patrolled": False, **marks}
    return services.log_hygiene(worker, p, day=timezone.localdate() - datetime.timedelta(days=days_ago), **values)


def test_a_correction_changes_the_log_and_audits_before_after_and_reason(tree):
    from fangkong.audit.models import AuditEntry
    worker = staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    p = place()
    log = _logged(worker, p, days_ago=2)
    before = counters.live(log.day)

    fixed = services.correct_hygiene(worker, log, cleaned=True, disinfected=True, patrolled=False,
                                     note=" 补记 消毒 ", reason="当天漏勾消毒")

    stored = HygieneLog.objects.get(pk=log.pk)
    assert (stored.cleaned, stored.disinfected, stored.patrolled, stored.note) == (True, True, False, "补记 消毒")
    assert fixed.disinfected is True and stored.recorded_by == worker  # who logged it stays
    entry = AuditEntry.objects.get(action="hygiene_log.correct")
    assert entry.before == {"disinfected": False, "note": ""}
    assert entry.after == {"disinfected": True, "note": "补记 消毒", "reason": "当天漏勾消毒"}
    assert (entry.actor_name, entry.region_id) == ("worker", factories.VILLAGE_A1)
    assert counters.live(log.day) == before  # the day still has its one log


@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"reason": " "}, "reason", "请填写更正原因"),
    ({"reason": "长" * 201}, "reason", "不能超过200"),
    ({"note": "长" * 301}, "note", "不能超过300"),
])
def test_a_correction_needs_a_reason_and_valid_text(tree, changes, field, text):
    worker = staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    log = _logged(worker, place())
    values = {"cleaned": False, "disinfected": True, "patrolled": True, "note": "", "reason": "写错了", **changes}
    with pytest.raises(ValidationError) as exc:
        services.correct_hygiene(worker, log, **values)
    assert text in exc.value.message_dict[field][0]
    assert HygieneLog.objects.get(pk=log.pk).disinfected is False  # nothing written


def test_a_correction_that_changes_nothing_or_is_too_old_is_refused(tree):
    worker = staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    p = place()
    recent, old = _logged(worker, p, days_ago=services.CORRECTION_DAYS), _logged(worker, p, days_ago=8)
    with pytest.raises(ValidationError, match="没有改动"):
        services.correct_hygiene(worker, recent, cleaned=True, disinfected=False, patrolled=False, reason="核对")
    with pytest.raises(ValidationError) as exc:
        services.correct_hygiene(worker, old, cleaned=False, disinfected=False, patrolled=False, reason="写错了")
    assert "超过7天" in exc.value.message_dict["day"][0]


def test_a_correction_is_scoped_and_needs_a_role_that_logs(tree):
    worker = staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    log = _logged(worker, place())
    values = {"cleaned": False, "disinfected": False, "patrolled": False, "reason": "写错了"}
    with pytest.raises(PermissionDenied):
        services.correct_hygiene(staff("other", Role.VILLAGE_WORKER, factories.VILLAGE_A2), log, **values)
    with pytest.raises(PermissionDenied):
        services.correct_hygiene(staff("viewer", Role.VIEWER, factories.COUNTY), log, **values)
    assert HygieneLog.objects.get(pk=log.pk).cleaned is True


def test_correction_page(tree, login):
    p = place("甲超市", factories.VILLAGE_A1)
    worker_user = staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    log, old = _logged(worker_user, p, days_ago=1), _logged(worker_user, p, days_ago=9)
    worker = login(worker_user)
    url = f"/places/{p.pk}/hygiene/{log.day.isoformat()}/correct/"
    detail = worker.get(f"/places/{p.pk}/").content.decode()
    assert url in detail and f"/hygiene/{old.day.isoformat()}/correct/" not in detail

    form = worker.get(url)
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    missing = worker.post(url, {"cleaned": "on", "disinfected": "on"})
    assert missing.status_code == 400 and "请填写更正原因" in missing.content.decode()
    done = worker.post(url, {"cleaned": "on", "disinfected": "on", "reason": "漏勾消毒"})
    assert done.status_code == 302 and done["Location"] == f"/places/{p.pk}/"
    assert HygieneLog.objects.get(pk=log.pk).disinfected is True
    assert worker.get(f"/places/{p.pk}/hygiene/2020-13-01/correct/").status_code == 404
    assert worker.get(f"/places/{p.pk}/hygiene/2020-01-01/correct/").status_code == 404
    outsider = login(staff("other", Role.VILLAGE_WORKER, factories.VILLAGE_A2))
    assert outsider.get(url).status_code == 404


def test_correction_api(tree, login):
    p = place("甲超市", factories.VILLAGE_A1)
    client = login(staff("hq"))
    day = timezone.localdate().isoformat()
    client.post(f"/api/places/{p.pk}/hygiene", json.dumps({"cleaned": True}),
                content_type="application/json")
    url = f"/api/places/{p.pk}/hygiene/{day}"
    refused = client.put(url, json.dumps({"cleaned": True, "patrolled": True}), content_type="application/json")
    assert refused.status_code == 422 and "reason" in refused.json()["detail"]
    fixed = client.put(url, json.dumps({"cleaned": True, "patrolled": True, "reason": "补记巡查"}),
                       content_type="application/json")
    assert fixed.status_code == 200, fixed.content
    assert (fixed.json()["patrolled"], fixed.json()["day"]) == (True, day)
    assert client.put(f"/api/places/{p.pk}/hygiene/2020-01-01", json.dumps({"reason": "x"}),
                      content_type="application/json").status_code == 404


def _missing_today() -> int:
    day = timezone.localdate()
    assert {k: v for k, v in counters.differences(day).items() if k[1].startswith(("hygiene", "place"))} == {}
    return daily_table(SYSTEM, factories.COUNTY, day).totals.values["places_missing_log"]


def test_a_log_of_a_place_closed_that_day_hides_no_other_places_missing_log(tree):
    hq = staff("hq")
    made = [services.create_place(hq, name=name, kind="other", region_code=factories.VILLAGE_A1)
            for name in ("甲店", "乙店", "丙店")]
    logged, unlogged, later = made
    services.log_hygiene(hq, logged, cleaned=True, disinfected=True, patrolled=True)
    assert _missing_today() == 2
    services.close_place(hq, logged, reason="密接到过")  # after its log, the same day
    assert _missing_today() == 2  # 乙店 and 丙店: 甲店's log is no log of theirs
    services.log_hygiene(hq, later, cleaned=True, disinfected=True, patrolled=True)
    assert _missing_today() == 1
    services.reopen_place(hq, logged)  # open again at the end of the day: its log counts for it
    assert _missing_today() == 1
    closed = services.close_place(hq, later, reason="停业")
    assert _missing_today() == 1 and closed.reopened_at is None
    assert [p.name for p in selectors.hygiene_compliance(hq).places] == [unlogged.name]
    counters.rebuild(timezone.localdate())
    assert _missing_today() == 1
