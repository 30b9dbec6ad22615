"""Reads of the headquarters dashboard (指挥部看板) and of the brief's figures: counters only, never scans.

Everything comes from `analytics.counters` through the figures declared in `analytics.figures`:
a region with its children, the day counters of the last `TREND_DAYS` days and the running sums
before them, so the number of queries is the same whatever the number of persons, checks or
passages. A figure that no app has registered yet is simply absent (its tile, chart line or alert
is left out), so the dashboard grows as the checkpoint, medical or supply apps add their figures.
Two figures of today are counted live instead, because today's counters cannot know them yet:
checkpoints failing their five-haves, and overdue follow-ups per region (a slot due this morning is
overdue by noon); each is one bounded query over what is open now, not over the history.

The epidemic situation (疫情情况: cases and contacts, tracing.rollup's figures) comes first, in groups; each of
its figures links to the cases, contacts or ledger entries it counts (tracing's counted page).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from fangkong.analytics import counters
from fangkong.analytics import selectors as analytics_selectors
from fangkong.analytics.figures import FIGURES, Figure, metrics_needed
from fangkong.checkpoints.models import Checkpoint, CheckpointStatus
from fangkong.core import links, region_codes
from fangkong.core.region_codes import within
from fangkong.quarantine import selectors as quarantine_selectors
from fangkong.regions.models import Region
from fangkong.reports import selectors as chain_selectors
from fangkong.screening.models import Category
from fangkong.tracing import permissions as tracing_permissions
from fangkong.tracing.selectors import counted as tracing_counted

TREND_DAYS = 14
# days before the dashboard's day whose open follow-ups count as overdue (fu_open of a past day)
OVERDUE_DAYS = 14
# the days of figures the dashboard and the brief read: the trend, and the overdue days before the day
SERIES_DAYS = max(TREND_DAYS, OVERDUE_DAYS + 1)


def registered() -> dict[str, Figure]:
    return {f.key: f for f in FIGURES}


# Series: figure values over a run of days ----------------------------------------------------------

@dataclass
class Series:
    """Each figure's value on each day, for one region and its children (from the counters)."""

    region: Region
    children: list[Region]
    days: list[datetime.date]
    figures: list[Figure]
    values: dict[str, list[dict[str, int]]]  # region code → one {figure key: value} per day

    def of(self, key: str, code: str | None = None) -> list[int]:
        rows = self.values[code or self.region.code]
        return [row.get(key, 0) for row in rows]

    def at(self, key: str, day: datetime.date | None = None, code: str | None = None) -> int:
        index = -1 if day is None else self.days.index(day)
        return self.values[code or self.region.code][index].get(key, 0)


def series(user, region_code: str, day: datetime.date, days: int = TREND_DAYS,
           child_keys: set[str] | frozenset = frozenset()) -> Series:
    """Every registered figure for `days` days ending on `day` for the region, and the figures `child_keys`
    for each child region (a derived one needs the figures it is computed from among `child_keys`).

    At most five queries whatever the data size: the region with its children; for the region, the day
    counters of the run and the running sums up to the day before it (the stocks' starting point); the
    same two for the children, restricted to the metrics of `child_keys`.
    """
    region, children = analytics_selectors.region_and_children(user, region_code)
    figures = list(FIGURES)
    run = [day - datetime.timedelta(days=n) for n in range(days - 1, -1, -1)]
    values = _values_over(figures, run, [region.code])
    child_figures = [f for f in figures if f.key in child_keys]
    if child_figures and children:
        values.update(_values_over(child_figures, run, [c.code for c in children]))
    for child in children:
        values.setdefault(child.code, [{} for _d in run])
    return Series(region=region, children=children, days=run, figures=figures, values=values)


def _values_over(figures: list[Figure], run: list[datetime.date], codes: list[str]) -> dict[str, list[dict]]:
    """{region code: one {figure key: value} per day of the run}, in two queries."""
    day_metrics, running_metrics = metrics_needed(figures)
    on_days = counters.day_values(codes, run, day_metrics)
    before = run[0] - datetime.timedelta(days=1)
    running = counters.running_totals(codes, before, running_metrics) if running_metrics else {}
    return {code: _run_values(figures, run, code, on_days, running.get(code, _EMPTY), running_metrics)
            for code in codes}


_EMPTY: Counter = Counter()


def _run_values(figures: list[Figure], run: list[datetime.date], code: str, on_days, start: Counter,
                running_metrics: set[str]) -> list[dict[str, int]]:
    """One {figure key: value} per day; stocks carried from the running sums before the run."""
    total = Counter(start)
    rows = []
    for d in run:
        today = on_days.get((code, d), _EMPTY)
        for metric in running_metrics:
            total[metric] += today[metric]
        rows.append(analytics_selectors.figure_values(figures, today, total))
    return rows


# Links to the lists behind the figures -----------------------------------------------------------

def url(name: str, **params) -> str:
    """The page `name` with these query parameters, or "" when that page does not exist (yet)."""
    try:
        base = reverse(name)
    except NoReverseMatch:
        return ""
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base}?{urlencode(params)}" if params else base


def _daily(code, day):
    return url("analytics:daily", region=code, date=day.isoformat())


def shown_to(user, href: str) -> str:
    """The link, or "" when the user may not open its page (core.links: the rule of the list's own app; a
    figure is shown to everyone who reads the dashboard, its list only to those its app lets read it). A page
    whose app registers no rule keeps its link (the daily table; the epidemic's lists, whose tiles ask
    tracing's rule themselves)."""
    if not href:
        return ""
    name = resolve(urlsplit(href).path).view_name
    return "" if links.is_registered(name) and not links.may_open(user, name) else href


# figures of passages → the filter of the day's passage list that holds exactly what they count
PASSAGE_KINDS = {"passage_persons": "", "passage_fevers": "fever", "turned_back_persons": "turned_back",
                 "risk_arrivals": "risk"}


# stocks of orders and tasks → the kind their list is filtered to
QUARANTINE_KINDS = {"q_under_home": "home", "q_under_centralised": "centralised"}
TASK_KINDS = {"arrival_tasks_open": "arrival", "unlisted_open": "unlisted"}


def link_for(key: str, code: str, day: datetime.date) -> str:
    """The list behind a figure: the ledger, the overdue list, the transfers, the checkpoint pages …; stocks of the
    roll-up link to the rows open or under way at the end of the same day, in the same region."""
    if key in tracing_counted.figures():  # cases and contacts: the rows the figure counts, that day or up to it
        return url("tracing:counted", figure=key, region=code, date=day.isoformat()) or _daily(code, day)
    if key.startswith(("kp_under_management", "kp_new", "kp_released")):
        category = next((value for value in Category.values if key.endswith("_" + value)), "")
        under = day.isoformat() if key.startswith("kp_under_management") else ""  # under management that day
        registered = day.isoformat() if key.startswith("kp_new") else ""
        return url("screening:key_persons", region=code, category=category, under=under, registered=registered)
    if key == "checks_missed":  # under management that day without a check
        return url("screening:today", region=code, day=day.isoformat(), pending="1") or _daily(code, day)
    if key == "fu_fevers":  # the day's follow-ups that found a fever
        return url("quarantine:fevers", region=code, date=day.isoformat()) or _daily(code, day)
    if key in ("fu_open",):
        return url("quarantine:overdue", region=code)
    if key in ("transfers_open",):  # open at the end of the day
        return url("quarantine:transfers", region=code, open_on=day.isoformat())
    if key in QUARANTINE_KINDS:
        return url("quarantine:orders", region=code, kind=QUARANTINE_KINDS[key], active_on=day.isoformat())
    if key.startswith("q_"):
        return url("quarantine:orders", region=code)
    if key == "checkpoints_failing":
        return url("checkpoints:failing", region=code)
    if key == "fevers_found":  # the day's checks with a fever, by any register (core.health.fever_found)
        return url("screening:today", region=code, day=day.isoformat(), fever="1") or _daily(code, day)
    if key in PASSAGE_KINDS:
        return url("checkpoints:passages", region=code, date=day.isoformat(), kind=PASSAGE_KINDS[key]) \
            or _daily(code, day)
    if key == "checkpoints_open":  # running at the end of the day
        return url("checkpoints:list", region=code, open_on=day.isoformat()) or _daily(code, day)
    if key.startswith(("checkpoints_", "passage_", "turned_back_", "risk_arrivals")):
        return url("checkpoints:list", region=code, status="open") or _daily(code, day)
    if key == "places_missing_log":
        return url("places:hygiene_compliance", region=code, date=day.isoformat()) or _daily(code, day)
    if key == "places_closed":  # closed at the end of the day
        return url("places:list", region=code, closed_on=day.isoformat()) or _daily(code, day)
    if key.startswith(("places_", "hygiene_", "check_ins")):
        return url("places:list", region=code) or _daily(code, day)
    if key in TASK_KINDS:
        return url("screening:arrival_tasks", region=code, kind=TASK_KINDS[key], open_on=day.isoformat()) \
            or _daily(code, day)
    return _daily(code, day)


# The dashboard -----------------------------------------------------------------------------------

# (key, label) of the tiles, in order; those not registered are left out
KEY_FIGURES = [
    ("kp_under_management", _("在管重点人员")),
    ("kp_new", _("今日新增重点人员")),
    ("q_under_home", _("居家隔离")),
    ("q_under_centralised", _("集中医学观察")),
    ("fevers_found", _("摸排发现发热")),
    ("fu_fevers", _("随访发现发热")),
    ("checks_missed", _("今日漏查")),
    ("checkpoints_open", _("在岗卡点")),
    ("passage_persons", _("卡点通行人次")),
    ("turned_back_persons", _("劝返人次")),
    ("places_closed", _("关停场所")),
    ("unlisted_open", _("未入台账待排查")),
]

# the epidemic situation (疫情情况), the dashboard's first section: (id, title, [(key, label)]) in groups; a figure
# not registered is left out, a group without figures too
CASE_GROUPS = [
    ("confirmed", _("确诊病例"), [
        ("cases_new_confirmed", _("新增确诊")), ("cases_confirmed_total", _("累计确诊")),
        ("cases_existing_confirmed", _("现有确诊")), ("cases_existing_mild", _("现有轻型")),
        ("cases_existing_moderate", _("现有普通型")), ("cases_existing_severe", _("现有重型")),
        ("cases_existing_critical", _("现有危重型"))]),
    ("suspected", _("疑似病例"), [
        ("cases_new_suspected", _("新增疑似")), ("cases_suspected_total", _("累计疑似")),
        ("cases_existing_suspected", _("现有疑似"))]),
    ("asymptomatic", _("无症状感染者"), [
        ("cases_new_asymptomatic", _("新增无症状感染者")), ("cases_asymptomatic_total", _("累计无症状感染者")),
        ("cases_existing_asymptomatic", _("尚在医学观察无症状感染者"))]),
    ("outcomes", _("治愈出院和死亡"), [
        ("cases_new_discharged", _("新增治愈出院")), ("cases_discharged_total", _("累计治愈出院")),
        ("cases_new_deaths", _("新增死亡")), ("cases_deaths_total", _("累计死亡"))]),
    ("contacts", _("密切接触者"), [
        ("contacts_traced", _("新增追踪密接")), ("contacts_traced_total", _("累计追踪密接")),
        ("contacts_under_observation", _("尚在医学观察密接")), ("contacts_released", _("今日解除医学观察")),
        ("contacts_released_total", _("累计解除医学观察"))]),
]

# charts: (id, title, [(key, label)]); a line whose figure is not registered is left out, a chart without lines too
TRENDS = [
    ("kp_new", _("新增重点人员（按类别）"),
     [(f"kp_new_{value}", label) for value, label in Category.choices]),
    ("isolation", _("隔离观察人数"),
     [("q_under_home", _("居家隔离")), ("q_under_centralised", _("集中医学观察"))]),
    ("fevers", _("发现发热"), [("fevers_found", _("摸排发现")), ("fu_fevers", _("随访发现")),
                           ("passage_fevers", _("卡点发现"))]),
    ("traffic", _("卡点通行"), [("passage_persons", _("人次")), ("passage_vehicles", _("车次"))]),
    ("turned_back", _("劝返"), [("turned_back_persons", _("人次")), ("turned_back_vehicles", _("车次"))]),
]

# alerts: (key, label); shown when registered and non-zero on the day
ALERTS = [
    ("fu_fevers", _("随访发现发热")),
    ("transfers_open", _("待转送发热门诊")),
    ("unlisted_open", _("未入台账的来人待排查")),
    ("arrival_tasks_open", _("已入台账的来人待核实")),
    ("passage_fevers", _("卡点发现发热")),
    ("places_missing_log", _("重点场所未报清洗消毒记录")),
]


@dataclass
class Tile:
    key: str
    label: str
    value: int
    change: int
    url: str


@dataclass
class TileGroup:
    id: str
    title: str
    tiles: list[Tile]


@dataclass
class Trend:
    id: str
    title: str
    lines: list[tuple[str, list[int]]]  # (label, one value per day)
    url: str = ""  # the list behind the chart: the dashboard's day
    day_urls: list[str] = field(default_factory=list)  # the list behind each day of the chart


@dataclass
class RegionRow:
    region: Region
    overdue: int  # open follow-ups past their time: live today (as the overdue list counts), else the counters
    late: int = 0  # reports of its subtree submitted late or overdue (from the report chain)
    missing: int = 0  # … not submitted yet, before the deadline
    overdue_url: str = ""
    chain_url: str = ""


@dataclass
class Dashboard:
    region: Region
    day: datetime.date
    tiles: list[Tile]
    trends: list[Trend]
    days: list[datetime.date]
    regions: list[RegionRow]
    alerts: list[Tile]
    chain: object = None  # the report chain's status (None for roles that do not read it)
    late: list = field(default_factory=list)  # the chain's late regions
    cases: list[TileGroup] = field(default_factory=list)  # the epidemic situation, in groups (CASE_GROUPS)


def dashboard(user, region_code: str, day: datetime.date, *, now: datetime.datetime | None = None) -> Dashboard:
    """The dashboard of a region on a day: a constant number of queries (counters and the chain status, and
    today two counts of what is open now). `now`: the moment "today" and "overdue" are measured at."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # one more day than the trend: the open follow-ups of the OVERDUE_DAYS days before `day`
    s = series(user, region_code, day, days=SERIES_DAYS, child_keys={"fu_open"})
    known = registered()
    code = s.region.code
    yesterday = day - datetime.timedelta(days=1)
    def tile(key, label, linked: bool = True) -> Tile:
        return Tile(key, str(label), s.at(key), s.at(key) - s.at(key, yesterday),
                    shown_to(user, link_for(key, code, day)) if linked else "")

    tiles = [tile(key, label) for key, label in KEY_FIGURES if key in known]
    # the counts are for everyone who reads the dashboard; the cases behind them for those who read cases
    lists_cases = tracing_permissions.can_view_cases(user)
    cases = [TileGroup(group_id, str(title), found) for group_id, title, keys in CASE_GROUPS
             if (found := [tile(key, label, lists_cases) for key, label in keys if key in known])]
    trend_days = s.days[-TREND_DAYS:]
    trends = []
    for trend_id, title, lines in TRENDS:
        drawn = [(str(label), s.of(key)[-TREND_DAYS:]) for key, label in lines if key in known]
        if trend_id == "kp_new":  # eight categories: only those with new persons in the period
            drawn = [line for line in drawn if any(line[1])]
        if drawn:
            behind = "kp_new" if trend_id == "kp_new" else next(key for key, _label in lines if key in known)
            trends.append(Trend(trend_id, str(title), drawn, shown_to(user, link_for(behind, code, day)),
                                [shown_to(user, link_for(behind, code, d)) for d in trend_days]))
    alerts = [Tile(key, str(label), s.at(key), s.at(key) - s.at(key, yesterday),
                   shown_to(user, link_for(key, code, day)))
              for key, label in ALERTS if key in known and s.at(key)]
    failing = failing_checkpoints(code) if day == today else 0
    if failing:
        alerts.append(Tile("checkpoints_failing", str(_("卡点“五有”不全")), failing, 0,
                           shown_to(user, link_for("checkpoints_failing", code, day))))
    rows, chain = attention(user, s, day, now)
    rows = [r for r in rows if r.overdue or r.late or r.missing]
    return Dashboard(region=s.region, day=day, tiles=tiles, trends=trends, days=trend_days, regions=rows,
                     alerts=alerts, chain=chain, late=late_regions(chain), cases=cases)


def attention(user, s: Series, day: datetime.date, now: datetime.datetime) -> tuple[list[RegionRow], object]:
    """Each child region of the series with its overdue follow-ups (live today, from the counters for a past
    day) and its subtree's late and missing reports; and the report chain's status (None for roles that do
    not read it). Read by the dashboard and the brief; `s` holds `fu_open` for the children."""
    code = s.region.code
    live = _overdue_now(user, code, now) if day == timezone.localdate(now) else None
    rows = _region_rows(user, s, day, registered(), live=live)
    chain = _chain_status(user, code, day, now)
    if chain is not None:
        _add_lateness(rows, chain)
    return rows, chain


def failing_checkpoints(region_code: str) -> int:
    """Open checkpoints of the region whose latest five-haves inspection failed (now; a region has dozens of
    checkpoints, not millions: one indexed count)."""
    return Checkpoint.objects.filter(within(region_code), status=CheckpointStatus.OPEN, five_haves_ok=False).count()


def _overdue_now(user, region_code: str, now: datetime.datetime) -> dict[str, int] | None:
    """Overdue follow-ups now per child region, counted as the overdue list behind the figure counts them
    (open slots past their time and grace period, whichever day they were due, this morning's included):
    one grouped count over the open-slot index, bounded by the open slots, not the history. None when the
    user does not read follow-ups (the counters answer instead)."""
    try:
        rows = quarantine_selectors.due_by_region(user, region=region_code, now=now)
    except PermissionDenied:
        return None
    return {row.region.code: row.overdue for row in rows if row.region is not None}


def _region_rows(user, s: Series, day: datetime.date, known, live: dict[str, int] | None) -> list[RegionRow]:
    """Per child region: overdue follow-ups (`live` today; for a past day the open slots of the days before
    it, from the counters) and the links behind them."""
    rows = []
    for child in s.children:
        if live is not None:
            overdue = live.get(child.code, 0)
        else:
            overdue = sum(s.of("fu_open", child.code)[-OVERDUE_DAYS - 1:-1]) if "fu_open" in known else 0
        # a past day: the slots due in the days before it, still open (those it counts)
        due = {} if live is not None else {"due_from": (day - datetime.timedelta(days=OVERDUE_DAYS)).isoformat(),
                                            "due_to": (day - datetime.timedelta(days=1)).isoformat()}
        rows.append(RegionRow(child, overdue, overdue_url=shown_to(user, url("quarantine:overdue", region=child.code,
                                                                              **due)),
                              chain_url=shown_to(user, url("reports:chain", region=child.code, date=day.isoformat()))))
    return rows


def _chain_status(user, code: str, day: datetime.date, now: datetime.datetime):
    """The report chain's per-level status (`reports.selectors.chain_status`), or None when the user's role does
    not read the chain."""
    try:
        return chain_selectors.chain_status(user, code, day, now)
    except PermissionDenied:
        return None


def _add_lateness(rows: list[RegionRow], chain) -> None:
    """Late (submitted late, or past the deadline and not submitted) and missing reports, per child region."""
    if not rows:
        return
    length = len(region_codes.prefix_of(rows[0].region.code))  # children share one level
    by_prefix = {region_codes.prefix_of(row.region.code): row for row in rows}
    for level in getattr(chain, "levels", []):
        for entry in level.rows:
            target = by_prefix.get(entry.region.code[:length])
            if target is None:
                continue
            if entry.late:
                target.late += 1
            elif not entry.submitted:
                target.missing += 1


def late_regions(chain, limit: int = 30) -> list:
    """The regions whose report is late (submitted late or overdue), lowest level last, at most `limit`."""
    found = []
    for level in getattr(chain, "levels", []):
        found.extend(level.late_rows)
    return found[:limit]
