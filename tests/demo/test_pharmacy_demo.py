"""The demo's pharmacy register: a pharmacy in every township with its registration code and hygiene logs, a few
purchases on every demo day, a handful of fevers each found as core.health.fever_found finds one (the fever person
on the village's ledger, the day's check, the timeline, the transfer to the fever clinic), one waiting to be
confirmed today, and counters that agree with the rows."""

from django.test import Client

from fangkong.analytics import counters
from fangkong.core.days import local_day
from fangkong.medical.models import PharmacyPurchase
from fangkong.places.models import HygieneLog, Place, PlaceCode
from fangkong.quarantine.models import TransferRequest
from fangkong.regions.models import Region
from fangkong.screening.models import DailyCheck, KeyPerson, KeyPersonEvent


def test_a_pharmacy_in_every_township_with_its_code_and_logs(demo):
    shops = list(Place.objects.filter(kind="pharmacy"))
    assert len(shops) == Region.objects.filter(level="township").count()
    for shop in shops:
        code = PlaceCode.objects.get(place=shop, is_active=True)
        assert Client().get(f"/medical/p/{code.token}/").status_code == 200
        assert HygieneLog.objects.filter(place=shop).count() >= demo.clock.length - 2


def test_purchases_on_every_demo_day_and_a_handful_of_fevers(demo):
    clock = demo.clock
    rows = list(PharmacyPurchase.objects.all())
    days = {local_day(p.bought_at) for p in rows}
    assert set(clock.days()) <= days and min(days) == clock.first_day
    assert max(p.bought_at for p in rows) <= clock.now
    fevers = [p for p in rows if p.fever]
    assert 3 <= len(fevers) <= 20
    waiting = [p for p in rows if p.person_id is None]
    assert waiting and {local_day(p.bought_at) for p in waiting} == {clock.today}
    assert any(p.fever for p in waiting)


def test_each_confirmed_fever_is_on_the_ledger_with_its_transfer(demo):
    for p in PharmacyPurchase.objects.filter(fever=True).exclude(person=None):
        kp = KeyPerson.objects.get(person_id=p.person_id, category="fever")
        assert kp.region_id == p.home_region_id and kp.registered_on == local_day(p.bought_at)
        check = DailyCheck.objects.get(key_person=kp, checked_on=kp.registered_on)
        assert (check.source, check.temperature) == ("pharmacy", p.temperature)
        transfer = TransferRequest.objects.get(person_id=p.person_id, source="pharmacy")
        assert transfer.key_person_id == kp.pk and transfer.temperature == p.temperature
        assert p.pharmacy.name in KeyPersonEvent.objects.get(key_person=kp, kind="fever_found").text


def test_the_counters_agree_with_the_rows(demo):
    for day in demo.clock.days():
        assert counters.differences(day) == {}, day
