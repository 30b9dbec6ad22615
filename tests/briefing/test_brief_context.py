"""The brief's context from the counters: figures of the day and region, sections present only with data."""

from fangkong.briefing import brief_context
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


def test_sections_without_data_are_left_out_and_numbered_in_order(tree):
    add(f.VILLAGE_A1, "households_visited", 3)
    ctx = brief_context.build(hq(), f.COUNTY, DAY, issue_number=1)
    assert ctx["screening"]["households_visited"] == 3
    for key in ("isolation", "checkpoints", "medical", "supplies", "supervision", "publicity"):
        assert ctx[key] is None, key
    assert ctx["sections"] == ["overall", "screening"]
    assert ctx["no"] == {"overall": "一", "screening": "二"}


def test_a_day_without_any_data_has_no_sections(tree):
    ctx = brief_context.build(hq(), f.COUNTY, DAY, issue_number=1)
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
