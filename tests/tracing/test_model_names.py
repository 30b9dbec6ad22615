"""Each tracing row names itself (the audit trail keeps the name as the entry's object) by what the pages
show of it: a case's number, a contact's judgement and id, a stop's kind and time; never a person's name, number
or address, nor a stop's place (a stop kept from the public may be a home)."""

import datetime

import pytest
from django.utils import timezone

from fangkong.tracing.models import CaseChange, ItineraryNotice, LabTest, TransmissionLink
from tests import factories
from tests.tracing import outbreak

pytestmark = pytest.mark.django_db


def test_rows_are_named_by_number_judgement_and_time_never_by_the_person(tree):
    who = outbreak.person(name="张三", address="花园镇东岳村3组3号")
    case = outbreak.case(who, classification="suspected")
    other = outbreak.case()
    inv = outbreak.investigation(case)
    home = outbreak.stop(inv, outbreak.at(timezone.localdate() - datetime.timedelta(days=2), 8, 30),
                         place_name=who.address, public=False)
    neighbour = outbreak.person(name="李四")
    contact = outbreak.contact(case, neighbour, kind="household")
    change = CaseChange.objects.create(case=case, from_classification="suspected", to_classification="confirmed")
    link = TransmissionLink.objects.create(infector=other, infectee=case)
    unnumbered = LabTest.objects.create(person=who, region_id=factories.VILLAGE_A1, lab="孝昌县疾控中心",
                                        sampled_at=timezone.now())
    numbered = LabTest.objects.create(person=who, region_id=factories.VILLAGE_A1, lab="孝昌县疾控中心",
                                      sample_number="HX1", sampled_at=timezone.now())
    notice = ItineraryNotice.objects.create(case=case, region_id=case.region_id, title="孝昌县病例1活动轨迹",
                                            alias="病例1")

    assert str(inv) == f"流行病学调查 {case.number}"
    assert str(home) == f"场所 {(timezone.localdate() - datetime.timedelta(days=2)):%Y-%m-%d} 08:30"
    assert str(contact) == f"密切接触者 #{contact.pk} 共同居住"
    assert str(change) == f"{case.number} 疑似病例 → 确诊病例"
    assert str(link) == f"{other.number} → {case.number}"
    assert (str(unnumbered), str(numbered)) == (f"孝昌县疾控中心 #{unnumbered.pk}", "孝昌县疾控中心 HX1")
    assert str(notice) == "孝昌县病例1活动轨迹"
    names = " ".join(str(row) for row in (inv, home, contact, change, link, unnumbered, numbered, notice))
    for personal in (who.name, who.id_number, who.phone, who.address, neighbour.name, neighbour.id_number):
        assert personal not in names
