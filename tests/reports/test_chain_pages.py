"""The chain's pages: status per level, the report page (review, submit, frozen vs live, return, history),
the deadline page, and scope (a township cannot open another township's reports)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fangkong.reports import services
from fangkong.reports.models import DailyReport, ReportSettings, ReportStatus
from tests.factories import COUNTY, TOWN_A, TOWN_B, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1

from .chain_county import DAY, at, visits


def _url(code, day=DAY):
    return reverse("reports:report", args=[code, day.isoformat()])


def test_village_worker_reviews_and_submits_on_the_page(staff, login):
    today = timezone.localdate()
    visits(VILLAGE_A1, 9, day=today)
    client = login(staff["v_a1"])

    page = client.get(_url(VILLAGE_A1, today))
    assert page.status_code == 200
    assert 'id="submit-form"' in page.text and "走访户数" in page.text
    assert '<td class="num live">9</td>' in page.text

    response = client.post(reverse("reports:report_submit", args=[VILLAGE_A1, today.isoformat()]),
                           {"situation": "全村正常", "action": "submit"}, follow=True)
    assert "已报送，报送数据已固定" in response.text
    report = DailyReport.objects.get(region_id=VILLAGE_A1, day=today)
    assert (report.status, report.figures["households_visited"], report.situation) == ("submitted", 9, "全村正常")
    assert 'id="submit-form"' not in response.text and "全村正常" in response.text


def test_empty_situation_shows_the_error_and_writes_nothing(staff, login):
    today = timezone.localdate()
    response = login(staff["v_a1"]).post(reverse("reports:report_submit", args=[VILLAGE_A1, today.isoformat()]),
                                         {"situation": "", "action": "submit"}, follow=True)
    assert "请填写情况与问题" in response.text
    assert not DailyReport.objects.exists()


def test_the_page_shows_frozen_live_and_differences(staff, login):
    visits(VILLAGE_A1, 5)
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    visits(VILLAGE_A1, 2)

    page = login(staff["town_a"]).get(_url(VILLAGE_A1))

    assert 'id="differences"' in page.text
    row = page.text.split('data-figure="households_visited"')[1].split("</tr>")[0]
    assert '<td class="num frozen">5</td>' in row and '<td class="num live">7</td>' in row and "+2" in row


def test_township_page_shows_villages_submitted_next_to_live(staff, login):
    visits(VILLAGE_A1, 5)
    visits(VILLAGE_A2, 3)
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    visits(VILLAGE_A1, 1)

    page = login(staff["town_a"]).get(_url(TOWN_A))

    a1 = page.text.split(f'data-region="{VILLAGE_A1}"')[1].split("</tr>")[0]
    a2 = page.text.split(f'data-region="{VILLAGE_A2}"')[1].split("</tr>")[0]
    assert 'data-state="on_time"' in page.text and "已报送" in a1
    assert "5<span" in a1 and "（6）" in a1  # submitted 5, live 6
    assert "逾期未报" in a2 and '<td class="num muted">3</td>' in a2


def test_status_page_lists_submitted_late_and_missing(staff, login):
    ReportSettings.objects.create(region_id=COUNTY, deadline=datetime.time(12, 0))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services.submit_report(staff["v_a1"], VILLAGE_A1, yesterday, "无", now=at(yesterday, 11))

    page = login(staff["town_a"]).get(reverse("reports:chain"), {"date": yesterday.isoformat()})

    assert page.status_code == 200
    assert f'data-region="{VILLAGE_A1}" data-state="on_time"' in page.text
    assert f'data-region="{VILLAGE_A2}" data-state="overdue"' in page.text
    assert VILLAGE_B1 not in page.text and TOWN_B not in page.text
    counts = page.text.split('<tr data-level="village">')[1].split("</tr>")[0]
    assert '<td class="num submitted">1</td>' in counts and '<span class="fever">1</span>' in counts
    only_late = login(staff["town_a"]).get(reverse("reports:chain"), {"date": yesterday.isoformat(), "state": "overdue"})
    assert VILLAGE_A2 in only_late.text and f'data-region="{VILLAGE_A1}"' not in only_late.text


def test_hq_status_page_shows_every_level(staff, login):
    page = login(staff["hq"]).get(reverse("reports:chain"), {"date": DAY.isoformat()})
    for level in ("county", "township", "village"):
        assert f'<tr data-level="{level}">' in page.text
    assert TOWN_B in page.text and VILLAGE_B1 in page.text


@pytest.mark.parametrize("code", [TOWN_B, VILLAGE_B1, COUNTY])
def test_a_township_cannot_open_another_townships_reports(staff, login, code):
    services.submit_report(staff["v_b1"], VILLAGE_B1, DAY, "无", now=at(DAY, 10))
    services.submit_report(staff["town_b"], TOWN_B, DAY, "无", now=at(DAY, 10))
    client = login(staff["town_a"])

    assert client.get(_url(code)).status_code == 404
    assert client.get(reverse("reports:chain"), {"region": code}).status_code == 404
    assert client.get(reverse("reports:report_xlsx", args=[code, DAY.isoformat()])).status_code == 404


def test_roles_that_do_not_read_reports_are_refused(staff, login):
    assert login(staff["doctor"]).get(reverse("reports:chain")).status_code == 403


def test_return_on_the_page_and_resubmit(staff, login):
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "第一次", now=at(DAY, 10))
    town = login(staff["town_a"])
    page = town.get(_url(VILLAGE_A1))
    assert 'id="return-form"' in page.text

    town.post(reverse("reports:report_return", args=[VILLAGE_A1, DAY.isoformat()]), {"comment": "数字有误"})
    assert DailyReport.objects.get(region_id=VILLAGE_A1).status == ReportStatus.RETURNED

    village = login(staff["v_a1"])
    page = village.get(_url(VILLAGE_A1))
    assert "本报告已被退回更正：数字有误" in page.text and "更正后重新报送" in page.text
    village.post(reverse("reports:report_submit", args=[VILLAGE_A1, DAY.isoformat()]), {"situation": "已更正"})
    page = village.get(_url(VILLAGE_A1))
    history = page.text.split('id="history"')[1].split("</ul>")[0]
    assert [a for a in ("report_submitted", "report_returned", "report_resubmitted") if a in history] == \
        ["report_submitted", "report_returned", "report_resubmitted"]
    assert "数字有误" in history and "第一次" in history and "已更正" in history


def test_a_village_worker_sees_no_return_form_and_cannot_return(staff, login):
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    client = login(staff["v_a1"])
    assert 'id="return-form"' not in client.get(_url(VILLAGE_A1)).text
    assert client.post(reverse("reports:report_return", args=[VILLAGE_A1, DAY.isoformat()]),
                       {"comment": "x"}).status_code == 403


def test_hq_admin_sets_the_deadline_on_the_page(staff, login):
    client = login(staff["admin"])
    assert client.get(reverse("reports:chain_settings")).status_code == 200
    bad = client.post(reverse("reports:chain_settings"), {"deadline": "晚上"})
    assert "截止时间应为" in bad.text
    client.post(reverse("reports:chain_settings"), {"deadline": "15:00"})
    assert ReportSettings.objects.get(region_id=COUNTY).deadline == datetime.time(15)
    assert login(staff["hq"]).get(reverse("reports:chain_settings")).status_code == 403


def test_readers_open_reports_without_forms_and_cannot_write(staff, login):
    services.submit_report(staff["v_a1"], VILLAGE_A1, DAY, "无", now=at(DAY, 10))
    viewer = login(staff["viewer"])

    page = viewer.get(_url(VILLAGE_A1))
    assert page.status_code == 200 and 'id="submit-form"' not in page.text and 'id="return-form"' not in page.text
    assert viewer.get(reverse("reports:chain"), {"date": DAY.isoformat()}).status_code == 200
    assert viewer.post(reverse("reports:report_return", args=[VILLAGE_A1, DAY.isoformat()]),
                       {"comment": "x"}).status_code == 403
    assert viewer.post(reverse("reports:report_submit", args=[COUNTY, DAY.isoformat()]),
                       {"situation": "x"}).status_code == 403
    # the township sees the village's report but may not submit it for the village
    assert login(staff["town_a"]).post(reverse("reports:report_submit", args=[VILLAGE_A2, DAY.isoformat()]),
                                       {"situation": "代报"}).status_code == 403
    assert not DailyReport.objects.filter(region_id__in=[COUNTY, VILLAGE_A2]).exists()


def test_county_report_shows_the_townships(staff, login):
    visits(VILLAGE_A1, 4)
    services.submit_report(staff["town_a"], TOWN_A, DAY, "无", now=at(DAY, 10))

    page = login(staff["hq"]).get(_url(COUNTY))

    assert 'id="submit-form"' in page.text  # headquarters is the county's responsible level
    a = page.text.split(f'data-region="{TOWN_A}"')[1].split("</tr>")[0]
    b = page.text.split(f'data-region="{TOWN_B}"')[1].split("</tr>")[0]
    assert "已报送" in a and "逾期未报" in b
    assert VILLAGE_A1 not in page.text.split('id="children"')[1].split("</table>")[0]
