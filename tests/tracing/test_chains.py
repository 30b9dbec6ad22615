"""Transmission links and clusters through the services: no self-link, no cycle, a bounded chain read, a cluster's
size and dates kept on its row, the graph's SVG naming cases only, and who may do what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.tracing import graphs
from fangkong.tracing.models import Cluster, TransmissionLink
from fangkong.tracing.selectors import chains as selectors
from fangkong.tracing.services import chains as services
from tests import factories as f

from . import outbreak

D1 = datetime.date(2020, 2, 1)


@pytest.fixture
def epi(tree):
    return f.user("liudiao", Role.EPIDEMIOLOGIST, f.COUNTY)


@pytest.fixture
def town_hq(tree):
    return f.user("town_hq", Role.HQ_STAFF, f.TOWN_A)


def _case(day_offset: int = 0, region: str = f.VILLAGE_A1, **fields):
    day = D1 + datetime.timedelta(days=day_offset)
    return outbreak.case(region=region, reported_at=outbreak.at(day), onset_date=day, **fields)


def _line(n: int) -> list:
    """n cases, each infected by the one before."""
    cases = [_case(i) for i in range(n)]
    for a, b in zip(cases, cases[1:], strict=False):
        TransmissionLink.objects.create(infector=a, infectee=b)
    return cases


def test_link_cases_audited(epi):
    a, b = _case(), _case(2)
    link = services.link_cases(epi, infector=a.number, infectee=b.pk, confidence="confirmed", note="同住")
    assert (link.infector, link.infectee, link.confidence) == (a, b, "confirmed")
    entry = AuditEntry.objects.get(action="transmission_link.add")
    assert entry.after["infector"] == a.number and entry.region_id == b.region_id


def test_no_self_link_no_duplicate_no_cycle(epi):
    a, b, c = _line(3)
    with pytest.raises(ValidationError) as self_link:
        services.link_cases(epi, infector=a.pk, infectee=a.pk)
    assert "不能是自己的传染源" in str(self_link.value)
    with pytest.raises(ValidationError) as twice:
        services.link_cases(epi, infector=a.pk, infectee=b.pk)
    assert "已登记" in twice.value.message_dict["infectee"][0]
    with pytest.raises(ValidationError) as cycle:
        services.link_cases(epi, infector=c.pk, infectee=a.pk)
    assert "循环" in cycle.value.message_dict["infector"][0]
    assert TransmissionLink.objects.count() == 2


def test_bad_values_are_named(epi):
    a = _case()
    with pytest.raises(ValidationError) as bad:
        services.link_cases(epi, infector="X-404", infectee="", confidence="sure")
    errors = bad.value.message_dict
    assert set(errors) == {"infector", "infectee", "confidence"}
    assert "X-404" in errors["infector"][0]
    assert a.pk


def test_who_may_link(tree, epi, town_hq):
    a = _case()
    b = _case(1, region=f.VILLAGE_B1)  # the other township
    doctor = f.user("doc", Role.DOCTOR, f.COUNTY)
    with pytest.raises(PermissionDenied):
        services.link_cases(doctor, infector=a.pk, infectee=b.pk)
    with pytest.raises(ValidationError) as outside:
        services.link_cases(town_hq, infector=a.pk, infectee=b.pk)
    assert "不在您的管辖范围内" in outside.value.message_dict["infectee"][0]


def test_chain_reads_ancestors_and_descendants_only(epi):
    cases = _line(5)
    side = _case(9)
    TransmissionLink.objects.create(infector=cases[1], infectee=side)  # a sibling branch of cases[2]
    unrelated = _case(3)
    graph = selectors.chain(epi, cases[2].pk)
    assert set(graph.nodes) == {c.pk for c in cases}
    assert side.pk not in graph.nodes and unrelated.pk not in graph.nodes
    assert len(graph.edges) == 4 and not graph.truncated
    from_side = selectors.chain(epi, side.pk)
    assert set(from_side.nodes) == {cases[0].pk, cases[1].pk, side.pk}


def test_chain_is_bounded_and_its_queries_follow_its_depth(epi):
    cases = _line(8)
    with CaptureQueriesContext(connection) as queries:
        graph = selectors.chain(epi, cases[0].pk, max_depth=3)
    assert len(graph.nodes) == 4 and graph.truncated
    assert len(queries) <= 3 + 2  # the case, one query per level, the nodes
    capped = selectors.chain(epi, cases[0].pk, max_nodes=5)
    assert len(capped.nodes) == 5 and capped.truncated
    # more cases elsewhere in the county do not change what one chain reads
    for _i in range(30):
        _line(2)
    with CaptureQueriesContext(connection) as again:
        selectors.chain(epi, cases[0].pk, max_depth=3)
    assert len(again) == len(queries)


def test_chain_stops_at_the_scope(town_hq):
    a = _case(0, region=f.VILLAGE_B1)  # other township: its case stays anonymous, its ancestors unread
    origin = _case(-2, region=f.VILLAGE_B1)
    b, c = _case(2), _case(4)
    for x, y in [(origin, a), (a, b), (b, c)]:
        TransmissionLink.objects.create(infector=x, infectee=y)
    graph = selectors.chain(town_hq, c.pk)
    assert set(graph.nodes) == {a.pk, b.pk, c.pk}
    assert graph.nodes[a.pk].in_scope is False and graph.nodes[a.pk].number == ""
    with pytest.raises(Http404):
        selectors.chain(town_hq, a.pk)


def test_graph_svg_names_case_numbers_and_nothing_personal(epi):
    cases = _line(3)
    person = cases[1].person
    svg = graphs.to_svg(selectors.chain(epi, cases[1].pk), title="传播链", href=lambda pk: f"/x/{pk}/")
    assert svg.startswith("<svg")
    for c in cases:
        assert c.number in svg
    assert "确诊病例" in svg
    for personal in [person.name, person.id_number, person.phone, person.address, person.workplace,
                     person.id_number[-4:]]:
        assert personal not in svg
    assert 'href="/x/' in svg


# Clusters ------------------------------------------------------------------------------------------------

def test_cluster_keeps_its_size_and_dates(epi):
    a, b, c = _case(0), _case(5), _case(12)
    cluster = services.create_cluster(epi, name="东岳村聚餐", setting="gathering", region=f.TOWN_A,
                                      cases=[a.number, b.number])
    assert (cluster.size, cluster.first_case_date, cluster.last_case_date) == (2, D1, D1 + datetime.timedelta(5))
    services.add_cases(epi, cluster, [c.pk])
    cluster.refresh_from_db()
    assert (cluster.size, cluster.last_case_date) == (3, D1 + datetime.timedelta(12))
    services.remove_case(epi, cluster, a.pk)
    cluster.refresh_from_db()
    assert (cluster.size, cluster.first_case_date) == (2, D1 + datetime.timedelta(5))
    with pytest.raises(ValidationError) as too_few:
        services.remove_case(epi, cluster, b.pk)
    assert "至少须有2例" in too_few.value.message_dict["case"][0]
    assert [e.action for e in AuditEntry.objects.order_by("id")] == ["cluster.create", "cluster.add_cases",
                                                                     "cluster.remove_case"]


def test_cluster_rules(epi, town_hq):
    a, b, far = _case(0), _case(3), _case(30)
    other = _case(1, region=f.VILLAGE_B1)
    with pytest.raises(ValidationError) as one:
        services.create_cluster(epi, name="x", setting="household", region=f.TOWN_A, cases=[a.pk])
    assert "至少须有2例" in one.value.message_dict["cases"][0]
    with pytest.raises(ValidationError) as gap:
        services.create_cluster(epi, name="x", setting="household", region=f.TOWN_A, cases=[a.pk, far.pk])
    assert "超过14天" in gap.value.message_dict["cases"][0]
    with pytest.raises(ValidationError) as outside:
        services.create_cluster(epi, name="x", setting="household", region=f.TOWN_A, cases=[a.pk, other.pk])
    assert "所属区划内" in outside.value.message_dict["cases"][0]
    with pytest.raises(ValidationError) as bad:
        services.create_cluster(epi, name="", setting="party", region="999", cases=[])
    assert set(bad.value.message_dict) == {"name", "setting", "region", "cases"}
    first = services.create_cluster(epi, name="家庭", setting="household", region=f.TOWN_A, cases=[a.pk, b.pk])
    c = _case(4)
    with pytest.raises(ValidationError) as taken:
        services.create_cluster(epi, name="另一起", setting="place", region=f.COUNTY, cases=[b.pk, c.pk])
    assert "家庭" in taken.value.message_dict["cases"][0]
    with pytest.raises(PermissionDenied):
        services.create_cluster(f.user("viewer", Role.VIEWER, f.COUNTY), name="x", setting="place", region=f.COUNTY,
                                cases=[a.pk, b.pk])
    assert first.size == 2


def test_merge_and_dissolve(epi):
    a, b, c, d = _case(0), _case(1), _case(2), _case(3)
    one = services.create_cluster(epi, name="甲", setting="household", region=f.TOWN_A, cases=[a.pk, b.pk])
    two = services.create_cluster(epi, name="乙", setting="place", region=f.TOWN_A, cases=[c.pk, d.pk])
    merged = services.merge_clusters(epi, one, two.pk)
    assert (merged.size, merged.first_case_date, merged.last_case_date) == (4, D1, D1 + datetime.timedelta(3))
    assert not Cluster.objects.filter(pk=two.pk).exists()
    services.dissolve_cluster(epi, merged, reason="判定不成立")
    assert not Cluster.objects.exists()
    a.refresh_from_db()
    assert a.cluster_id is None


def test_cluster_list_reads_cluster_rows_only_keyset(epi, town_hq):
    made = []
    for i in range(5):
        made.append(services.create_cluster(epi, name=f"聚集{i}", setting="place", region=f.TOWN_A,
                                            cases=[_case(i).pk, _case(i + 1).pk]))
    b = services.create_cluster(epi, name="丰山", setting="place", region=f.TOWN_B,
                                cases=[_case(0, region=f.VILLAGE_B1).pk, _case(1, region=f.VILLAGE_B1).pk])
    with CaptureQueriesContext(connection) as queries:
        page = selectors.clusters_for(epi, limit=4)
    assert len(queries) == 1
    assert "tracing_case" not in queries[0]["sql"]
    assert [c.name for c in page.clusters] == ["聚集4", "聚集3", "聚集2", "聚集1"]
    rest = selectors.clusters_for(epi, after=page.next_after, limit=4)
    assert [c.name for c in rest.clusters] == ["丰山", "聚集0"]  # the same last case date: the newer first
    assert {c.pk for c in page.clusters} | {c.pk for c in rest.clusters} == {c.pk for c in [*made, b]}
    assert rest.next_after == ""
    assert b not in selectors.clusters_for(town_hq).clusters


def test_cluster_graph_and_its_cases(epi):
    a, b, c = _case(0), _case(2), _case(3)
    TransmissionLink.objects.create(infector=a, infectee=b)
    cluster = services.create_cluster(epi, name="超市", setting="place", region=f.TOWN_A, cases=[a.pk, b.pk, c.pk])
    graph = selectors.cluster_graph(epi, cluster)
    assert set(graph.nodes) == {a.pk, b.pk, c.pk} and len(graph.edges) == 1
    svg = graphs.to_svg(graph, title=cluster.name)
    assert all(x.number in svg for x in (a, b, c)) and a.person.name not in svg
