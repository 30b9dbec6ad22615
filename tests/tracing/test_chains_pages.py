"""The chain and cluster pages and their API: the graph inline, links and clusters written through the forms and
the API with each field's message, no personal field anywhere, scope per role."""

import datetime
import json
import re

import pytest

from fangkong.accounts.models import Role
from fangkong.tracing.models import Cluster, TransmissionLink
from fangkong.tracing.services import chains as services
from tests import factories as f

from . import outbreak

D1 = datetime.date(2020, 2, 1)


@pytest.fixture
def epi_team(tree):
    return f.user("liudiao", Role.EPIDEMIOLOGIST, f.COUNTY)


def _case(days: int = 0, region: str = f.VILLAGE_A1):
    day = D1 + datetime.timedelta(days=days)
    return outbreak.case(region=region, reported_at=outbreak.at(day), onset_date=day)


def _personal(case) -> list[str]:
    p = case.person
    return [p.name, p.id_number, p.phone, p.address, p.workplace]


def test_chain_page_draws_the_graph_and_links_a_case(login, epi_team):
    a, b = _case(), _case(3)
    client = login(epi_team)
    page = client.get(f"/tracing/cases/{b.pk}/chain/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg class="graph"' in html and b.number in html
    answer = client.post(f"/tracing/cases/{b.pk}/chain/links/", {"direction": "infected_by", "other": a.number,
                                                                  "confidence": "confirmed", "note": "同住"})
    assert answer.status_code == 302
    assert TransmissionLink.objects.get().infector == a
    html = client.get(f"/tracing/cases/{b.pk}/chain/").content.decode()
    assert a.number in html and f'href="/tracing/cases/{a.pk}/chain/"' in html
    for personal in _personal(a) + _personal(b):
        assert personal not in html


def test_chain_page_names_a_bad_field(login, epi_team):
    a = _case()
    client = login(epi_team)
    answer = client.post(f"/tracing/cases/{a.pk}/chain/links/", {"direction": "infected", "other": a.number})
    assert answer.status_code == 400
    assert "不能是自己的传染源" in answer.content.decode()
    answer = client.post(f"/tracing/cases/{a.pk}/chain/links/", {"other": "C-nope", "confidence": "maybe"})
    html = answer.content.decode()
    assert answer.status_code == 400 and "C-nope" in html and "可信度" in html


def test_chain_page_scope_and_roles(login, tree):
    here, there = _case(), _case(region=f.VILLAGE_B1)
    town_hq = f.user("town_hq", Role.HQ_STAFF, f.TOWN_A)
    client = login(town_hq)
    assert client.get(f"/tracing/cases/{here.pk}/chain/").status_code == 200
    assert client.get(f"/tracing/cases/{there.pk}/chain/").status_code == 404
    worker = login(f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_A1))
    assert worker.get(f"/tracing/cases/{here.pk}/chain/").status_code == 403
    viewer = login(f.user("viewer", Role.VIEWER, f.COUNTY))
    page = viewer.get(f"/tracing/cases/{here.pk}/chain/").content.decode()
    assert 'id="add-link"' not in page  # reads, does not write
    assert viewer.post(f"/tracing/cases/{here.pk}/chain/links/", {"other": there.number}).status_code == 403


def test_cluster_pages(login, epi_team):
    a, b, c = _case(0), _case(2), _case(4)
    client = login(epi_team)
    answer = client.post("/tracing/clusters/new/", {"name": "东岳村家庭聚集", "setting": "household",
                                                    "region": f.TOWN_A, "cases": f"{a.number}，{b.number}"})
    cluster = Cluster.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/tracing/clusters/{cluster.pk}/"
    assert client.post(f"/tracing/clusters/{cluster.pk}/cases/", {"cases": c.number}).status_code == 302
    listing = client.get("/tracing/clusters/").content.decode()
    assert "东岳村家庭聚集" in listing and "2020-02-05" in listing and ">3<" in listing
    detail = client.get(f"/tracing/clusters/{cluster.pk}/").content.decode()
    assert all(x.number in detail for x in (a, b, c)) and '<svg class="graph"' in detail
    for personal in _personal(a):
        assert personal not in detail
    refused = client.post("/tracing/clusters/new/", {"name": "", "setting": "household", "region": f.TOWN_A,
                                                     "cases": a.number})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "请填写名称" in html and "至少须有2例" in html
    assert client.post(f"/tracing/clusters/{cluster.pk}/dissolve/", {"reason": "不成立"}).status_code == 302
    assert not Cluster.objects.exists()


def test_api_links_clusters_and_graphs(login, epi_team):
    a, b, c = _case(0), _case(2), _case(3)
    client = login(epi_team)
    made = client.post("/api/tracing/links", json.dumps({"infector": a.number, "infectee": str(b.pk),
                                                          "confidence": "possible"}),
                       content_type="application/json")
    assert made.status_code == 201, made.content
    link = made.json()
    assert (link["infector_number"], link["infectee_id"], link["confidence"]) == (a.number, b.pk, "possible")
    cycle = client.post("/api/tracing/links", json.dumps({"infector": b.number, "infectee": a.number}),
                        content_type="application/json")
    assert cycle.status_code == 422 and "循环" in cycle.json()["detail"]["infector"][0]
    changed = client.patch(f"/api/tracing/links/{link['id']}", json.dumps({"confidence": "confirmed"}),
                           content_type="application/json")
    assert changed.json()["confidence"] == "confirmed"
    chain = client.get(f"/api/tracing/cases/{a.pk}/chain").json()
    assert {n["number"] for n in chain["nodes"]} == {a.number, b.number} and len(chain["edges"]) == 1
    assert set(chain["nodes"][0]) == {"id", "number", "classification", "severity", "day", "in_scope"}
    svg = client.get(f"/api/tracing/cases/{a.pk}/chain.svg")
    assert svg["Content-Type"].startswith("image/svg+xml") and b.number in svg.content.decode()

    created = client.post("/api/tracing/clusters", json.dumps({"name": "超市", "setting": "place", "region": f.COUNTY,
                                                               "cases": [a.number, b.number]}),
                          content_type="application/json")
    assert created.status_code == 201
    cluster_id = created.json()["cluster"]["id"]
    added = client.post(f"/api/tracing/clusters/{cluster_id}/cases", json.dumps({"cases": [c.number]}),
                        content_type="application/json").json()
    assert (added["cluster"]["size"], added["cluster"]["last_case_date"]) == (3, "2020-02-04")
    listing = client.get("/api/tracing/clusters").json()
    assert [x["id"] for x in listing["clusters"]] == [cluster_id] and listing["next_after"] == ""
    removed = client.delete(f"/api/tracing/clusters/{cluster_id}/cases/{a.pk}").json()
    assert removed["cluster"]["size"] == 2
    bad = client.post("/api/tracing/clusters", json.dumps({"name": "x", "setting": "bus", "region": f.COUNTY,
                                                           "cases": []}), content_type="application/json")
    assert bad.status_code == 422 and set(bad.json()["detail"]) == {"setting", "cases"}
    assert client.delete(f"/api/tracing/links/{link['id']}").status_code == 204
    assert client.post(f"/api/tracing/clusters/{cluster_id}/dissolve", json.dumps({"reason": "不成立"}),
                       content_type="application/json").status_code == 204


def test_api_scope(login, tree):
    there = _case(region=f.VILLAGE_B1)
    town_hq = login(f.user("town_hq", Role.HQ_STAFF, f.TOWN_A))
    assert town_hq.get(f"/api/tracing/cases/{there.pk}/chain").status_code == 404
    worker = login(f.user("worker", Role.VILLAGE_WORKER, f.VILLAGE_B1))
    assert worker.get(f"/api/tracing/cases/{there.pk}/chain").status_code == 403
    assert worker.get("/api/tracing/clusters").status_code == 403
    assert worker.post("/api/tracing/links", json.dumps({"infector": "a", "infectee": "b"}),
                       content_type="application/json").status_code == 403


def test_the_case_page_links_to_its_chain_and_cluster(login, epi_team):
    a, b = _case(0), _case(1)
    client = login(epi_team)
    page = client.get(f"/tracing/cases/{a.pk}/").content.decode()
    assert f'href="/tracing/cases/{a.pk}/chain/"' in page and not re.search(r'href="/tracing/clusters/\d+/"', page)
    cluster = services.create_cluster(epi_team, name="家庭", setting="household", region=f.TOWN_A, cases=[a.pk, b.pk])
    page = client.get(f"/tracing/cases/{a.pk}/").content.decode()
    assert f'href="/tracing/clusters/{cluster.pk}/"' in page


def test_merging_on_the_cluster_page(login, epi_team):
    a, b, c, d = _case(0), _case(1), _case(2), _case(3)
    one = services.create_cluster(epi_team, name="甲", setting="household", region=f.TOWN_A, cases=[a.pk, b.pk])
    two = services.create_cluster(epi_team, name="乙", setting="place", region=f.TOWN_A, cases=[c.pk, d.pk])
    client = login(epi_team)
    page = client.get(f"/tracing/clusters/{one.pk}/").content.decode()
    assert f'<option value="{two.pk}">乙（2例' in page and f'<option value="{one.pk}">' not in page
    refused = client.post(f"/tracing/clusters/{one.pk}/merge/", {"other": ""})
    assert refused.status_code == 400 and "不存在或不在您的管辖范围内" in refused.content.decode()
    assert client.post(f"/tracing/clusters/{one.pk}/merge/", {"other": str(two.pk)}).status_code == 302
    one.refresh_from_db()
    assert one.size == 4 and not Cluster.objects.filter(pk=two.pk).exists()
