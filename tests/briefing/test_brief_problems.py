"""How the brief reads the problems in the day's reports: what counts as a problem, how the same problem
from several regions becomes one entry, how regions are named (villages always with their township)."""

import datetime

from fangkong.briefing import problems, selectors
from fangkong.reports.models import DailyReport, ReportStatus
from tests import factories as f

from .known_county import DAY, hq


def place(code, name, level="village", township=""):
    return problems.Place(code, name, level, township)


SHIQIAO_A = place("420921001201", "石桥村", township="花园镇")
DONGYUE_A = place("420921001202", "东岳村", township="花园镇")
SHIQIAO_B = place("420921002201", "石桥村", township="丰山镇")
TOWN_A = place("420921001000", "花园镇", "township")
TOWN_B = place("420921002000", "丰山镇", "township")


def test_the_problems_follow_the_problem_heading_and_none_is_no_problem():
    situation = "今日新增重点人员2人，均已按规定落实管控措施。\n存在问题："
    assert problems.problem_lines(situation + "无。") == []
    assert problems.problem_lines(situation + "暂无") == []
    assert problems.problem_lines(situation + "无。\n（已按退回意见核实更正）") == []
    assert problems.problem_lines(situation + "村卡点夜间值守人员不足") == ["村卡点夜间值守人员不足。"]
    assert problems.problem_lines("情况正常。\n存在的问题：\n1.口罩储备偏少；\n2、体温枪电池不足。\n") == [
        "口罩储备偏少。", "体温枪电池不足。"]
    assert problems.problem_lines("困难和问题：一是防护服缺口大。") == ["防护服缺口大。"]


def test_a_text_without_a_problem_heading_is_quoted_whole():
    assert problems.problem_lines("桃园村卡点夜间值守人员不足。") == ["桃园村卡点夜间值守人员不足。"]
    assert problems.problem_lines("无") == [] and problems.problem_lines("  ") == []


def test_villages_are_named_with_their_township_and_grouped_under_it():
    assert problems.names([SHIQIAO_B, DONGYUE_A, SHIQIAO_A]) == "花园镇石桥村、东岳村，丰山镇石桥村"
    assert problems.names([TOWN_B, TOWN_A]) == "花园镇、丰山镇"
    assert problems.names([SHIQIAO_A, TOWN_A]) == "花园镇及石桥村"
    assert problems.unit([SHIQIAO_A, SHIQIAO_B]) == "个村（社区）"
    assert problems.unit([TOWN_A]) == "个乡镇（街道）" and problems.unit([TOWN_A, SHIQIAO_A]) == "个单位"


def test_names_are_cut_at_a_few_and_the_count_says_how_many():
    villages = [place(f"42092100{t}2{n:02d}", f"{n}号村", township=f"{t}镇") for t in (1, 2, 3) for n in range(1, 6)]
    entry = problems.entry(villages)
    assert entry["count"] == 15 and entry["unit"] == "个村（社区）"
    assert problems.NAMES_SHOWN == 4 and entry["where"] == "1镇1号村、2号村、3号村、4号村"


def test_the_same_problem_from_several_regions_is_one_entry_the_most_reported_first():
    heading = "今日各项工作正常。\n存在问题："
    entries = problems.grouped([
        (SHIQIAO_A, heading + "村卡点夜间值守人员不足。"),
        (SHIQIAO_B, heading + "村卡点夜间值守人员不足"),  # the same once the full stop is set aside
        (DONGYUE_A, heading + "村卡点夜间值守人员不足。\n口罩储备偏少。"),
        (TOWN_A, heading + "无。"),
        (TOWN_B, heading + "隔离观察点床位紧张。"),
    ])
    assert [(e["text"], e["where"], e["count"], e["unit"]) for e in entries] == [
        ("村卡点夜间值守人员不足。", "花园镇石桥村、东岳村，丰山镇石桥村", 3, "个村（社区）"),
        ("隔离观察点床位紧张。", "丰山镇", 1, "个乡镇（街道）"),
        ("口罩储备偏少。", "花园镇东岳村", 1, "个村（社区）"),
    ]


def test_problems_for_reads_the_submitted_reports_and_names_villages_with_their_township(tree):
    actor = hq()
    for code in (f.VILLAGE_A1, f.VILLAGE_A2, f.VILLAGE_B1):
        DailyReport.objects.create(region_id=code, day=DAY, status=ReportStatus.SUBMITTED,
                                   situation="今日在管重点人员3人。\n存在问题：体温枪电池不足。")
    DailyReport.objects.create(region_id=f.TOWN_A, day=DAY, status=ReportStatus.SUBMITTED,
                               situation="今日在管重点人员6人。\n存在问题：无。")
    DailyReport.objects.create(region_id=f.TOWN_B, day=DAY, status=ReportStatus.DRAFT, situation="存在问题：草稿")
    DailyReport.objects.create(region_id=f.TOWN_B, day=DAY - datetime.timedelta(days=1),
                               status=ReportStatus.SUBMITTED, situation="存在问题：昨天的问题")
    assert selectors.problems_for(actor, f.COUNTY, DAY) == [
        {"text": "体温枪电池不足。", "where": "花园镇东岳村、桃园村，丰山镇红旗村", "count": 3, "unit": "个村（社区）",
         "region": "花园镇东岳村、桃园村，丰山镇红旗村"}]
