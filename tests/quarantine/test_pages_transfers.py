"""Transfer requests and policies through the Client: assign and close a transfer, edit a policy."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.accounts.models import Role
from fangkong.quarantine import services
from fangkong.quarantine.models import QuarantinePolicy, TransferStatus
from tests import factories as f

from .helpers import days_ago, key_person, start

TRANSFERS = reverse("quarantine:transfers")
POLICIES = reverse("quarantine:policies")


def url(name, *args):
    return reverse(f"quarantine:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def transfer(hq, cadre, doctor):
    q = start(hq, key_person(arrival=days_ago(2), name="李明"), cadre=cadre, doctor=doctor)
    return services.record_follow_up(doctor, q, temperature="38.1", method="phone").transfer


def test_open_transfers_are_listed_for_the_county(transfer, hq, login):
    page = html(login(hq).get(TRANSFERS))
    card = page.split(f'data-transfer="{transfer.pk}"', 1)[1].split("</li>", 1)[0]
    assert "李明" in card and "待处理" in card and "体温38.1°C" in card
    assert f'action="{url("assign_transfer", transfer.pk)}"' in card


def test_assign_then_close(transfer, hq, doctor, login):
    client = login(hq)
    page = html(client.get(TRANSFERS))
    assert f'<option value="{doctor.pk}">' in page
    response = client.post(url("assign_transfer", transfer.pk), {"assignee": doctor.pk, "note": "120已出车"},
                           follow=True)
    assert "已将 李明 的转送指派给 doctor_a1" in html(response)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.assignee) == (TransferStatus.ASSIGNED, doctor)
    page = html(client.post(url("close_transfer", transfer.pk), {"status": "cancelled", "note": ""}, follow=True))
    assert "请填写说明" in page
    page = html(client.post(url("close_transfer", transfer.pk), {"status": "done", "note": "已送县医院发热门诊"},
                            follow=True))
    assert "李明 的转送申请：已转送" in page
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.DONE
    assert f'data-transfer="{transfer.pk}"' not in html(client.get(TRANSFERS))  # open ones by default
    assert f'data-transfer="{transfer.pk}"' in html(client.get(TRANSFERS, {"status": "all"}))


def test_assigning_nobody_is_refused(transfer, hq, login):
    page = html(login(hq).post(url("assign_transfer", transfer.pk), {"assignee": ""}, follow=True))
    assert "处理人：这个字段是必填项。" in page


def test_transfers_outside_the_scope(transfer, login):
    town_b = f.user("town_b", Role.TOWNSHIP_STAFF, f.TOWN_B)
    client = login(town_b)
    assert f'data-transfer="{transfer.pk}"' not in html(client.get(TRANSFERS))
    assert client.post(url("close_transfer", transfer.pk), {"status": "done"}).status_code == 404
    worker = f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    assert login(worker).post(url("close_transfer", transfer.pk), {"status": "done"}).status_code == 403


def test_policies_are_listed_and_edited_by_the_hq_admin(hq, cadre, doctor, login):
    q = start(hq, key_person(arrival=days_ago(2)), cadre=cadre, doctor=doctor)
    client = login(hq)
    page = html(client.get(POLICIES))
    assert f'href="{url("policy_edit", "returnee")}"' in page
    response = client.post(url("policy_edit", "returnee"), {
        "kind": "home", "length_days": "21", "counts_from": "arrival", "follow_up_times": "08:00，12:00,18:00",
        "fever_threshold": "37.3"})
    assert response.status_code == 302
    policy = QuarantinePolicy.objects.get(category="returnee")
    assert (policy.length_days, policy.follow_up_times) == (21, ["08:00", "12:00", "18:00"])
    q.refresh_from_db()
    assert (q.length_days, q.follow_up_times) == (14, ["08:00", "18:00"])  # started orders keep theirs


def test_policy_edit_shows_bad_values(hq, login):
    response = login(hq).post(url("policy_edit", "returnee"), {
        "kind": "home", "length_days": "0", "counts_from": "arrival", "follow_up_times": "8点",
        "fever_threshold": "35"})
    page = html(response)
    assert response.status_code == 400
    assert "隔离天数应在1到60之间：0" in page
    assert "随访时间应为 时:分，例如 08:00：8点" in page
    assert "发热阈值应在36.0–39.0°C之间：35" in page
    assert QuarantinePolicy.objects.get(category="returnee").length_days == 14


def test_only_the_hq_admin_edits_policies(town, login):
    assert f'href="{url("policy_edit", "returnee")}"' not in html(login(town).get(POLICIES))
    assert login(town).get(url("policy_edit", "returnee")).status_code == 403


def _fever(hq, region, cadre, doctor, name):
    q = start(hq, key_person(region, arrival=days_ago(2), name=name), cadre=cadre, doctor=doctor)
    return services.record_follow_up(doctor, q, temperature="38.2", method="phone").transfer


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_transfer_list_reads_the_same_queries_however_many_rows_and_regions(transfer, hq, cadre, doctor, login):
    """Each row offers the people around its village: read for every region of the page at once, not per row."""
    client = login(hq)
    one = _queries(client, TRANSFERS)
    cadre_a2 = f.user("cadre_a2", Role.VILLAGE_WORKER, f.VILLAGE_A2)
    cadre_b1 = f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)
    doctor_b1 = f.user("doctor_b1", Role.DOCTOR, f.VILLAGE_B1)
    in_a2 = _fever(hq, f.VILLAGE_A2, cadre_a2, doctor, "王芳")
    in_b1 = _fever(hq, f.VILLAGE_B1, cadre_b1, doctor_b1, "张伟")
    services.assign_transfer(hq, in_b1, assignee=doctor_b1)
    assert _queries(client, TRANSFERS) == one
    page = html(client.get(TRANSFERS))

    def options(t) -> str:
        card = page.split(f'data-transfer="{t.pk}"', 1)[1].split("</li>", 1)[0]
        return card.split('name="assignee"', 1)[1].split("</select>", 1)[0]
    # the county's doctors on every row, a village's cadre only on its own village's rows
    for t in (transfer, in_a2, in_b1):
        assert f'<option value="{doctor.pk}">' in options(t) or f'<option value="{doctor.pk}" selected>' in options(t)
        assert f'value="{doctor_b1.pk}"' in options(t)
    assert f'value="{cadre.pk}"' in options(transfer) and f'value="{cadre.pk}"' not in options(in_a2)
    assert f'value="{cadre_a2.pk}"' in options(in_a2) and f'value="{cadre_a2.pk}"' not in options(in_b1)
    # the one assigned shows its assignee chosen, the others the empty choice
    assert f'<option value="{doctor_b1.pk}" selected>' in options(in_b1)
    assert '<option value="" selected>' in options(transfer) and '<option value="">' in options(in_b1)


def test_a_township_is_offered_only_the_doctors_of_its_scope(transfer, doctor, login):
    town_a = f.user("town_a", Role.TOWNSHIP_STAFF, f.TOWN_A)
    doctor_b1 = f.user("doctor_b1", Role.DOCTOR, f.VILLAGE_B1)
    page = html(login(town_a).get(TRANSFERS))
    assert f'<option value="{doctor.pk}">' in page and f'value="{doctor_b1.pk}"' not in page
    assert f'<option value="{town_a.pk}">' in page  # the user themselves
