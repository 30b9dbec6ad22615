"""What the work brief (工作简报) says, as plain data: the context the Word template is rendered with.

Every number comes from the roll-up counters of the brief's region and day (`dashboard.series`
and one running-sum read for the cumulative figures); nothing is typed by hand. The context is
a dict of sections. A section is present (a dict) when its figures are registered and at least
one of them is non-zero that day; otherwise it is None and the template leaves it out.

A section's dict holds, for each of its figures that is registered, `<key>` (the day's value)
and `<key>_total` (the cumulative value: Σ of a flow up to the day, the value itself for a
stock), plus `lines` ("label：value" strings, for templates that just list them). Sections for
work that has no data yet — medical treatment, supplies, supervision, publicity — are declared
here with the figure keys their apps will register: when an app registers `beds_occupied` or
`problems_rectified` in `analytics.figures`, the section appears in the brief with no change
here. A later app may also `register_section(...)` a section of its own; the default template
lists those under `extra_sections`.

Beside the sections: `problems` (what the day's reports name as problems, grouped: briefing.problems)
and `shortfalls` (the regions the figures show behind: reports late or not in, key persons not
checked, follow-ups overdue, checkpoints short of the five haves), both from the data. The context
states figures and ratios (`screening.checks_missed_share`, `isolation.fu_open_share`), never a
judgement: whether the brief may say "总体形势平稳可控" or "均已按规定处置" is decided by the template,
whose opening lines hold those rules and their thresholds where a county can change them.

The epidemic situation (`cases`, 疫情情况: tracing.rollup's figures of cases and contacts) comes first, ahead of
the work sections, with the existing confirmed cases by severity and the days since the last new confirmed
case (within the days the brief reads); like every section it states figures, and the template words them (its rules decide, for example, from
how many quiet days on it says "已连续N天无新增确诊病例"). Nothing of a case but its counters is read.

Headings are numbered in the order of the sections present: `no.<section>` is 一, 二, 三 …
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.analytics import counters
from fangkong.core import region_codes as codes
from fangkong.regions.models import Region
from fangkong.reports import selectors as chain_selectors
from fangkong.screening.models import Category
from fangkong.tracing.models import Severity

from . import dashboard
from . import problems as problem_lists

TITLE = "疫情防控工作简报"
HEADQUARTERS_SUFFIX = "新型冠状病毒肺炎疫情防控指挥部"
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    figure_keys: tuple[str, ...]


SECTIONS: list[Section] = []


def register_section(key: str, title, figure_keys) -> None:
    """Declare a section of the brief (in order) stating these figures when they have data."""
    if any(s.key == key for s in SECTIONS):
        raise ValueError(f"brief section declared twice: {key}")
    SECTIONS.append(Section(key, str(title), tuple(figure_keys)))


# The epidemic situation first, ahead of the work sections (tracing.rollup's figures). Its headline figures are
# the ones the shipped template words, each in a sentence of its own; the rest are in `lines` for a template's use.
CASE_HEADLINES = (
    "cases_new_confirmed", "cases_confirmed_total", "cases_existing_confirmed", "cases_existing_mild",
    "cases_existing_moderate", "cases_existing_severe", "cases_existing_critical", "cases_new_suspected",
    "cases_suspected_total", "cases_existing_suspected", "cases_new_asymptomatic", "cases_asymptomatic_total",
    "cases_existing_asymptomatic", "cases_new_discharged", "cases_discharged_total", "cases_new_deaths",
    "cases_deaths_total", "contacts_traced", "contacts_traced_total", "contacts_under_observation",
    "contacts_released", "contacts_released_total")
register_section("cases", _("疫情情况"), (
    *CASE_HEADLINES, "cases_asymptomatic_to_confirmed", "cases_new_excluded", "cases_excluded_total"))
SEVERITY_KEYS = [(f"cases_existing_{value}", str(label)) for value, label in Severity.choices]

_CATEGORY_KEYS = [f"kp_{part}_{value}" for value in Category.values for part in ("new", "under_management",
                                                                                  "released")]
register_section("screening", _("摸排排查"), (
    "households_visited", "kp_new", "kp_under_management", "kp_released", "checks_done", "checks_missed",
    "fevers_found", *_CATEGORY_KEYS))
register_section("isolation", _("隔离观察和健康随访"), (
    "q_under_home", "q_under_centralised", "q_new", "q_released", "fu_due", "fu_done", "fu_excused", "fu_open",
    "fu_fevers", "transfers_open"))
register_section("checkpoints", _("卡点值守和重点场所管控"), (
    "checkpoints_open", "passage_persons", "passage_vehicles", "turned_back_persons", "turned_back_vehicles",
    "passage_fevers", "risk_arrivals", "places_open", "places_closed", "hygiene_logs", "check_ins",
    "places_missing_log", "arrival_tasks_open", "unlisted_open"))
register_section("medical", _("医疗救治"), (
    "designated_hospitals", "beds_reserved", "beds_occupied", "fever_clinic_visits", "patients_in_treatment",
    "patients_cured", "patients_transferred"))
register_section("supplies", _("物资保障"), (
    "masks_n95_stock", "masks_surgical_stock", "protective_suits_stock", "supplies_allocated",
    "donations_received", "donation_amount"))
register_section("supervision", _("督查问责"), (
    "inspections", "inspections_unannounced", "problems_found", "problems_rectified", "accountability_cases",
    "cadres_accountable"))
register_section("publicity", _("宣传引导"), (
    "notices_issued", "materials_distributed", "broadcasts", "rumours_found", "rumours_handled"))
# the sections the shipped template words itself; any other registered section goes to extra_sections
WORDED = {"cases", "screening", "isolation", "checkpoints", "medical", "supplies", "supervision", "publicity"}
# figures read for each child region (townships of a county …): the 分地区 line and the shortfalls
CHILD_KEYS = {"kp_new", "kp_under_management", "households_visited", "checks_done", "checks_missed", "fu_open"}


def numeral(n: int) -> str:
    """一 … 十, 十一 … 十九, 二十 … (a heading's number)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def day_text(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def area_word(region: Region) -> str:
    """全县 / 全区 / 全镇 / 全街道 / 全村 / 全社区 / 全市 / 全省: how a brief names the whole of its region."""
    for suffix in ("街道", "社区", "县", "区", "市", "镇", "乡", "村", "省"):
        if region.name.endswith(suffix):
            return "全" + suffix
    return {"province": "全省", "city": "全市", "county": "全县", "township": "全镇",
            "village": "全村"}.get(region.level, "全" + region.name)


def issuer_for(region: Region) -> str:
    """The issuer headquarters set for the region (the report chain's settings), or
    "<region name>新型冠状病毒肺炎疫情防控指挥部"."""
    return chain_selectors.issuer_of(region.code) or f"{region.name}{HEADQUARTERS_SUFFIX}"


def _cumulative(region_code: str, day: datetime.date, s: dashboard.Series) -> dict[str, int]:
    """Each flow figure's Σ over every day up to `day` (one query); stocks are their own cumulative value."""
    flow_metrics = {m for f in s.figures for m in f.flows}
    running = counters.running_totals([region_code], day, flow_metrics).get(region_code, Counter())
    return {f.key: sum(running[m] for m in f.flows) for f in s.figures if f.flows}


def _section(section: Section, s: dashboard.Series, cumulative: dict[str, int], labels: dict) -> dict | None:
    found: dict = {}
    lines = []
    any_data = False
    for key in section.figure_keys:
        if key not in labels:
            continue  # not registered (yet)
        value = s.at(key)
        total = cumulative.get(key, value)
        found[key], found[f"{key}_total"] = value, total
        any_data = any_data or bool(value) or bool(total and key in cumulative)
        lines.append(f"{labels[key]}：{value}")
    if not any_data:
        return None
    found["title"], found["lines"] = section.title, lines
    return found


def build(user, region_code: str, day: datetime.date, *, issue_number: int, next_steps: str = "",
          problems: list[dict] | None = None, now: datetime.datetime | None = None) -> dict:
    """The brief's context for the region and day (a constant number of queries: counters, the report
    chain's status, and today what is open now). `problems`: the grouped reported problems
    (selectors.problems_for); `now`: the moment lateness and overdue follow-ups are measured at."""
    now = now or timezone.now()
    s = dashboard.series(user, region_code, day, days=dashboard.SERIES_DAYS, child_keys=CHILD_KEYS)
    region = s.region
    labels = {f.key: f.heading for f in s.figures}
    cumulative = _cumulative(region.code, day, s)
    ctx: dict = {
        "title": TITLE, "issue_number": issue_number, "issuer": issuer_for(region), "date": day_text(day),
        "day": day.isoformat(), "region": region.name, "area": area_word(region),
        "problems": problems or [],
        "next_steps": [line.strip() for line in next_steps.splitlines() if line.strip()],
    }
    present = []
    for section in SECTIONS:
        data = _section(section, s, cumulative, labels)
        ctx[section.key] = data
        if data is not None:
            present.append(section.key)
    if ctx["cases"] and not any(ctx["cases"].get(k) for k in ctx["cases"] if k.startswith(CASE_KEYS_PREFIX)):
        ctx["cases"] = None
        present.remove("cases")
    if ctx["cases"]:
        _case_details(ctx["cases"], s)
    if ctx["screening"]:
        _screening_details(ctx["screening"], s, cumulative, labels)
    if ctx["isolation"]:
        iso = ctx["isolation"]
        iso["q_under"] = iso.get("q_under_home", 0) + iso.get("q_under_centralised", 0)
        iso["fu_open_share"] = _share(iso.get("fu_open", 0), iso.get("fu_due", 0))
    failing = dashboard.failing_checkpoints(region.code) if day == timezone.localdate(now) else None
    if ctx["checkpoints"] and failing is not None:
        ctx["checkpoints"]["checkpoints_failing"] = failing
    ctx["shortfalls"] = _shortfalls(user, s, day, now, labels, failing or 0)
    ctx["extra_sections"] = [ctx[k] for k in present if k not in WORDED]
    work = [k for k in present if k != "cases"]
    ctx["overall"] = _overall(ctx, s) if work else None
    ctx["trends"] = _trends(s, labels)
    # headings numbered in order: the epidemic situation, overall, the work sections present, problems, next steps
    order = (["cases"] if ctx["cases"] else []) + (["overall"] if ctx["overall"] else []) + [
        k for k in work if k in WORDED]
    if ctx["extra_sections"]:
        order.append("extra")
    order += (["problems"] if ctx["problems"] or ctx["shortfalls"]["any"] else []) + (
        ["next_steps"] if ctx["next_steps"] else [])
    ctx["no"] = {key: numeral(i + 1) for i, key in enumerate(order)}
    ctx["sections"] = order
    return ctx


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _place(region: Region, township: str = "") -> problem_lists.Place:
    return problem_lists.Place(region.code, region.name, region.level, township)


def _shortfalls(user, s: dashboard.Series, day: datetime.date, now: datetime.datetime, labels: dict,
                failing: int) -> dict:
    """The regions the figures show behind, each named (villages with their township) and counted:
    reports submitted late (`reports_late`) and not in after the deadline (`reports_overdue`), as
    {"where", "count", "unit"}; per child region, key persons not checked (`checks_missed`) and
    follow-ups overdue (`followups_overdue`, as the dashboard counts them), as [{"name", "value"}] largest
    first; checkpoints short of the five haves now (`checkpoints_failing`, today only)."""
    rows, chain = dashboard.attention(user, s, day, now)
    states: dict[str, list] = {chain_selectors.LATE_SUBMITTED: [], chain_selectors.OVERDUE: []}
    if chain is not None:
        chain_rows = [row for level in chain.levels for row in level.rows]
        townships = {row.region.code: row.region.name for row in chain_rows if row.region.level == codes.TOWNSHIP}
        for row in chain_rows:
            if row.state in states:
                township = townships.get(problem_lists.township_code(row.region.code), "")
                states[row.state].append(_place(row.region, township))
    children = {c.code: _place(c, s.region.name if c.level == codes.VILLAGE else "") for c in s.children}
    missed = {c: s.at("checks_missed", code=c) for c in children} if "checks_missed" in labels else {}
    found = {
        "reports_late": problem_lists.entry(states[chain_selectors.LATE_SUBMITTED]),
        "reports_overdue": problem_lists.entry(states[chain_selectors.OVERDUE]),
        "checks_missed": problem_lists.ranked(missed, children),
        "followups_overdue": problem_lists.ranked({r.region.code: r.overdue for r in rows}, children),
        "checkpoints_failing": failing,
        "child_unit": problem_lists.unit(children.values()) if children else "",
    }
    found["followups_overdue_total"] = sum(r["value"] for r in found["followups_overdue"])
    found["any"] = bool(found["reports_late"]["count"] or found["reports_overdue"]["count"] or found["checks_missed"]
                        or found["followups_overdue"] or failing)
    return found


CASE_KEYS_PREFIX = "cases_"  # the section is there when one of these has data: contacts alone make no situation


def _case_details(cases: dict, s: dashboard.Series) -> None:
    """The existing confirmed cases by severity (those with any, as [{"label", "value"}]) and the days since the
    last new confirmed case, from the series' days (`days_without_new_confirmed`: 0 on a day with one; when
    none in the series but some before, the series' length with `quiet_at_least`; None when there never was
    one)."""
    cases["severities"] = [{"label": label, "value": cases.get(key, 0)} for key, label in SEVERITY_KEYS
                           if cases.get(key)]
    new = s.of("cases_new_confirmed")
    quiet = next((n for n, value in enumerate(reversed(new)) if value), None)
    cases["quiet_at_least"] = quiet is None
    if quiet is None:
        quiet = len(new) if cases.get("cases_new_confirmed_total") else None
    cases["days_without_new_confirmed"] = quiet


def _screening_details(sc: dict, s: dashboard.Series, cumulative: dict, labels: dict) -> None:
    """By category (those with data) and by child region (townships of a county …)."""
    sc["categories"] = []
    for value, label in Category.choices:
        keys = {"new": f"kp_new_{value}", "under": f"kp_under_management_{value}",
                "released": f"kp_released_{value}"}
        if keys["new"] not in labels:
            continue
        row = {"label": str(label), "new": s.at(keys["new"]), "total": cumulative.get(keys["new"], 0),
               "under": s.at(keys["under"]) if keys["under"] in labels else 0,
               "released": s.at(keys["released"]) if keys["released"] in labels else 0}
        if row["new"] or row["total"] or row["under"]:
            sc["categories"].append(row)
    sc["checks_missed_share"] = _share(sc.get("checks_missed", 0), sc.get("kp_under_management", 0))
    sc["regions"] = [
        {"name": child.name, "new": s.at("kp_new", code=child.code),
         "under": s.at("kp_under_management", code=child.code),
         "households": s.at("households_visited", code=child.code)}
        for child in s.children] if "kp_new" in labels else []


def _overall(ctx: dict, s: dashboard.Series) -> dict:
    """The opening paragraph's figures: what is under management and isolation, what was found today."""
    sc, iso, cp = ctx.get("screening") or {}, ctx.get("isolation") or {}, ctx.get("checkpoints") or {}
    return {
        "kp_total": sc.get("kp_new_total", 0), "kp_new": sc.get("kp_new", 0),
        "kp_under_management": sc.get("kp_under_management", 0),
        "q_under": iso.get("q_under", 0), "fevers": sc.get("fevers_found", 0) + iso.get("fu_fevers", 0),
        "checkpoints_open": cp.get("checkpoints_open", 0), "turned_back": cp.get("turned_back_persons", 0),
    }


def _trends(s: dashboard.Series, labels: dict) -> list[dict]:
    """Charts of the brief: new key persons and persons under isolation over the last days (when there is data)."""
    found = []
    days = dashboard.TREND_DAYS
    if "kp_new" in labels:
        found.append({"id": "kp", "title": "新增与在管重点人员",
                      "lines": [("新增", s.of("kp_new")[-days:]), ("在管", s.of("kp_under_management")[-days:])]})
    if "q_under_home" in labels and "q_under_centralised" in labels:
        lines = [("居家隔离", s.of("q_under_home")[-days:]), ("集中医学观察", s.of("q_under_centralised")[-days:])]
        found.append({"id": "isolation", "title": "隔离观察人数", "lines": lines})
    return [t for t in found if any(v for _label, values in t["lines"] for v in values)]


def sample(issue_number: int = 1) -> dict:
    """A context with every section filled: what an uploaded template is checked against."""
    day = datetime.date(2020, 2, 3)
    ctx: dict = {"title": TITLE, "issue_number": issue_number, "issuer": "示例县" + HEADQUARTERS_SUFFIX,
                 "date": day_text(day), "day": day.isoformat(), "region": "示例县", "area": "全县",
                 "problems": [{"text": "村卡点夜间值守人员不足。", "where": "示例镇东村、西村", "count": 2,
                               "unit": "个村（社区）", "region": "示例镇东村、西村"}],
                 "next_steps": ["继续做好重点人员排查管控。"], "trends": [], "charts": {}}
    for n, section in enumerate(SECTIONS, start=1):
        data = {"title": section.title, "lines": [f"{k}：{n}" for k in section.figure_keys]}
        for key in section.figure_keys:
            data[key], data[f"{key}_total"] = n, n * 10
        ctx[section.key] = data
    ctx["cases"]["severities"] = [{"label": "轻型", "value": 1}, {"label": "重型", "value": 1}]
    ctx["cases"]["days_without_new_confirmed"], ctx["cases"]["quiet_at_least"] = 0, False
    ctx["screening"]["categories"] = [{"label": "疫区返乡人员", "new": 1, "total": 10, "under": 5, "released": 0}]
    ctx["screening"]["regions"] = [{"name": "示例镇", "new": 1, "under": 5, "households": 3}]
    ctx["screening"]["checks_missed_share"] = 0.1
    ctx["isolation"]["q_under"], ctx["isolation"]["fu_open_share"] = 2, 0.1
    ctx["checkpoints"]["checkpoints_failing"] = 1
    late = {"where": "示例镇东村", "count": 1, "unit": "个村（社区）"}
    ctx["shortfalls"] = {"reports_late": late, "reports_overdue": late, "checks_missed": [{"name": "示例镇", "value": 3}],
                         "followups_overdue": [{"name": "示例镇", "value": 2}], "followups_overdue_total": 2,
                         "checkpoints_failing": 1, "child_unit": "个乡镇（街道）", "any": True}
    ctx["extra_sections"] = [ctx[s.key] for s in SECTIONS if s.key not in WORDED]
    ctx["overall"] = {"kp_total": 10, "kp_new": 1, "kp_under_management": 5, "q_under": 2, "fevers": 1,
                      "checkpoints_open": 3, "turned_back": 4}
    order = ["cases", "overall", *[s.key for s in SECTIONS if s.key in WORDED and s.key != "cases"], "problems",
             "next_steps"]
    ctx["no"] = {key: numeral(i + 1) for i, key in enumerate(order)}
    ctx["sections"] = order
    return ctx
