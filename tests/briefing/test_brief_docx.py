"""The brief as a Word document: every stated figure is the known one; empty sections left out;
issue numbers; the uploaded template honoured, a broken one refused; audited like an export."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from docx import Document

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.briefing import rendering, services
from fangkong.briefing.models import Brief, BriefTemplate
from fangkong.reports.models import ReportSettings
from tests import factories as f

from .documents import docx_paragraphs, docx_text
from .known_county import BEFORE, DAY, add, hq, known_county


def _paragraph(content: bytes, starts: str) -> str:
    return next(p for p in docx_paragraphs(content) if p.startswith(starts))


def test_every_stated_figure_equals_the_known_figure(tree):
    actor = hq()
    k = known_county(actor)
    content, filename = services.generate_brief(actor, f.COUNTY, DAY)
    assert filename == "孝昌县-工作简报-第1期-20200203.docx"
    lines = docx_paragraphs(content)
    assert lines[0] == "疫情防控工作简报" and lines[1] == "第1期"
    assert lines[2].startswith("孝昌县新型冠状病毒肺炎疫情防控指挥部") and lines[2].endswith("2020年2月3日")
    overall = _paragraph(content, "截至2020年2月3日24时")
    assert (f"累计摸排登记各类重点人员{k['kp_total']}人，当日新增{k['kp_new']}人，现有在管重点人员{k['kp_under']}人；"
            f"正在隔离观察{k['q_under']}人；当日发现发热人员{k['fevers_found'] + k['fu_fevers']}人") in overall
    screening = _paragraph(content, "坚持网格化")
    assert f"当日走访{k['households']}户，累计走访{k['households']}户" in screening
    assert (f"当日新增重点人员{k['kp_new']}人、解除管理{k['kp_released']}人，现在管{k['kp_under']}人，"
            "其中疫区返乡人员3人（新增3人）、发热咳嗽人员2人（新增2人）、密切接触者0人。") in screening
    by_region = _paragraph(content, "分地区在管：")
    assert by_region == (f"分地区在管：花园镇{k['town_a_under']}人（新增{k['town_a_new']}人）、"
                         f"丰山镇{k['town_b_under']}人（新增{k['town_b_new']}人）。")
    checks = _paragraph(content, "当日应查")
    assert (f"当日应查{k['kp_under']}人，已查{k['checks']}人次，漏查{k['kp_under'] - k['checks']}人，占在管人员的60.0%；"
            f"发现发热人员{k['fevers_found']}人，均已按规定处置。") == checks
    isolation = _paragraph(content, "现有隔离观察人员")
    assert (f"现有隔离观察人员{k['q_under']}人，其中居家隔离{k['q_home']}人、集中医学观察{k['q_centralised']}人；"
            "当日新增隔离0人") in isolation
    follow = _paragraph(content, "当日应随访")
    assert (f"当日应随访{k['fu_due']}人次，已随访{k['fu_done']}人次，说明原因未随访0人次，未完成{k['fu_open']}人次，"
            f"占应随访的16.7%；随访发现发热{k['fu_fevers']}人") in follow
    # every number written in the sections is one of the known figures (nothing typed by hand), or the
    # number of regions whose report is not in (no report was submitted that day)
    stated = {int(n) for line in lines[3:] for n in re.findall(r"(?<![年月\d])(\d+)(?=人|户|个)", line)}
    assert stated <= {0, *k.values(), 6}


def test_sections_without_data_are_left_out(tree):
    actor = hq()
    add(f.VILLAGE_A1, "households_visited", 3)
    text = docx_text(services.generate_brief(actor, f.COUNTY, DAY)[0])
    assert "一、总体情况" in text and "二、摸排排查情况" in text and "当日走访3户" in text
    for heading in ("隔离观察和健康随访", "卡点值守", "医疗救治", "物资保障", "督查问责", "宣传引导", "下步工作"):
        assert heading not in text
    # no report was submitted that day: the one problem, from the report chain's data
    assert text.endswith("三、存在的问题\n每日一报：孝昌县，花园镇及东岳村、桃园村等6个单位逾期未报。\n"
                         "（孝昌县新型冠状病毒肺炎疫情防控指挥部办公室　2020年2月3日印发）")
    assert "{{" not in text and "{%" not in text and "{#" not in text


def test_next_steps_and_problems_are_written(tree):
    actor = hq()
    add(f.VILLAGE_A1, "households_visited", 3)
    services.save_next_steps(actor, f.COUNTY, DAY, "一是继续严格卡点管控。\n\n二是做好群众生活保障。")
    from fangkong.reports.models import DailyReport, ReportStatus
    DailyReport.objects.create(region_id=f.TOWN_A, day=DAY, status=ReportStatus.SUBMITTED,
                               situation="桃园村卡点夜间值守人员不足。")
    DailyReport.objects.create(region_id=f.TOWN_B, day=DAY, status=ReportStatus.DRAFT, situation="草稿不写入")
    text = docx_text(services.generate_brief(actor, f.COUNTY, DAY)[0])
    assert ("三、存在的问题\n1.花园镇反映：桃园村卡点夜间值守人员不足。\n"
            "每日一报：孝昌县，花园镇东岳村、桃园村，丰山镇等5个单位逾期未报。\n"
            "四、下步工作\n一是继续严格卡点管控。\n二是做好群众生活保障。") in text
    assert "草稿不写入" not in text


def test_issue_numbers_follow_per_region_and_stay_with_their_day(tree):
    actor = hq()
    assert services.issue_brief(actor, f.COUNTY, BEFORE).issue_number == 1
    assert services.issue_brief(actor, f.COUNTY, DAY).issue_number == 2
    assert services.issue_brief(actor, f.COUNTY, BEFORE).issue_number == 1  # kept per day
    assert services.issue_brief(actor, f.TOWN_A, DAY).issue_number == 1  # numbered per region
    services.generate_brief(actor, f.COUNTY, DAY)
    assert Brief.objects.filter(region_id=f.COUNTY).count() == 2


def test_issuer_from_the_settings_and_charts_as_images(tree):
    actor = hq()
    known_county(actor)
    ReportSettings.objects.create(region_id=f.COUNTY, issuer="孝昌县疫情防控指挥部办公室")
    content, _name = services.generate_brief(actor, f.COUNTY, DAY)
    assert docx_paragraphs(content)[2].startswith("孝昌县疫情防控指挥部办公室")
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
    assert len(images) == 1  # new/under management and isolation, side by side in one picture
    doc = Document(io.BytesIO(content))
    assert doc.core_properties.author == "hq（hq）" and "导出：hq（hq）" in doc.core_properties.comments


def test_generation_is_audited_as_an_export(tree):
    actor = hq()
    services.generate_brief(actor, f.COUNTY, DAY)
    entry = AuditEntry.objects.get(action="export", object_type="brief")
    assert entry.actor == actor and entry.region_id == f.COUNTY
    assert entry.after["filters"] == {"day": "2020-02-03", "issue_number": 1, "template": "default"}


def test_only_headquarters_in_scope(tree):
    with pytest.raises(PermissionDenied):
        services.generate_brief(f.user("town", Role.TOWNSHIP_STAFF, f.TOWN_A), f.TOWN_A, DAY)
    with pytest.raises(Http404):
        services.generate_brief(hq("hq_b", region=f.TOWN_B), f.TOWN_A, DAY)


# The template -------------------------------------------------------------------------------------

def _edited_default(old: str, new: str) -> bytes:
    """The shipped template with one piece of wording changed, as HQ staff would in Word."""
    doc = Document(io.BytesIO(rendering.DEFAULT_TEMPLATE.read_bytes()))
    for p in doc.paragraphs:
        for run in p.runs:
            if old in run.text:
                run.text = run.text.replace(old, new)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_an_uploaded_template_is_honoured_and_revert_restores_the_default(tree):
    actor = hq("admin", Role.HQ_ADMIN)  # the template is the county's setting: its admins change it
    add(f.VILLAGE_A1, "households_visited", 3)
    edited = _edited_default("{{ title }}", "孝昌县疫情防控每日快报")
    edited = Document(io.BytesIO(edited))
    edited.add_paragraph("本期共走访{{ screening.households_visited }}户（修改后的模板）")
    out = io.BytesIO()
    edited.save(out)
    services.upload_template(actor, f.COUNTY, "新模板", out.getvalue())
    text = docx_text(services.generate_brief(actor, f.COUNTY, DAY)[0])
    assert text.startswith("孝昌县疫情防控每日快报") and "本期共走访3户（修改后的模板）" in text
    # a township below uses the county's template too
    assert docx_text(services.generate_brief(actor, f.TOWN_A, DAY)[0]).startswith("孝昌县疫情防控每日快报")
    assert services.revert_template(actor, f.COUNTY) == 1
    assert docx_text(services.generate_brief(actor, f.COUNTY, DAY)[0]).startswith("疫情防控工作简报")
    assert AuditEntry.objects.filter(action__in=["brief.template_upload", "brief.template_revert"]).count() == 2


@pytest.mark.parametrize(("content", "message"), [
    (b"", "请选择模板文件"),
    (b"not a zip", "不是 Word 文档"),
])
def test_a_file_that_is_not_a_docx_is_refused(tree, content, message):
    with pytest.raises(ValidationError) as info:
        services.upload_template(hq("admin", Role.HQ_ADMIN), f.COUNTY, "x", content)
    assert message in info.value.message_dict["file"][0]
    assert not BriefTemplate.objects.exists()


def test_a_template_that_unpacks_to_gigabytes_is_refused_before_it_is_parsed(tree):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(rendering.DEFAULT_TEMPLATE.read_bytes())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":  # whitespace between elements, ~1000:1
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * (64 * 1024 * 1024), 1)
            bomb.writestr(info.filename, data)
    with pytest.raises(ValidationError) as info:
        services.upload_template(hq("admin", Role.HQ_ADMIN), f.COUNTY, "炸弹", out.getvalue())
    assert "解压后共" in info.value.message_dict["file"][0] and "超过上限 50 MB" in info.value.message_dict["file"][0]
    assert not BriefTemplate.objects.exists()


def test_a_template_that_does_not_render_is_refused_with_the_reason(tree):
    broken = _edited_default("{{ title }}", "{{ title ")
    with pytest.raises(ValidationError) as info:
        services.upload_template(hq("admin", Role.HQ_ADMIN), f.COUNTY, "坏模板", broken)
    assert "模板无法生成简报" in info.value.message_dict["file"][0]
    assert not BriefTemplate.objects.exists()


@pytest.mark.parametrize("expression", [
    "{{ title.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ screening.update({'households_visited': 0}) }}",
])
def test_a_template_that_reaches_for_python_internals_is_refused(tree, expression):
    hostile = _edited_default("{{ title }}", expression)
    with pytest.raises(ValidationError) as info:
        services.upload_template(hq("admin", Role.HQ_ADMIN), f.COUNTY, "恶意模板", hostile)
    assert "模板无法生成简报" in info.value.message_dict["file"][0]
    assert not BriefTemplate.objects.exists()


def test_a_template_is_changed_by_the_admins_of_its_region_and_above(tree):
    content = rendering.DEFAULT_TEMPLATE.read_bytes()
    county_admin, town_admin = hq("admin", Role.HQ_ADMIN), hq("town_admin", Role.HQ_ADMIN, f.TOWN_A)
    with pytest.raises(PermissionDenied):
        services.upload_template(hq(), f.COUNTY, "县模板", content)  # the county's staff
    with pytest.raises(Http404):
        services.upload_template(town_admin, f.COUNTY, "县模板", content)  # above the township admin's scope
    assert not BriefTemplate.objects.exists()
    services.upload_template(town_admin, f.TOWN_A, "镇模板", content)  # the township's own briefs
    services.upload_template(county_admin, f.COUNTY, "县模板", content)
    with pytest.raises(Http404):
        services.revert_template(town_admin, f.COUNTY)
    assert services.revert_template(county_admin, f.TOWN_A) == 1
    assert list(BriefTemplate.objects.filter(is_active=True).values_list("name", flat=True)) == ["县模板"]


def test_checkpoints_section_states_its_figures(tree):
    from .known_county import registered
    if not registered("turned_back_persons"):
        pytest.skip("the checkpoints app has not registered its figures")
    actor = hq()
    from fangkong.analytics.figures import FIGURES
    figures = {fig.key: fig for fig in FIGURES}
    add(f.VILLAGE_A1, figures["passage_persons"].flows[0], 120)
    add(f.VILLAGE_A1, figures["turned_back_persons"].flows[0], 7)
    add(f.VILLAGE_A1, figures["checkpoints_open"].ins[0], 3, BEFORE)
    text = docx_text(services.generate_brief(actor, f.COUNTY, DAY)[0])
    assert "卡点值守和重点场所管控情况" in text
    assert "全县设卡3个" in text and "当日登记通行120人次" in text and "劝返7人次" in text


def test_text_with_markup_characters_is_written_as_is(tree):
    actor = hq()
    add(f.VILLAGE_A1, "households_visited", 1)
    services.save_next_steps(actor, f.COUNTY, DAY, "口罩<N95>&消毒液 \"足量\"储备")
    text = docx_text(services.generate_brief(actor, f.COUNTY, DAY)[0])
    assert "口罩<N95>&消毒液 \"足量\"储备" in text


def test_the_brief_reads_a_constant_number_of_queries(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fangkong.briefing import brief_context
    actor = hq()

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            brief_context.build(actor, f.COUNTY, DAY, issue_number=1)
        return len(ctx.captured_queries)
    known_county(actor)
    small = queries()
    for n in range(30):
        add(f.VILLAGE_B1, "kp_new.returnee", n + 1, DAY - datetime.timedelta(days=n % 20))
        add(f.VILLAGE_A2, "q_in.home", n + 1, DAY - datetime.timedelta(days=n % 20))
    assert queries() == small <= 11
