"""A county's brief fits on two or three pages whatever the county's size: for 100 villages that all report
problems, a third of them late, every township with missed checks and overdue follow-ups, the brief lists a
bounded number of grouped lines. Measured in pages by LibreOffice where it is installed."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.reports.models import DailyReport, ReportStatus
from tests import factories as f

from .documents import docx_paragraphs
from .known_county import BEFORE, DAY, add

TOWNSHIPS = ["花园镇", "书院街道", "丰山镇", "周巷镇", "小河镇", "王店镇", "卫店镇", "白沙镇", "邹岗镇", "陡山乡"]
VILLAGES = ["石桥村", "东岳村", "桃园村", "红旗村", "新河村", "柳林村", "青石村", "竹林村", "白果村", "凤凰村"]
PROBLEMS = [f"村卡点夜间值守人员不足（第{n}组），已从党员志愿者中补充，请镇里统筹调配。" for n in range(1, 31)]
NEXT_STEPS = "\n".join(f"{n}是做好第{n}项重点工作，压实责任，细化措施，确保各项防控措施落实到位，不留死角、不留空白。"
                       for n in "一二三四五六")
# the shipped template's limits (its opening rules): reported problems listed, regions named per entry
MAX_PROBLEMS, NAMES_SHOWN = 5, 4


def _at(hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(hour)))


def hundred_villages() -> None:
    f.region(f.COUNTY, "孝昌县")
    reports = [DailyReport(region_id=f.COUNTY, day=DAY, status=ReportStatus.SUBMITTED, submitted_at=_at(15),
                           situation="存在问题：无。")]
    for t, township in enumerate(TOWNSHIPS, start=1):
        town = f"420921{t:03d}000"
        f.region(town, township)
        reports.append(DailyReport(region_id=town, day=DAY, status=ReportStatus.SUBMITTED, submitted_at=_at(15),
                                   situation="存在问题：" + PROBLEMS[t]))
        for v, village in enumerate(VILLAGES):
            code = f"420921{t:03d}{201 + v:03d}"
            f.region(code, village)
            n = t * 10 + v
            if n % 7:  # a few never report
                reports.append(DailyReport(region_id=code, day=DAY, status=ReportStatus.SUBMITTED, late=n % 3 == 0,
                                           submitted_at=_at(17 if n % 3 == 0 else 11),
                                           situation=f"今日在管重点人员30人。\n存在问题：{PROBLEMS[n % 30]}"))
            for metric, amount, day in (("kp_in.returnee", 30, BEFORE), ("kp_new.returnee", 30, BEFORE),
                                        ("kp_in.fever", 1, DAY), ("kp_new.fever", 1, DAY), ("checks_done", 20, DAY),
                                        ("households_visited", 40, DAY), ("fevers_found", 1, DAY),
                                        ("q_in.home", 3, BEFORE), ("q_in.centralised", 1, BEFORE),
                                        ("fu_due", 8, DAY), ("fu_done", 6, DAY), ("fu_open", 2, DAY),
                                        ("fu_open", 1, BEFORE), ("fu_fever", 1, DAY), ("tr_opened", 1, DAY),
                                        ("checkpoint_opened", 1, BEFORE), ("passage", 50, DAY),
                                        ("passage_turned_back", 2, DAY), ("place_new", 2, BEFORE),
                                        ("place_closed", 1, BEFORE), ("hygiene_log", 1, DAY)):
                add(code, metric, amount, day)
    DailyReport.objects.bulk_create(reports)


def generate() -> bytes:
    from fangkong.briefing import services
    actor = f.user("hq", Role.HQ_STAFF, f.COUNTY)
    services.save_next_steps(actor, f.COUNTY, DAY, NEXT_STEPS)
    return services.generate_brief(actor, f.COUNTY, DAY)[0]


def _section(lines: list[str], heading: str) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.endswith("、" + heading))
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^[一二三四五六七八九十]+、", lines[i])), len(lines))
    return lines[start + 1:end]


def test_a_hundred_village_countys_problems_are_a_bounded_list_of_grouped_lines(db):
    hundred_villages()
    lines = docx_paragraphs(generate())
    problems = _section(lines, "存在的问题")
    reported = [line for line in problems if re.match(r"^\d+\.", line)]
    assert len(reported) == MAX_PROBLEMS and problems[MAX_PROBLEMS].startswith("另有")
    assert len(problems) <= MAX_PROBLEMS + 5  # "另有…", and one line each: reports, checks, follow-ups
    assert [line.split("：")[0] for line in problems[MAX_PROBLEMS + 1:]] == ["每日一报", "每天一查", "健康随访"]
    for line in reported:  # a village always with its township, a few named, the count for all
        where = line.split("反映")[0]
        assert re.match(r"^\d+\.(花园镇|书院街道|丰山镇|周巷镇|小河镇|王店镇|卫店镇|白沙镇|邹岗镇|陡山乡)", where)
        assert sum(where.count(v) for v in VILLAGES) <= NAMES_SHOWN and re.search(r"等\d+个", where)
    assert not any("存在问题：无" in line for line in lines)
    # what the brief writes from the data (all but the next steps, which headquarters type) leaves room for
    # these next steps on three pages: three pages of 四号 with the masthead and the charts hold ~1,900
    # characters in ~35 paragraphs (LibreOffice, the demo county's brief)
    written = "".join(line for line in lines if line not in NEXT_STEPS)
    assert len(written) + len(NEXT_STEPS) <= 1900, len(written)


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed: pages not measured "
                    "(the bounded-lines test above still runs)")
def test_a_hundred_village_countys_brief_prints_on_at_most_three_pages(db, tmp_path):
    hundred_villages()
    source = tmp_path / "brief.docx"
    source.write_bytes(generate())
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    pdf = (tmp_path / "brief.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 2 <= pages <= 3, pages
