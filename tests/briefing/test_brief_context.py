"""The brief's context from the counters: figures of the day and region, sections present only with data,
the shortfalls (late reports, missed checks, overdue follow-ups) named from the data."""

import datetime

from django.utils import timezone

from fangkong.briefing import brief_context
from fangkong.reports.models import DailyReport, ReportStatus
from tests import factories as f

from .known_county import DAY, add, hq, known_county


def test_every_figure_comes_from_the_data(tree):
    actor = hq()
    known = known_county(actor)
    ctx = brief_context.build(actor, f.COUNTY, DAY, issue_number=7)
    sc, iso = ctx["screening"], ctx["isolation"]
    assert (sc["kp_new"], sc["kp_new_total"], sc["kp_under_management"], sc["kp_released"]) == (
        known["kp_new"], known["kp_total"], known["kp_under"], known["kp_released"])
    assert (sc["checks_done"], sc["fevers_found"], sc["households_visited"]) == (
        known["checks"], known["fevers_found"], known["households"])
    assert {c["label"]: c["total"] for c in sc["categories"]} == {
        "疫区返乡人员": 3, "发热咳嗽人员": 2, "密切接触者": 1}
    assert [(r["name"], r["new"], r["under"]) for r in sc["regions"]] == [("花园镇", 3, 3), ("丰山镇", 2, 2)]
    assert (iso["q_under"], iso["q_under_home"], iso["q_under_centralised"]) == (5, 4, 1)
    assert (iso["fu_due"], iso["fu_done"], iso["fu_open"], iso["fu_fevers"]) == (6, 5, 1, 1)
    assert ctx["overall"]["fevers"] == known["fevers_found"] + known["fu_fevers"]
    assert ctx["issuer"] == "孝昌县新型冠状病毒肺炎疫情防控指挥部" and ctx["area"] == "全县"
    assert ctx["issue_number"] == 7 and ctx["date"] == "2020年2月3日"


def test_a_township_brief_counts_only_its_subtree(tree):
    actor = hq()
    known_county(actor)
    ctx = brief_context.build(actor, f.TOWN_B, DAY, issue_number=1)
    assert ctx["screening"]["kp_new"] == 2 and ctx["area"] == "全镇"
    assert ctx["isolation"]["q_under"] == 1  # the centralised one in 红旗村


def _at(hour: int, day: datetime.date = DAY) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_sections_without_data_are_left_out_and_numbered_in_order(tree):
    add(f.VILLAGE_A1, "households_visited", 3)
    # in the morning, before the reports' deadline: nothing is late yet
    ctx = brief_context.build(hq(), f.COUNTY, DAY, issue_number=1, now=_at(10))
    assert ctx["screening"]["households_visited"] == 3
    for key in ("isolation", "checkpoints", "medical", "supplies", "supervision", "publicity"):
        assert ctx[key] is None, key
    assert ctx["sections"] == ["overall", "screening"]
    assert ctx["no"] == {"overall": "一", "screening": "二"}


def test_a_day_without_any_data_has_no_sections(tree):
    ctx = brief_context.build(hq(), f.COUNTY, DAY, issue_number=1, now=_at(10))
    assert ctx["overall"] is None and ctx["screening"] is None and ctx["sections"] == []


def test_a_later_apps_figures_make_their_section_appear(tree, monkeypatch):
    """Medical treatment has no app yet: once `beds_occupied` is registered with data, its section appears."""
    from fangkong.analytics import figures
    monkeypatch.setattr(figures, "FIGURES", list(figures.FIGURES))
    figures.register(figures.stock("beds_occupied", "占用床位", ["beds_in"], ["beds_out"]))
    monkeypatch.setattr("fangkong.briefing.dashboard.FIGURES", figures.FIGURES)
    add(f.VILLAGE_A1, "beds_in", 9)
    ctx = brief_context.build(hq(), f.COUNTY, DAY, issue_number=1)
    assert ctx["medical"]["beds_occupied"] == 9
    assert "medical" in ctx["sections"]


def test_shortfalls_name_the_late_reports_with_their_township_and_rank_missed_checks(tree):
    actor = hq()
    known_county(actor)  # 花园镇: 3 under management, 2 checked; 丰山镇: 2 under management, none checked
    submitted = {f.COUNTY: 15, f.TOWN_A: 15, f.TOWN_B: 17, f.VILLAGE_A1: 18}  # hour of submission; deadline 16:00
    for code, hour in submitted.items():
        DailyReport.objects.create(region_id=code, day=DAY, status=ReportStatus.SUBMITTED, situation="存在问题：无",
                                   submitted_at=_at(hour), late=hour >= 16)
    short = brief_context.build(actor, f.COUNTY, DAY, issue_number=1, now=_at(20))["shortfalls"]
    assert short["reports_late"] == {"where": "花园镇东岳村，丰山镇", "count": 2, "unit": "个单位"}
    assert short["reports_overdue"] == {"where": "花园镇桃园村，丰山镇红旗村", "count": 2, "unit": "个村（社区）"}
    assert short["checks_missed"] == [{"name": "丰山镇", "value": 2}, {"name": "花园镇", "value": 1}]
    assert short["child_unit"] == "个乡镇（街道）" and short["any"]
    ctx = brief_context.build(actor, f.COUNTY, DAY, issue_number=1, now=_at(20))
    assert ctx["screening"]["checks_missed_share"] == 3 / 5 and ctx["isolation"]["fu_open_share"] == 1 / 6
    assert ctx["sections"][-1] == "problems"


def test_overdue_follow_ups_of_a_past_day_come_from_the_counters(tree):
    add(f.VILLAGE_B1, "fu_open", 2, DAY - datetime.timedelta(days=3))
    add(f.VILLAGE_A1, "fu_open", 1, DAY - datetime.timedelta(days=1))
    add(f.VILLAGE_A1, "fu_open", 5)  # the day's own open slots are not overdue yet
    short = brief_context.build(hq(), f.COUNTY, DAY, issue_number=1, now=_at(10, DAY + datetime.timedelta(days=2)))[
        "shortfalls"]
    assert short["followups_overdue"] == [{"name": "丰山镇", "value": 2}, {"name": "花园镇", "value": 1}]
    assert short["followups_overdue_total"] == 3
