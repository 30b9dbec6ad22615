"""Demo data of the daily report chain (a step of `fangkong demo-data`, after the other steps).

The demo days (demo.clock), ending today, so the chain and the dashboard show the picture of a
county at work: every village/community, township/street and the county reports each
day from the live roll-up figures (the counters the other demo steps filled), mostly before the
16:00 deadline, some late; a few reports are returned by the level above and resubmitted, a couple
of the last days' are still returned, a few of the last days are missing, and today only the
reports whose time has already come are in (so before 16:00 the rest are pending, after it late).
A few frozen figures differ from the live ones, as when a ledger entry is corrected after
submission. Reports and their audit entries (submitted / returned / resubmitted, the history the
report page shows) are bulk-inserted; the responsible people are the demo accounts where they
exist, the quarantine demo's village cadres, or a generated `reporter_<code>`.
"""

import datetime
import random
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.analytics import counters
from fangkong.analytics.figures import FIGURES, metrics_needed
from fangkong.analytics.selectors import figure_values
from fangkong.audit import services as audit
from fangkong.audit.models import AuditEntry, Source
from fangkong.briefing import permissions as brief_permissions
from fangkong.briefing import services as brief_services
from fangkong.core import region_codes as codes
from fangkong.core.actors import SYSTEM
from fangkong.core.region_codes import within
from fangkong.regions.models import Region
from fangkong.reports import permissions
from fangkong.reports.models import DailyReport, ReportSettings, ReportStatus

from .clock import clock_of

COUNTY = "420921000000"
DEADLINE = datetime.time(16, 0)
ISSUER = "孝昌县新型冠状病毒感染的肺炎疫情防控指挥部"
LATE_SHARE = {codes.VILLAGE: .07, codes.TOWNSHIP: .05, codes.COUNTY: .04}
RETURNED_SHARE = .025
MISSING_SHARE = .06  # of the villages (one at least), on the two days before today
PROBLEMS = {
    codes.VILLAGE: ["个别返乡人员不配合居家隔离，已由村干部和民警上门劝导。", "村卡点夜间值守人员不足，已从党员志愿者中补充。",
                    "口罩、消毒液储备偏少，请镇里调拨。", "部分独居老人代购需求多，网格员人手紧张。",
                    "一户外出务工人员电话无法接通，正在核实去向。", "体温枪电池不足，已临时采购。"],
    codes.TOWNSHIP: ["部分村卡点“五有”落实不到位，已督促整改。", "隔离观察点床位紧张，请县指挥部协调。",
                     "个别村台账更新不及时，已通报并限期补齐。", "防护物资缺口较大，主要是N95口罩和防护服。"],
    codes.COUNTY: ["集中医学观察点床位使用率偏高，正在启用备用酒店。", "个别乡镇卡点登记不规范，督查组已明察暗访并通报。",
                   "医用防护物资仍然紧张，已向市指挥部申请调拨。"],
}
# "下步工作" of the county's brief for the last day, one paragraph a line, as headquarters write it
NEXT_STEPS = "\n".join([
    "一是压实“四级书记”防控责任。县、乡、村三级每日一报严格执行16:00前报送制度，对迟报、漏报、错报的单位通报批评，"
    "连续两次迟报的约谈主要负责人。",
    "二是持续开展拉网式排查。对疫区返乡人员、密切接触者和发热人员做到“不漏一户、不漏一人”，台账日清日结，"
    "重点人员每日两次体温监测，发热人员2小时内送定点医院排查。",
    "三是严格落实隔离管控措施。居家隔离人员由村干部、民警、医生“三包一”盯守，集中医学观察点启用备用酒店，"
    "确保应隔尽隔。",
    "四是加强卡点值守和重点场所管理。严格落实卡点“五有”要求，对进出人员车辆逐一登记测温，劝返非必要出行人员；"
    "农贸市场、超市、药店每日消毒不少于两次。",
    "五是做好物资保障。优先保障一线医护人员和卡点值守人员的口罩、防护服和消毒用品，统筹做好群众生活必需品供应。",
    "六是强化监督执纪问责。县纪委监委督查组继续明察暗访，对履职不力、作风漂浮、弄虚作假的党员干部严肃追责问责。",
])
RETURN_COMMENTS = ["走访户数与台账不一致，请核实后重新报送。", "发热人员去向未写明，请补充后重报。",
                   "在管人数较前一日减少但未说明解除情况，请补充说明。", "情况与问题填写过于简单，请具体说明。"]


def _at(day: datetime.date, minutes: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)) + datetime.timedelta(minutes=minutes))


# What a responsible person writes first: the day's main figures, those that are not zero (keys of figures that
# another app may not declare are simply absent).
SUMMARY = [("households_visited", "走访{}户"), ("kp_new", "新增重点人员{}人"), ("kp_under_management", "在管重点人员{}人"),
           ("q_under_home", "居家隔离{}人"), ("q_under_centralised", "集中医学观察{}人"), ("fevers_found", "发现发热{}人"),
           ("passage_persons", "卡点登记{}人次"), ("turned_back_persons", "劝返{}人")]


def _situation(rng: random.Random, level: str, figures: dict) -> str:
    parts = [text.format(figures[key]) for key, text in SUMMARY if figures.get(key)]
    text = ("今日" + "，".join(parts) + "，均已按规定落实管控措施。") if parts else "今日各项防控工作正常开展。"
    if rng.random() < .35:
        return text + "\n存在问题：" + rng.choice(PROBLEMS[level])
    return text + "\n存在问题：无。"


def _reporters(regions: list[Region], rng: random.Random) -> dict[str, User]:
    """The responsible person of each region (made when the demo has none)."""
    level_of = {r.code: r.level for r in regions}
    found: dict[str, User] = {}
    # township staff before a township's own headquarters accounts, headquarters staff before its admin
    preferred = {Role.TOWNSHIP_STAFF: 0, Role.VILLAGE_WORKER: 0, Role.HQ_STAFF: 1, Role.HQ_ADMIN: 2}
    users = sorted(User.objects.filter(region_id__in=level_of, is_active=True),
                   key=lambda u: (preferred.get(u.role, 3), u.pk))
    for user in users:
        if user.region_id not in found and user.role in permissions.SUBMIT_BY_LEVEL[level_of[user.region_id]]:
            found[user.region_id] = user
    password = make_password(None)
    new = [User(username=f"reporter_{r.code}", role=Role.TOWNSHIP_STAFF if r.level == codes.TOWNSHIP else
                (Role.HQ_STAFF if r.level == codes.COUNTY else Role.VILLAGE_WORKER), region_id=r.code,
                display_name=f"{r.name}报送员", password=password,
                phone=f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}")
           for r in regions if r.code not in found]
    User.objects.bulk_create(new, batch_size=500)
    found.update({u.region_id: u for u in new})
    return found


def _live_by_day(regions: list[Region], days: list[datetime.date]) -> dict[datetime.date, dict[str, dict]]:
    """{day: {code: figures}} of the county, its townships and villages, from the counters: the days' flows
    in one query and the running sums before the first day in another, carried forward day by day (what
    `analytics.selectors.daily_table` computes for one day, for all the days at once)."""
    region_codes = [r.code for r in regions]
    figures = list(FIGURES)
    day_metrics, running_metrics = metrics_needed(figures)
    flows = counters.day_values(region_codes, days, day_metrics)
    before_first = days[0] - datetime.timedelta(days=1)
    running = {code: Counter(found) for code, found in
               counters.running_totals(region_codes, before_first, running_metrics).items()} if running_metrics else {}
    by_day: dict[datetime.date, dict[str, dict]] = {}
    for day in days:
        by_day[day] = {}
        for code in region_codes:
            on_day = flows.get((code, day), Counter())
            totals = running.setdefault(code, Counter())
            for metric in running_metrics:
                totals[metric] += on_day[metric]
            by_day[day][code] = figure_values(figures, on_day, totals)
    return by_day


def reports_demo(options, log):
    """The `fangkong demo-data` step of the daily reports (in demo.steps.STEPS, the last)."""
    clock = clock_of(options)
    rng = random.Random(2020_02_16)
    now, today = clock.now, clock.today
    regions = list(Region.objects.filter(within(COUNTY, "code"), level__in=permissions.CHAIN_LEVELS).order_by("code"))
    if not regions:
        return
    deadline_minutes = DEADLINE.hour * 60 + DEADLINE.minute
    with transaction.atomic():
        ReportSettings.objects.get_or_create(region_id=COUNTY, defaults={"deadline": DEADLINE, "issuer": ISSUER})
        reporters = _reporters(regions, rng)
        hq = User.objects.filter(username="hq").first() or reporters[COUNTY]
        towns = {r.code: reporters[r.code] for r in regions if r.level == codes.TOWNSHIP}
        rows, steps = [], []  # steps: (report index, [(action, actor, minutes, before, after)])
        days = clock.days()
        live_by_day = _live_by_day(regions, days)
        villages = [r.code for r in regions if r.level == codes.VILLAGE]
        for day in days:
            back = (today - day).days
            live = live_by_day[day]
            missing = set(rng.sample(villages, max(1, round(MISSING_SHARE * len(villages))))) if 1 <= back <= 2 else ()
            for region in regions:
                level = region.level
                if region.code in missing:
                    continue  # not submitted at all
                base = {codes.VILLAGE: (9 * 60, 15 * 60 + 30), codes.TOWNSHIP: (14 * 60, 15 * 60 + 45),
                        codes.COUNTY: (15 * 60 + 20, 15 * 60 + 58)}[level]
                minutes = rng.randrange(*base)
                if rng.random() < LATE_SHARE[level]:
                    minutes = deadline_minutes + rng.randrange(5, 200)
                if _at(day, minutes) > now:
                    continue  # not yet: today's later reports
                figures = dict(live.get(region.code, {}))
                reporter = reporters[region.code]
                situation = _situation(rng, level, figures)
                report = DailyReport(region_id=region.code, day=day, status=ReportStatus.SUBMITTED,
                                     situation=situation, figures=figures, submitted_by=reporter,
                                     submitted_at=_at(day, minutes), late=minutes > deadline_minutes,
                                     created_at=_at(day, minutes), updated_at=_at(day, minutes))
                story = [("report_submitted", reporter, minutes, None, situation)]
                returned = level != codes.COUNTY and rng.random() < RETURNED_SHARE
                if returned:
                    returner = towns.get(region.code[:9] + "000") if level == codes.VILLAGE else hq
                    back_at = minutes + rng.randrange(30, 120)
                    again_at = back_at + rng.randrange(20, 150)
                    comment = rng.choice(RETURN_COMMENTS)
                    if _at(day, back_at) <= now:
                        report.status = ReportStatus.RETURNED
                        report.returned_by, report.returned_at, report.return_comment = returner, _at(day, back_at), comment
                        report.updated_at = _at(day, back_at)
                        story.append(("report_returned", returner, back_at, None, comment))
                        # the last two days keep a few still waiting for their correction
                        if _at(day, again_at) <= now and (back >= 2 or rng.random() < .5):
                            report.status = ReportStatus.SUBMITTED
                            report.situation = situation + "\n（已按退回意见核实更正）"
                            report.submitted_at = report.updated_at = _at(day, again_at)
                            story.append(("report_resubmitted", reporter, again_at, situation, report.situation))
                if not returned and figures.get("kp_new", 0) > 0 and rng.random() < .03:
                    report.figures = {**figures, "kp_new": figures["kp_new"] - 1}  # an entry added after submission
                rows.append(report)
                steps.append(story)
        DailyReport.objects.bulk_create(rows, batch_size=500)
        entries = []
        for report, story in zip(rows, steps, strict=True):
            for action, actor, minutes, before, after in story:
                snapshot = ({"return_comment": after, "status": "returned"} if action == "report_returned" else
                            {"status": "submitted", "situation": after, "figures": report.figures,
                             "late": report.late, "submitted_by": actor.pk})
                entries.append(AuditEntry(
                    at=_at(report.day, minutes), actor=actor, actor_name=actor.username, action=action,
                    object_type="dailyreport", object_id=str(report.pk), object_repr=str(report)[:200],
                    region_id=report.region_id, before={"situation": before} if before else None, after=snapshot,
                    source=Source.CLI))
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        counts = {"reports": len(rows), "late": sum(r.late for r in rows),
                  "returned": sum(r.status == ReportStatus.RETURNED for r in rows),
                  "resubmitted": sum(1 for s in steps if len(s) == 3)}
        audit.record(SYSTEM, "demo.reports", object_type="demo", object_repr="每日一报演示数据",
                     region=COUNTY, after=counts)
        # the county's work brief of the last day, with its "next steps", issued by headquarters
        issuer = hq if brief_permissions.can_issue_brief(hq) else None
        issued = brief_services.save_next_steps(issuer, COUNTY, today, NEXT_STEPS)
    log(f"reports: {counts['reports']} daily reports over {clock.length} days ({counts['late']} late, "
        f"{counts['resubmitted']} returned and resubmitted, {counts['returned']} still returned); "
        f"the county's work brief of {today} (issue {issued.issue_number}) with its next steps")
