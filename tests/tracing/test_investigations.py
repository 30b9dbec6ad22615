"""An investigation (流调) through the service: opened once per case, the itinerary's checks (the 14 days before
onset up to the report, ends after starts, a trip's number, a place's name), the exposure and summary, completing
and reopening, and who may."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core.days import day_start
from fangkong.places.models import Place
from fangkong.tracing.models import Investigation
from fangkong.tracing.selectors.investigations import itinerary_window
from fangkong.tracing.services import investigations as services
from tests import factories
from tests.tracing import outbreak

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracer(tree):
    return factories.user("liudiao", Role.EPIDEMIOLOGIST, factories.COUNTY)


def days_ago(n: int, hour: int = 9) -> datetime.datetime:
    return day_start(timezone.localdate() - datetime.timedelta(days=n)) + datetime.timedelta(hours=hour)


def test_one_investigation_per_case(tracer):
    case = outbreak.case()
    first = services.open_investigation(tracer, case)
    again = services.open_investigation(tracer, case)
    assert first.created and not again.created and first.pk == again.pk
    assert Investigation.objects.count() == 1 and first.region_id == case.region_id and first.investigator == tracer
    assert AuditEntry.objects.filter(action="investigation.open").count() == 1


def test_the_itinerary_covers_the_fourteen_days_before_onset_up_to_the_report(tracer):
    case = outbreak.case(onset_date=timezone.localdate() - datetime.timedelta(days=3))
    low, high = itinerary_window(case)
    assert low == day_start(timezone.localdate() - datetime.timedelta(days=17)) and high == case.reported_at
    inv = services.open_investigation(tracer, case)
    market = Place.objects.create(name="东岳农贸市场", kind="market", region_id=factories.VILLAGE_A1)
    stop = services.add_stop(tracer, inv, kind="place", starts_at=days_ago(5), ends_at=days_ago(5, 10),
                             key_place=market.pk)
    assert (stop.place_name, stop.region_id, stop.key_place) == ("东岳农贸市场", factories.VILLAGE_A1, market)
    trip = services.add_stop(tracer, inv, kind="transport", starts_at=days_ago(10, 8), ends_at=days_ago(10, 12),
                             transport_mode="train", transport_number=" g 1234 ", seat="05车12F", place_name="武汉-孝感")
    assert trip.transport_number == "G1234"
    gathering = services.add_stop(tracer, inv, kind="gathering", starts_at=days_ago(7, 18), place_name="家庭聚餐")
    assert gathering.ends_at is None
    assert AuditEntry.objects.filter(action="itinerary.add").count() == 3


@pytest.mark.parametrize("fields, field, words", [
    ({"kind": "place", "starts_at": None, "place_name": "超市"}, "starts_at", "请填写开始时间"),
    ({"kind": "place", "starts_at": 18, "place_name": "超市"}, "starts_at", "早于发病前14天"),
    ({"kind": "place", "starts_at": -1, "place_name": "超市"}, "starts_at", "晚于病例报告时间"),
    ({"kind": "place", "starts_at": 5, "ends_at": (5, 8), "place_name": "超市"}, "ends_at", "须晚于开始时间"),
    ({"kind": "place", "starts_at": 5}, "place_name", "请填写地点或选择重点场所"),
    ({"kind": "gathering", "starts_at": 5}, "place_name", "聚集活动的地点"),
    ({"kind": "transport", "starts_at": 5, "transport_mode": "train"}, "transport_number", "车次"),
    ({"kind": "transport", "starts_at": 5, "transport_number": "G1"}, "transport_mode", "交通方式"),
    ({"kind": "place", "starts_at": 5, "place_name": "超市", "transport_number": "G1"}, "transport_number", "只有交通出行"),
    ({"kind": "boat", "starts_at": 5, "place_name": "超市"}, "kind", "未知的行程类型"),
    ({"kind": "place", "starts_at": 5, "key_place": "999999"}, "key_place", "不存在"),
    ({"kind": "place", "starts_at": "2020-13-01", "place_name": "超市"}, "starts_at", "不是有效的时间"),
])
def test_a_stop_that_breaks_a_rule_is_refused_naming_the_field(tracer, fields, field, words):
    case = outbreak.case(onset_date=timezone.localdate() - datetime.timedelta(days=3))
    inv = services.open_investigation(tracer, case)
    raw = dict(fields)
    for name in ("starts_at", "ends_at"):  # n: 09:00 n days ago, (n, hour), -1: after the report
        value = raw.get(name)
        if value == -1:
            raw[name] = timezone.now() + datetime.timedelta(hours=2)
        elif isinstance(value, int):
            raw[name] = days_ago(value)
        elif isinstance(value, tuple):
            raw[name] = days_ago(*value)
    with pytest.raises(ValidationError) as error:
        services.add_stop(tracer, inv, **raw)
    assert words in " ".join(error.value.message_dict[field]), error.value.message_dict


def test_completing_needs_the_exposure_and_a_summary_and_freezes_the_itinerary(tracer):
    inv = services.open_investigation(tracer, outbreak.case())
    with pytest.raises(ValidationError) as error:
        services.complete_investigation(tracer, inv)
    assert set(error.value.message_dict) == {"exposure_kind", "summary"}
    services.update_investigation(tracer, inv, exposure_kind="risk_area", exposure_note="1月20日自武汉返乡")
    done = services.complete_investigation(tracer, inv, summary="14天内自武汉返乡，密接3人。")
    assert done.status == "completed" and done.completed_at
    with pytest.raises(ValidationError) as error:
        services.add_stop(tracer, inv, kind="place", starts_at=days_ago(2), place_name="超市")
    assert "重新打开" in error.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        services.reopen_investigation(tracer, inv, reason="")
    services.reopen_investigation(tracer, inv, reason="新发现一处行程")
    services.add_stop(tracer, inv, kind="place", starts_at=days_ago(2), place_name="超市")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["investigation.open", "investigation.update", "investigation.complete", "investigation.reopen",
                       "itinerary.add"]


def test_a_stop_is_corrected_or_removed(tracer):
    inv = services.open_investigation(tracer, outbreak.case())
    stop = services.add_stop(tracer, inv, kind="place", starts_at=days_ago(2), place_name="超市")
    services.update_stop(tracer, stop, place_name="红旗超市", ends_at=days_ago(2, 10))
    stop.refresh_from_db()
    assert (stop.place_name, stop.ends_at) == ("红旗超市", days_ago(2, 10))
    with pytest.raises(ValidationError):
        services.update_stop(tracer, stop, ends_at=days_ago(2, 8))
    services.remove_stop(tracer, stop)
    assert not inv.stops.exists()
    assert AuditEntry.objects.filter(action="itinerary.remove").get().before["place_name"] == "红旗超市"


@pytest.mark.parametrize("role", [Role.VILLAGE_WORKER, Role.TOWNSHIP_STAFF, Role.DOCTOR, Role.SUPERVISOR, Role.VIEWER,
                                  Role.CHECKPOINT_STAFF])
def test_only_investigators_investigate(tree, role):
    someone = factories.user("someone", role, factories.TOWN_A if role != Role.VILLAGE_WORKER else factories.VILLAGE_A1)
    with pytest.raises(PermissionDenied):
        services.open_investigation(someone, outbreak.case())


def test_an_investigator_elsewhere_cannot_open_a_case_outside_their_scope(tree):
    township_team = factories.user("liudiao_b", Role.EPIDEMIOLOGIST, factories.TOWN_B)
    with pytest.raises(PermissionDenied):
        services.open_investigation(township_team, outbreak.case())
