"""The passage form's look-up of a typed ID: only the checkpoint's own register, no numbers in the answer,
every look-up audited, a rate per account, and only for those who register passages."""

import re
import types
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied

from fangkong.audit.models import AuditEntry
from fangkong.checkpoints.services import lookups
from fangkong.core import rate_limit
from fangkong.people import identity
from fangkong.people.services import find_or_record_person
from tests import factories as f
from tests.places.builders import fresh_cache  # noqa: F401

from .builders import ID_1, ID_2, ID_3, WUHAN, checkpoint, passage, post_json

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def one_minute(monkeypatch):
    """Every look-up of the test falls in one and the same minute of the rate limit."""
    monkeypatch.setattr(rate_limit, "time", types.SimpleNamespace(time=lambda: 1_000_000.0))


def url(cp) -> str:
    return f"/api/checkpoints/{cp.pk}/lookup"


def test_a_person_who_passed_here_gives_the_name_and_the_last_trip_and_no_number(login, staff, cp):
    passage(staff, cp, phone="13800001111", vehicle_plate="鄂K12345", origin="武汉", origin_code=WUHAN,
            destination=f.VILLAGE_B1, destination_text="红旗村3组")
    status, body = post_json(login(staff), url(cp), {"id_number": ID_1.lower()})
    assert status == 200, body
    assert body == {"found": True, "valid": True, "message": "", "name": "张三", "has_phone": True, "last": {
        "origin": "武汉", "origin_code": WUHAN, "destination": f.VILLAGE_B1, "destination_name": "红旗村",
        "destination_text": "红旗村3组"}}
    shown = str(body)
    assert ID_1 not in shown and identity.mask_id(ID_1) not in shown
    assert "13800001111" not in shown and identity.mask_phone("13800001111") not in shown


def test_a_person_known_to_the_county_but_not_here_is_not_found(login, staff, town, hq, cp):
    elsewhere = checkpoint(town, name="花园村口", kind="village_entrance", region=f.VILLAGE_A1)
    passage(staff, elsewhere, id_number=ID_1, name="张三", phone="13800001111")
    find_or_record_person(hq, name="王五", id_type="resident_id", id_number=ID_3, region_code=f.VILLAGE_B1,
                          phone="13700001234")
    client = login(staff)
    for number in (ID_1, ID_3, ID_2):  # another checkpoint's, the ledger's, nobody's
        status, body = post_json(client, url(cp), {"id_number": number})
        assert (status, body) == (200, {"found": False, "valid": True, "message": "", "name": "", "has_phone": False,
                                        "last": None}), number
    assert post_json(client, url(elsewhere), {"id_number": ID_1})[1]["name"] == "张三"


def test_a_malformed_number_says_why_and_finds_nobody(login, staff, cp):
    status, body = post_json(login(staff), url(cp), {"id_number": "420921199001011230"})
    assert status == 200 and body["valid"] is False and body["found"] is False and body["message"]
    assert not AuditEntry.objects.filter(action="passage.lookup").exists()  # nobody was looked up


def test_every_look_up_is_audited_with_the_masked_number_and_its_digest(login, staff, cp):
    known = passage(staff, cp)
    client = login(staff)
    post_json(client, url(cp), {"id_number": ID_1})
    post_json(client, url(cp), {"id_number": ID_2})
    found, missed = AuditEntry.objects.filter(action="passage.lookup").order_by("id")
    assert (found.actor_id, found.region_id, found.source) == (staff.pk, cp.region_id, "api")
    assert (found.object_type, found.object_id) == ("person", str(known.person_id))
    assert found.after == {"checkpoint": cp.pk, "id_type": "resident_id", "id_number": identity.mask_id(ID_1),
                           "id_digest": identity.digest("resident_id", ID_1), "found": True}
    assert (missed.object_id, missed.after["found"], missed.after["id_number"]) == ("", False, identity.mask_id(ID_2))
    for entry in (found, missed):
        assert ID_1 not in str(entry.after) + entry.object_repr and ID_2 not in str(entry.after) + entry.object_repr


def test_over_the_rate_a_minute_the_answer_is_429_for_that_account_only(login, staff, town, cp, settings,
                                                                        one_minute):
    settings.FANGKONG_LOOKUP_RATE = 3
    client = login(staff)
    for number in (ID_1, "123", ID_2):  # malformed numbers count too
        assert post_json(client, url(cp), {"id_number": number})[0] == 200
    status, body = post_json(client, url(cp), {"id_number": ID_3})
    assert status == 429 and body["detail"] == "证件号码查询过于频繁：每个账号每分钟最多查询3次，请稍后再试，或直接填写姓名登记"
    assert AuditEntry.objects.filter(action="passage.lookup").count() == 2  # the refused one looked nobody up
    assert post_json(login(town), url(cp), {"id_number": ID_3})[0] == 200  # another account has its own count
    with pytest.raises(rate_limit.RateLimited):
        lookups.look_up_person(staff, cp, id_type="resident_id", id_number=ID_3)


def test_the_next_minute_counts_afresh(login, staff, cp, settings, monkeypatch):
    settings.FANGKONG_LOOKUP_RATE = 1
    clock = [1_000_000.0]
    monkeypatch.setattr(rate_limit, "time", types.SimpleNamespace(time=lambda: clock[0]))
    client = login(staff)
    assert post_json(client, url(cp), {"id_number": ID_1})[0] == 200
    assert post_json(client, url(cp), {"id_number": ID_1})[0] == 429
    clock[0] += 60
    assert post_json(client, url(cp), {"id_number": ID_1})[0] == 200


@pytest.mark.parametrize("role", ["supervisor", "viewer", "doctor"])
def test_a_role_without_checkpoint_work_is_refused_403(login, staff, cp, role):
    passage(staff, cp)
    outsider = f.user(f"u_{role}", role, f.COUNTY)
    status, body = post_json(login(outsider), url(cp), {"id_number": ID_1})
    assert status == 403 and "张三" not in str(body)
    with pytest.raises(PermissionDenied):
        lookups.look_up_person(outsider, cp, id_type="resident_id", id_number=ID_1)
    assert not AuditEntry.objects.filter(action="passage.lookup").exists()


def test_another_townships_checkpoint_is_404_and_not_counted(login, staff_b, cp, settings, one_minute):
    settings.FANGKONG_LOOKUP_RATE = 1
    client = login(staff_b)
    assert post_json(client, url(cp), {"id_number": ID_1})[0] == 404
    own = checkpoint(f.user("town_b2", "township_staff", f.TOWN_B), name="丰山出口", region=f.TOWN_B)
    assert post_json(client, url(own), {"id_number": ID_1})[0] == 200


def test_the_form_shows_what_the_look_up_says(login, staff, cp):
    """The page's script reads these keys: the hint for a stranger here, and the limit's message."""
    html = login(staff).get(f"/checkpoints/{cp.pk}/passages/new/").content.decode()
    assert f'data-lookup="/api/checkpoints/{cp.pk}/lookup"' in html and "本卡点首次登记此人" in html
    script = html
    served = re.search(r'src="/static/(checkpoints/passage_form[^"]*\.js)"', html)
    if served:  # the script as a file of the app's static folder
        script = Path(finders.find(served.group(1))).read_text()
    assert "r.status === 429" in script and "data.limited" in script
    assert "id_masked" not in script + html and "phone_masked" not in script + html
