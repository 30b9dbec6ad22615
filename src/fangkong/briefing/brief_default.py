"""Writes the shipped default Word template of the work brief: `python -m fangkong.briefing.brief_default`.

The generated file, briefing/templates_docx/brief_default.docx, is committed; headquarters staff
download it from the brief page, change the wording in Word and upload it back. Placeholders are
docxtpl's (Jinja): `{{ screening.kp_new }}`, and whole paragraphs `{%p if isolation %}` … `{%p endif %}`
for the sections that are left out when they have no data (see brief_context for every name).

Layout after the county briefs of 2020 and GB/T 9704: a red masthead (报头) "疫情防控工作简报",
the issue number, the issuing headquarters and the date above a red rule, then headings in 黑体 and
body text in 仿宋 四号 with a two-character indent (三号, the size of a 公文, would take a county's brief to
five pages; a brief is read on two or three). Each paragraph is one run, so Word keeps every placeholder
in one piece when the wording around it is edited. The opening paragraphs hold the wording rules (RULES).
"""

import os
from pathlib import Path

if __name__ == "__main__":  # run as a script: the fonts below live in an app module
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    django.setup()

from docx import Document  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Mm, Pt, RGBColor  # noqa: E402

from fangkong.briefing.rendering import DEFAULT_TEMPLATE as PATH  # noqa: E402
from fangkong.core.docx import BODY_FONT, LATIN_FONT, TITLE_FONT, set_fonts  # noqa: E402

HEADING_FONT = "黑体"
BODY_SIZE, LINE = Pt(14), Pt(22)  # 四号, 22 pt exact: 29 lines of 31 characters a page
RED = RGBColor(0xC0, 0x00, 0x00)


def _run(paragraph, text: str, *, font: str = BODY_FONT, size=BODY_SIZE, bold=False, colour=None):
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.name = size, bold, LATIN_FONT
    set_fonts(run._element, font)
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _para(doc, text: str, *, indent=True, align=None, font=BODY_FONT, size=BODY_SIZE, bold=False, colour=None):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = BODY_SIZE * 2  # two characters
    if align is not None:
        p.alignment = align
    _run(p, text, font=font, size=size, bold=bold, colour=colour)
    return p


def _tag(doc, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}): removed when rendered."""
    doc.add_paragraph().add_run(tag)


def _heading(doc, text: str) -> None:
    _para(doc, text, font=HEADING_FONT)


def _red_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    ppr.append(borders)


# The wording rules, at the top of the template where whoever edits it finds them: each judgement the brief
# makes ("不漏一户、不落一人", "均已按规定处置", "总体形势平稳可控") is an {% if %} on one of these names, and
# the thresholds are plain numbers a county may change in Word. The paragraphs are removed when rendered.
RULES = [
    "{#p 用语规则（可修改下列数值）：漏查人数占在管重点人员的比例不超过 max_missed_share、未完成随访占应随访人次的比例"
    "不超过 max_open_followup_share、没有待转送发热门诊的人员、卡点五有齐全、逾期报送和逾期未报的单位合计不超过"
    " max_late_reports 个时，才写不漏一户、均已按规定处置、总体形势平稳可控等语句，否则写明差在哪里。"
    "max_problems 是列出的各地反映问题条数，max_regions 是每项数据问题列出的地区数。当日新增确诊病例超过"
    " max_new_confirmed 例时，不写总体形势平稳可控；连续无新增确诊病例满 min_quiet_days 天时，写明已连续多少天无新增。 #}",
    "{%p set max_missed_share = 0.01 %}",
    "{%p set max_open_followup_share = 0.05 %}",
    "{%p set max_late_reports = 0 %}",
    "{%p set max_problems = 5 %}",
    "{%p set max_regions = 5 %}",
    "{%p set max_new_confirmed = 0 %}",
    "{%p set min_quiet_days = 3 %}",
    "{%p set cases_ok = not cases or cases.cases_new_confirmed <= max_new_confirmed %}",
    "{%p set quiet_days = cases.days_without_new_confirmed if cases else none %}",
    "{%p set checks_ok = not screening or screening.checks_missed_share <= max_missed_share %}",
    "{%p set followups_ok = not isolation or isolation.fu_open_share <= max_open_followup_share %}",
    "{%p set fevers_handled = isolation and not isolation.transfers_open %}",
    "{%p set reports_late = shortfalls.reports_late.count + shortfalls.reports_overdue.count %}",
    "{%p set reports_ok = reports_late <= max_late_reports %}",
    "{%p set stable = screening and checks_ok and followups_ok and (fevers_handled or not isolation) and reports_ok"
    " and not shortfalls.checkpoints_failing and cases_ok %}",
    "{%p set weak = [('漏查' ~ screening.checks_missed ~ '人') if not checks_ok,"
    " ('随访未完成' ~ isolation.fu_open ~ '人次') if not followups_ok,"
    " (isolation.transfers_open ~ '名发热人员待转送发热门诊') if isolation and not fevers_handled,"
    " (reports_late ~ '个单位迟报漏报') if not reports_ok,"
    " (shortfalls.checkpoints_failing ~ '个卡点五有不全') if shortfalls.checkpoints_failing] | select | list %}",
]


def _rules(doc) -> None:
    for line in RULES:
        _tag(doc, line)


def build() -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    set_fonts(normal.element, BODY_FONT)
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    _rules(doc)
    # masthead
    title = _para(doc, "{{ title }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT,
                  size=Pt(36), bold=True, colour=RED)
    title.paragraph_format.line_spacing = Pt(54)
    _para(doc, "第{{ issue_number }}期", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule = _para(doc, "{{ issuer }}　　　　{{ date }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(12))
    _red_rule(rule)
    rule.paragraph_format.space_after = Pt(12)

    _tag(doc, "{%p if cases %}")
    _heading(doc, "{{ no.cases }}、疫情情况")
    _para(doc, "{{ date }}0—24时，{{ area }}{% if cases.cases_new_confirmed %}新增确诊病例{{ cases.cases_new_confirmed }}例"
               "{% if cases.cases_asymptomatic_to_confirmed %}（其中无症状感染者转为确诊病例"
               "{{ cases.cases_asymptomatic_to_confirmed }}例）{% endif %}{% else %}无新增确诊病例"
               "{% if quiet_days is not none and quiet_days >= min_quiet_days %}，已连续{{ quiet_days }}天{% if cases.quiet_at_least %}以上{% endif %}无新增{% endif %}"
               "{% endif %}；新增治愈出院{{ cases.cases_new_discharged }}例，新增死亡{{ cases.cases_new_deaths }}例；"
               "新增疑似病例{{ cases.cases_new_suspected }}例{% if cases.cases_new_excluded %}，排除疑似病例"
               "{{ cases.cases_new_excluded }}例{% endif %}；新增无症状感染者{{ cases.cases_new_asymptomatic }}例；"
               "新增追踪密切接触者{{ cases.contacts_traced }}人，解除医学观察{{ cases.contacts_released }}人。")
    _para(doc, "{{ area }}累计报告确诊病例{{ cases.cases_confirmed_total }}例，现有确诊病例{{ cases.cases_existing_confirmed }}例"
               "{% if cases.severities %}（其中{% for s in cases.severities %}{{ s.label }}{{ s.value }}例"
               "{% if not loop.last %}、{% endif %}{% endfor %}）{% endif %}，累计治愈出院{{ cases.cases_discharged_total }}例，"
               "累计死亡{{ cases.cases_deaths_total }}例；现有疑似病例{{ cases.cases_existing_suspected }}例，疑似病例累计"
               "{{ cases.cases_suspected_total }}例（不含已排除或确诊的）；尚在医学观察的无症状感染者"
               "{{ cases.cases_existing_asymptomatic }}例，累计无症状感染者{{ cases.cases_asymptomatic_total }}例"
               "（不含已转为确诊病例的）。")
    _para(doc, "累计追踪密切接触者{{ cases.contacts_traced_total }}人，尚在医学观察{{ cases.contacts_under_observation }}人，"
               "累计解除医学观察{{ cases.contacts_released_total }}人。")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p if overall %}")
    _heading(doc, "{{ no.overall }}、总体情况")
    _para(doc, "截至{{ date }}24时，{{ area }}累计摸排登记各类重点人员{{ overall.kp_total }}人，当日新增"
               "{{ overall.kp_new }}人，现有在管重点人员{{ overall.kp_under_management }}人；正在隔离观察"
               "{{ overall.q_under }}人；当日发现发热人员{{ overall.fevers }}人{% if overall.fevers and fevers_handled %}"
               "，均已按规定处置{% endif %}。{% if overall.checkpoints_open %}{{ area }}设卡"
               "{{ overall.checkpoints_open }}个，当日劝返{{ overall.turned_back }}人次。{% endif %}"
               "{% if stable %}各项防控措施有序推进，总体形势平稳可控。{% elif weak %}当日{{ weak|join('、') }}，"
               "防控工作仍有薄弱环节，须抓紧整改。{% endif %}")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p if screening %}")
    _heading(doc, "{{ no.screening }}、摸排排查情况")
    _para(doc, "坚持网格化、地毯式摸排{% if checks_ok %}，做到不漏一户、不落一人{% endif %}。当日走访"
               "{{ screening.households_visited }}户，累计走访{{ screening.households_visited_total }}户；当日新增重点人员"
               "{{ screening.kp_new }}人、解除管理{{ screening.kp_released }}人，现在管{{ screening.kp_under_management }}人"
               "{% if screening.categories %}，其中{% for c in screening.categories %}{{ c.label }}{{ c.under }}人"
               "{% if c.new %}（新增{{ c.new }}人）{% endif %}{% if not loop.last %}、{% endif %}{% endfor %}{% endif %}。")
    _tag(doc, "{%p if screening.regions %}")
    _para(doc, "分地区在管：{% for r in screening.regions %}{{ r.name }}{{ r.under }}人{% if r.new %}（新增{{ r.new }}人）"
               "{% endif %}{% if not loop.last %}、{% endif %}{% endfor %}。")
    _tag(doc, "{%p endif %}")
    _para(doc, "{% if checks_ok %}落实“每天一查、每日一报”，{% endif %}当日应查{{ screening.kp_under_management }}人，"
               "已查{{ screening.checks_done }}人次，漏查{{ screening.checks_missed }}人{% if not checks_ok %}，"
               "占在管人员的{{ screening.checks_missed_share|percent }}{% endif %}；发现发热人员"
               "{{ screening.fevers_found }}人{% if screening.fevers_found and fevers_handled %}，均已按规定处置{% endif %}。")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p if isolation %}")
    _heading(doc, "{{ no.isolation }}、隔离观察和健康随访情况")
    _para(doc, "现有隔离观察人员{{ isolation.q_under }}人，其中居家隔离{{ isolation.q_under_home }}人、集中医学观察"
               "{{ isolation.q_under_centralised }}人；当日新增隔离{{ isolation.q_new }}人，解除隔离"
               "{{ isolation.q_released }}人，累计解除隔离{{ isolation.q_released_total }}人。")
    _para(doc, "{% if followups_ok %}落实“一名村干部、一名村医”包保，每日两次随访测温。{% endif %}当日应随访"
               "{{ isolation.fu_due }}人次，已随访{{ isolation.fu_done }}人次，说明原因未随访{{ isolation.fu_excused }}人次，"
               "未完成{{ isolation.fu_open }}人次{% if not followups_ok %}，占应随访的{{ isolation.fu_open_share|percent }}"
               "{% endif %}；随访发现发热{{ isolation.fu_fevers }}人，待转送发热门诊{{ isolation.transfers_open }}人。")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p for chart in charts %}")
    chart = _para(doc, "{{ chart }}", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    chart.paragraph_format.line_spacing = 1.0  # an exact line height would crop the picture to one line
    _tag(doc, "{%p endfor %}")

    _tag(doc, "{%p if checkpoints %}")
    _heading(doc, "{{ no.checkpoints }}、卡点值守和重点场所管控情况")
    _para(doc, "{% if checkpoints.checkpoints_open is defined %}{{ area }}设卡{{ checkpoints.checkpoints_open }}个，"
               "{% if checkpoints.checkpoints_failing %}其中{{ checkpoints.checkpoints_failing }}个“五有”不全。"
               "{% else %}落实“五有”要求，24小时值守。{% endif %}{% endif %}"
               "{% if checkpoints.passage_persons is defined %}当日登记通行{{ checkpoints.passage_persons }}人次"
               "{% if checkpoints.passage_vehicles is defined %}、车辆{{ checkpoints.passage_vehicles }}车次{% endif %}，"
               "{% endif %}{% if checkpoints.turned_back_persons is defined %}劝返{{ checkpoints.turned_back_persons }}人次"
               "{% if checkpoints.turned_back_vehicles is defined %}、{{ checkpoints.turned_back_vehicles }}车次{% endif %}，"
               "{% endif %}{% if checkpoints.passage_fevers is defined %}发现发热{{ checkpoints.passage_fevers }}人，"
               "{% endif %}{% if checkpoints.risk_arrivals is defined %}登记来自疫区人员{{ checkpoints.risk_arrivals }}人。"
               "{% endif %}")
    _para(doc, "{% if checkpoints.places_closed is defined %}关停重点场所{{ checkpoints.places_closed }}个"
               "{% if checkpoints.places_open is defined %}，保留营业{{ checkpoints.places_open }}个{% endif %}；{% endif %}"
               "{% if checkpoints.hygiene_logs is defined %}{% if not checkpoints.places_missing_log %}落实“一日一清洗、"
               "一日一消毒、一日一巡查”，{% endif %}当日记录清洗消毒{{ checkpoints.hygiene_logs }}次"
               "{% if checkpoints.places_missing_log is defined %}，未报记录场所{{ checkpoints.places_missing_log }}个"
               "{% endif %}；{% endif %}"
               "{% if checkpoints.check_ins is defined %}扫码登记{{ checkpoints.check_ins }}人次；{% endif %}"
               "{% if checkpoints.arrival_tasks_open is defined %}已入台账待核实来人{{ checkpoints.arrival_tasks_open }}人"
               "{% if checkpoints.unlisted_open is defined %}，未入台账待排查{{ checkpoints.unlisted_open }}人{% endif %}。"
               "{% endif %}")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p if medical %}")
    _heading(doc, "{{ no.medical }}、医疗救治情况")
    _para(doc, "{% for line in medical.lines %}{{ line }}{% if not loop.last %}；{% endif %}{% endfor %}。")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if supplies %}")
    _heading(doc, "{{ no.supplies }}、物资保障情况")
    _para(doc, "{% for line in supplies.lines %}{{ line }}{% if not loop.last %}；{% endif %}{% endfor %}。")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if supervision %}")
    _heading(doc, "{{ no.supervision }}、督查问责情况")
    _para(doc, "{% if supervision.inspections is defined %}累计开展监督检查{{ supervision.inspections_total }}人次，"
               "{% endif %}{% if supervision.problems_rectified is defined %}督促整改问题"
               "{{ supervision.problems_rectified_total }}个，{% endif %}{% if supervision.cadres_accountable is defined %}"
               "问责党员干部{{ supervision.cadres_accountable_total }}人，{% endif %}以严明的纪律保障各项防控措施落实落地。")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if publicity %}")
    _heading(doc, "{{ no.publicity }}、宣传引导情况")
    _para(doc, "{% for line in publicity.lines %}{{ line }}{% if not loop.last %}；{% endif %}{% endfor %}。")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if extra_sections %}")
    _heading(doc, "{{ no.extra }}、其他工作情况")
    _tag(doc, "{%p for sec in extra_sections %}")
    _para(doc, "（{{ loop.index }}）{{ sec.title }}：{% for line in sec.lines %}{{ line }}"
               "{% if not loop.last %}；{% endif %}{% endfor %}。")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p if problems or shortfalls.any %}")
    _heading(doc, "{{ no.problems }}、存在的问题")
    _tag(doc, "{%p for p in problems[:max_problems] %}")
    _para(doc, "{{ loop.index }}.{{ p.where }}{% if p.count > 1 %}等{{ p.count }}{{ p.unit }}{% endif %}反映："
               "{{ p.text }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if problems|length > max_problems %}")
    _para(doc, "另有{{ problems|length - max_problems }}个问题，详见各地每日一报。")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if reports_late %}")
    _para(doc, "每日一报：{% for key, what in [('reports_overdue', '逾期未报'), ('reports_late', '逾期报送')] %}"
               "{% set r = shortfalls[key] %}{% if r.count %}{{ r.where }}{% if r.count > 1 %}等{{ r.count }}{{ r.unit }}"
               "{% endif %}{{ what }}{% if key == 'reports_overdue' and shortfalls.reports_late.count %}；{% endif %}"
               "{% endif %}{% endfor %}。")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if shortfalls.checks_missed %}")
    _para(doc, "每天一查：当日漏查{{ screening.checks_missed }}人，其中{% for r in shortfalls.checks_missed[:max_regions] %}"
               "{{ r.name }}{{ r.value }}人{% if not loop.last %}、{% endif %}{% endfor %}"
               "{% if shortfalls.checks_missed|length > max_regions %}等{{ shortfalls.checks_missed|length }}"
               "{{ shortfalls.child_unit }}{% endif %}。")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if shortfalls.followups_overdue %}")
    _para(doc, "健康随访：逾期未随访{{ shortfalls.followups_overdue_total }}人次，其中"
               "{% for r in shortfalls.followups_overdue[:max_regions] %}{{ r.name }}{{ r.value }}人次"
               "{% if not loop.last %}、{% endif %}{% endfor %}{% if shortfalls.followups_overdue|length > max_regions %}"
               "等{{ shortfalls.followups_overdue|length }}{{ shortfalls.child_unit }}{% endif %}。")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if shortfalls.checkpoints_failing %}")
    _para(doc, "卡点值守：{{ shortfalls.checkpoints_failing }}个卡点“五有”不全。")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endif %}")

    _tag(doc, "{%p if next_steps %}")
    _heading(doc, "{{ no.next_steps }}、下步工作")
    _tag(doc, "{%p for line in next_steps %}")
    _para(doc, "{{ line }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")

    end = _para(doc, "（{{ issuer }}办公室　{{ date }}印发）", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, size=Pt(12))
    end.paragraph_format.space_before = Pt(12)
    _red_rule(end)
    return doc


def write(path: Path = PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = build()
    doc.core_properties.title, doc.core_properties.author = "疫情防控工作简报（默认模板）", "Fangkong"
    doc.save(path)
    return path


if __name__ == "__main__":
    print(write())
