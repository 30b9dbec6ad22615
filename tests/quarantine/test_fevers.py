"""One rule for a fever found by any register: the transfer, the ledger's day check, the timeline."""

import pytest
from django.utils import timezone

from fangkong.analytics import counters
from fangkong.quarantine import services
from fangkong.quarantine.models import TransferRequest
from fangkong.screening import services as screening
from fangkong.screening.models import DailyCheck, KeyPersonEvent

from .helpers import days_ago, key_person, local, start


@pytest.fixture
def order(hq, cadre, doctor):
    return start(hq, key_person(arrival=days_ago(3)), cadre=cadre, doctor=doctor, start_at=local(days_ago(2), 7))


def test_a_feverish_follow_up_is_the_days_check_on_the_ledger(doctor, order):
    fu = services.record_follow_up(doctor, order, temperature="38.6", method="visit")
    transfer = TransferRequest.objects.get()
    assert fu.transfer_id == transfer.pk
    assert (transfer.quarantine_id, transfer.key_person_id, transfer.person_id, transfer.source) == (
        order.pk, order.key_person_id, order.key_person.person_id, "follow_up")
    check = DailyCheck.objects.get(key_person=order.key_person)
    assert (str(check.temperature), check.source) == ("38.6", "follow_up")
    assert counters.differences(timezone.localdate()) == {}


def test_a_feverish_daily_check_opens_the_transfer_once(cadre, order):
    screening.record_daily_check(cadre, order.key_person, temperature="38.1", method="visit")
    screening.record_daily_check(cadre, order.key_person, temperature="38.3", method="visit")
    transfer = TransferRequest.objects.get()
    assert (transfer.source, transfer.quarantine_id) == ("daily_check", order.pk)
    assert transfer.notes.count("\n") == 1  # the second finding is added to the open request
    assert KeyPersonEvent.objects.filter(key_person=order.key_person, kind="fever_found").count() == 2
    assert counters.differences(timezone.localdate()) == {}
