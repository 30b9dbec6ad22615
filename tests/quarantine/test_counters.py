"""The roll-up counters kept by the quarantine services equal a recomputation from the raw rows."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.analytics import counters
from fangkong.quarantine import rollup, selectors, services
from fangkong.quarantine.models import FollowUp, FollowUpStatus, Quarantine, TransferRequest
from tests import factories as f

from .helpers import days_ago, key_person, local, start


def _days() -> list[datetime.date]:
    return [days_ago(n) for n in range(-20, 25)]


def _assert_counters_match() -> None:
    for day in _days():
        assert counters.differences(day) == {}, day


def _figure(code: str, day: datetime.date, metric: str) -> int:
    return counters.figures([code], day, [metric])[code].get(metric, 0)


def test_counters_follow_each_kind_of_write(hq, cadre, doctor):
    site = services.create_site(hq, name="县宾馆", region_code=f.COUNTY, address="县城", rooms=[("101", 2)])
    home = start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 9))
    centralised = start(hq, key_person(category="close_contact"), cadre=cadre, doctor=doctor,
                        last_exposure=days_ago(2), start_at=local(days_ago(2), 9), room=site.rooms.get())
    day = days_ago(2)
    assert _figure(f.COUNTY, day, "q_new.home") == 1 and _figure(f.COUNTY, day, "q_new.centralised") == 1
    assert _figure(f.VILLAGE_A1, day, "fu_due") == 2 and _figure(f.VILLAGE_A1, day, "fu_open") == 2

    services.record_follow_up(doctor, home, temperature="38.5", method="phone", at=local(day, 18, 5))
    services.excuse_follow_up(cadre, centralised.follow_ups.get(due_at=local(day, 18)), reason="在观察点统一测温")
    assert (_figure(f.TOWN_A, day, "fu_done"), _figure(f.TOWN_A, day, "fu_excused"),
            _figure(f.TOWN_A, day, "fu_open"), _figure(f.TOWN_A, day, "fu_fever")) == (1, 1, 0, 1)
    transfer = TransferRequest.objects.get()
    stock = counters.stock([f.COUNTY], days_ago(0), ["tr_opened", "q_in.home"], ["tr_closed", "q_out.home"])
    assert stock[f.COUNTY] == {"tr_opened": 1, "q_in.home": 1}

    services.close_transfer(doctor, transfer, status="cancelled", note="复测36.8°C，暂不转送")
    services.end_quarantine(cadre, home, status="moved_away", handover_to="武汉市江岸区", reason="返回工作地")
    stock = counters.stock([f.COUNTY], days_ago(0), ["tr_opened", "q_in.home"], ["tr_closed", "q_out.home"])
    assert stock[f.COUNTY] == {"tr_opened": 0, "q_in.home": 0}
    assert _figure(f.COUNTY, days_ago(0), "q_ended.moved_away") == 1
    _assert_counters_match()


def test_overdue_of_a_past_day_is_its_open_count(hq, cadre, doctor):
    q = start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(3), 7))
    day = days_ago(2)
    services.record_follow_up(doctor, q, temperature="36.5", method="phone", at=local(day, 8, 10))
    overdue_that_day = FollowUp.objects.filter(status=FollowUpStatus.DUE, due_at__date=day).count()
    assert _figure(f.VILLAGE_A1, day, "fu_open") == overdue_that_day == 1


OPERATIONS = ["follow_up", "fever", "late_follow_up", "excuse", "release", "end", "extend", "check_out",
              "close_transfer", "start"]


def _random_writes(rng: random.Random, hq, cadre, doctor, site) -> None:
    now = timezone.now()

    def order():
        return rng.choice(list(Quarantine.objects.order_by("pk")))

    def past_slot(q):
        due = list(q.follow_ups.filter(status="due", due_at__lte=now).order_by("due_at"))
        return rng.choice(due) if due else None

    for _step in range(25):
        op = rng.choice(OPERATIONS)
        try:
            q = order()
            if op == "start":
                start(hq, key_person(arrival=days_ago(rng.randint(1, 10))), cadre=cadre, doctor=doctor,
                      start_at=local(days_ago(rng.randint(0, 1)), 7))
            elif op in ("follow_up", "fever"):
                services.record_follow_up(doctor, q, temperature="38.2" if op == "fever" else "36.6",
                                          method="phone", symptoms=["cough"] if rng.random() < 0.2 else [])
            elif op == "late_follow_up" and (slot := past_slot(q)):
                services.record_follow_up(cadre, q, temperature="36.9", method="visit", at=slot.due_at, slot=slot)
            elif op == "excuse" and (slot := past_slot(q)):
                services.excuse_follow_up(cadre, slot, reason="电话未接通")
            elif op == "release":
                if rng.random() < 0.7:  # mostly settle the missed slots first, else the release is refused
                    for slot in q.follow_ups.filter(status="due", due_at__lte=now):
                        services.excuse_follow_up(cadre, slot, reason="补录")
                services.release_quarantine(cadre, q, reason=rng.choice(["", "核实"]))
            elif op == "end":
                services.end_quarantine(doctor, q, status=rng.choice(["transferred_to_hospital", "became_case"]))
            elif op == "extend":
                services.change_planned_end(cadre, q, planned_end=q.planned_end + datetime.timedelta(
                    days=rng.randint(-3, 3)), reason="调整")
            elif op == "check_out":
                services.check_out(cadre, q)
            elif op == "close_transfer":
                for t in selectors.transfers_for(hq, open_only=True)[:1]:
                    services.close_transfer(hq, t, status=rng.choice(["done", "cancelled"]), note="处理完毕")
        except ValidationError:
            pass  # a refused write must leave the counters as they were: checked below


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counters_equal_a_recomputation_after_a_random_mix_of_writes(hq, cadre, doctor, seed):
    rng = random.Random(seed)
    site = services.create_site(hq, name="县宾馆", region_code=f.COUNTY, address="县城", rooms=[("101", 3)])
    for n in range(3):
        start(hq, key_person(arrival=days_ago(5 + n)), cadre=cadre, doctor=doctor, start_at=local(days_ago(4), 7))
    start(hq, key_person(category="close_contact"), cadre=cadre, doctor=doctor, last_exposure=days_ago(3),
          start_at=local(days_ago(3), 12), room=site.rooms.get())
    _random_writes(rng, hq, cadre, doctor, site)
    assert FollowUp.objects.exclude(status="due").exists()
    _assert_counters_match()
    before = {day: counters.live(day) for day in _days()}
    for day in _days():
        counters.rebuild(day)
    assert {day: counters.live(day) for day in _days()} == before


def test_every_source_is_registered():
    assert {"quarantine", "follow_up", "transfer_request"} <= set(counters.SOURCES)
    assert counters.SOURCES["follow_up"].contributions is rollup.follow_up_contributions
