"""A fever at the checkpoint reaches the fever clinic, the ledger, the timeline and the village's today list."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.analytics import counters
from fangkong.quarantine.models import TransferRequest
from fangkong.screening.models import DailyCheck, KeyPerson, KeyPersonEvent
from tests import factories as f

from .builders import ID_1, ID_2, WUHAN, passage, risk_area


@pytest.fixture
def wuhan(db):
    return risk_area("4201", "武汉市")


def test_a_feverish_returnee_is_on_the_ledger_with_the_fever_and_a_transfer(staff, cp, wuhan, worker_b1, login):
    p = passage(staff, cp, temperature="38.0", outcome="fever_clinic", origin_code=WUHAN, destination=f.VILLAGE_B1)
    kp = KeyPerson.objects.get()
    assert (kp.category, kp.region_id, kp.symptoms) == ("returnee", f.VILLAGE_B1, "发热")
    check = DailyCheck.objects.get(key_person=kp)
    assert (str(check.temperature), check.source, check.checked_on) == ("38.0", "checkpoint", timezone.localdate())
    transfer = TransferRequest.objects.get()
    assert (transfer.person_id, transfer.key_person_id, transfer.region_id, transfer.source, str(transfer.temperature),
            transfer.status) == (p.person_id, kp.pk, f.VILLAGE_B1, "checkpoint", "38.0", "open")
    assert p.transfer == transfer
    line = KeyPersonEvent.objects.get(key_person=kp, kind="fever_found").text
    assert "发热 38.0°C" in line and cp.name in line and "转送发热门诊" in line
    day = timezone.localdate()
    live = counters.live(day)
    assert live[(f.VILLAGE_B1, "fevers_found")] == 1 and live[(f.VILLAGE_B1, "tr_opened")] == 1
    assert counters.differences(day) == {}
    # the village's today list: the figure and the fever filter hold the person
    page = login(worker_b1).get(reverse("screening:today") + "?fever=1")
    assert page.context["figures"]["fevers_found"] == 1
    assert [item.pk for item in page.context["items"]] == [kp.pk]
    assert "发热" in page.content.decode()


def test_a_feverish_local_goes_on_their_village_ledger_as_a_fever_person(staff, cp):
    p = passage(staff, cp, id_number=ID_2, temperature="38.6", outcome="isolation", destination=f.VILLAGE_A1)
    kp = KeyPerson.objects.get()
    assert (kp.category, kp.region_id, kp.person_id) == ("fever", f.VILLAGE_A1, p.person_id)
    assert DailyCheck.objects.get(key_person=kp).temperature == p.temperature
    assert TransferRequest.objects.get().key_person_id == kp.pk
    assert counters.differences(timezone.localdate()) == {}


def test_no_village_known_still_opens_the_transfer(staff, cp):
    passage(staff, cp, id_number=ID_1, temperature="38.6", outcome="fever_clinic")
    assert not KeyPerson.objects.exists()
    transfer = TransferRequest.objects.get()
    assert (transfer.key_person_id, transfer.region_id) == (None, cp.region_id)


def test_a_second_fever_adds_to_the_open_transfer(staff, cp):
    passage(staff, cp, temperature="38.0", outcome="fever_clinic", destination=f.VILLAGE_A1)
    passage(staff, cp, temperature="38.4", outcome="fever_clinic", destination=f.VILLAGE_A1, direction="out")
    transfer = TransferRequest.objects.get()
    assert transfer.notes.count("\n") == 1
    assert str(DailyCheck.objects.get().temperature) == "38.4"  # the day's check keeps the highest reading
    assert counters.differences(timezone.localdate()) == {}


def test_a_normal_temperature_finds_nothing(staff, cp):
    passage(staff, cp, temperature="36.6", destination=f.VILLAGE_A1)
    assert not TransferRequest.objects.exists() and not KeyPerson.objects.exists()


def test_the_village_task_names_the_fever(staff, cp, wuhan, worker_b1, login):
    passage(staff, cp, temperature="38.0", outcome="fever_clinic", origin_code=WUHAN, destination=f.VILLAGE_B1)
    for name in ("screening:arrival_tasks", "screening:today"):
        assert "38.0°C 送发热门诊" in login(worker_b1).get(reverse(name)).content.decode()
