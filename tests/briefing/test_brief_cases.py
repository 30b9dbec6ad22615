"""The brief's first section, the epidemic situation (疫情情况): ahead of the work sections, every headline figure
of the roll-up stated as the counters have it, worded by the template's rules, and nothing about anyone."""

import datetime

import pytest
from django.utils import timezone

from fangkong.accounts.models import Role, User
from fangkong.analytics import counters
from fangkong.briefing import brief_context, dashboard, rendering, services
from fangkong.people.models import Person
from tests import factories as f
from tests.analytics import ledger
from tests.tracing import outbreak

from . import case_county
from .documents import docx_paragraphs, docx_text

# how the shipped template states each headline figure ({} is the figure's value)
PHRASES = {
    "cases_new_confirmed": "新增确诊病例{}例",
    "cases_confirmed_total": "累计报告确诊病例{}例",
    "cases_existing_confirmed": "现有确诊病例{}例",
    "cases_existing_mild": "其中轻型{}例",
    "cases_existing_moderate": "、普通型{}例",
    "cases_existing_severe": "、重型{}例",
    "cases_existing_critical": "、危重型{}例",
    "cases_new_suspected": "新增疑似病例{}例",
    "cases_suspected_total": "疑似病例累计{}例",
    "cases_existing_suspected": "现有疑似病例{}例",
    "cases_new_asymptomatic": "新增无症状感染者{}例",
    "cases_asymptomatic_total": "累计无症状感染者{}例",
    "cases_existing_asymptomatic": "尚在医学观察的无症状感染者{}例",
    "cases_new_discharged": "新增治愈出院{}例",
    "cases_discharged_total": "累计治愈出院{}例",
    "cases_new_deaths": "新增死亡{}例",
    "cases_deaths_total": "累计死亡{}例",
    "contacts_traced": "新增追踪密切接触者{}人",
    "contacts_traced_total": "累计追踪密切接触者{}人",
    "contacts_under_observation": "尚在医学观察{}人",
    "contacts_released": "，解除医学观察{}人",
    "contacts_released_total": "累计解除医学观察{}人",
}


def hq():
    return User.objects.filter(username="hq").first() or f.user("hq", Role.HQ_ADMIN, f.COUNTY)


@pytest.fixture
def county(tree):
    return case_county.outbreak_county()


def _section(content: bytes) -> list[str]:
    """The paragraphs of the 疫情情况 section."""
    lines = docx_paragraphs(content)
    start = lines.index("一、疫情情况")
    # up to the next section, or to the issuing line when it is the only one (a day just begun has no work yet)
    end = next(n for n, line in enumerate(lines) if n > start and (line.startswith("二、") or line.startswith("（")))
    return lines[start + 1:end]


def test_the_headlines_are_the_dashboards_and_each_has_its_wording():
    assert set(brief_context.CASE_HEADLINES) == {key for _id, _title, keys in dashboard.CASE_GROUPS
                                                for key, _label in keys}
    assert set(PHRASES) == set(brief_context.CASE_HEADLINES)


def test_the_situation_comes_first_ahead_of_the_work_sections(county, login):
    counters.track_change(new=[(f.VILLAGE_A1, county, "households_visited", 3)])
    ctx = brief_context.build(hq(), f.COUNTY, county, issue_number=1)
    assert ctx["sections"][:3] == ["cases", "overall", "screening"]
    assert (ctx["no"]["cases"], ctx["no"]["overall"]) == ("一", "二")
    assert ctx["cases"]["severities"] == [{"label": "轻型", "value": 1}, {"label": "普通型", "value": 1},
                                          {"label": "重型", "value": 1}, {"label": "危重型", "value": 1}]
    content, _name = services.generate_brief(hq(), f.COUNTY, county)
    lines = docx_paragraphs(content)
    assert lines.index("一、疫情情况") < lines.index("二、总体情况") < lines.index("三、摸排排查情况")
    html = login(hq()).get("/reports/brief/", {"region": f.COUNTY, "date": county.isoformat()}).content.decode()
    assert html.index("一、疫情情况") < html.index("二、总体情况")


def test_every_headline_figure_is_stated_as_the_roll_up_has_it(county):
    user = hq()
    s = dashboard.series(user, f.COUNTY, county, days=1)
    figures = {key: s.at(key) for key in brief_context.CASE_HEADLINES}
    assert figures == case_county.TODAY and all(figures.values())
    text = "\n".join(_section(services.generate_brief(user, f.COUNTY, county)[0]))
    missing = {key: PHRASES[key].format(value) for key, value in figures.items()
               if PHRASES[key].format(value) not in text}
    assert missing == {}, text
    assert "（其中无症状感染者转为确诊病例1例）" in text
    assert "排除疑似病例1例" in text
    assert text.startswith(f"{county.year}年{county.month}月{county.day}日0—24时，全县新增确诊病例2例")


def test_the_brief_names_nobody(county):
    content, _name = services.generate_brief(hq(), f.COUNTY, county)
    text = docx_text(content)
    for person in Person.objects.filter(cases__isnull=False).distinct():
        for value in (person.name, person.id_number, person.phone, person.address, person.workplace):
            assert not value or value not in text, value
    assert all(name not in text for name in case_county.NAMES)


def test_a_county_without_cases_has_no_situation_even_with_contacts_under_observation(tree):
    worker = f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1)
    ledger.key_person(worker, 1, f.VILLAGE_A1, category="close_contact", day=timezone.localdate())
    counters.track_change(new=[(f.VILLAGE_A1, timezone.localdate(), "households_visited", 1)])
    ctx = brief_context.build(hq(), f.COUNTY, timezone.localdate(), issue_number=1)
    assert ctx["cases"] is None and ctx["sections"][0] == "overall"


def _quiet_county(days_ago: int) -> datetime.date:
    today = timezone.localdate()
    outbreak.counted(outbreak.case(reported_at=outbreak.at(today - datetime.timedelta(days=days_ago))))
    return today


@pytest.mark.parametrize(("days_ago", "wording"), [
    (4, "无新增确诊病例，已连续4天无新增；"),
    (2, "无新增确诊病例；"),  # fewer quiet days than the template's min_quiet_days (3)
    (20, "无新增确诊病例，已连续15天以上无新增；"),  # longer ago than the days the brief reads
])
def test_quiet_days_are_worded_from_the_templates_threshold(tree, days_ago, wording):
    today = _quiet_county(days_ago)
    text = "\n".join(_section(services.generate_brief(hq(), f.COUNTY, today)[0]))
    assert wording in text and "累计报告确诊病例1例" in text


def _stable_context(new_confirmed: int) -> dict:
    """The sample context with every work figure within the template's thresholds."""
    ctx = brief_context.sample()
    none = {"where": "", "count": 0, "unit": ""}
    ctx["shortfalls"] = {"reports_late": none, "reports_overdue": none, "checks_missed": [], "followups_overdue": [],
                         "followups_overdue_total": 0, "checkpoints_failing": 0, "child_unit": "", "any": False}
    ctx["screening"]["checks_missed_share"] = ctx["isolation"]["fu_open_share"] = 0
    ctx["isolation"]["transfers_open"] = 0
    ctx["cases"]["cases_new_confirmed"] = new_confirmed
    return ctx


def test_a_day_with_new_confirmed_cases_is_not_called_stable():
    template = rendering.DEFAULT_TEMPLATE.read_bytes()
    assert "总体形势平稳可控" in docx_text(rendering.render(template, _stable_context(0), with_charts=False))
    assert "总体形势平稳可控" not in docx_text(rendering.render(template, _stable_context(2), with_charts=False))
