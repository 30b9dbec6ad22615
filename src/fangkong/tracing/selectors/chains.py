"""Reads of transmission chains and clusters, scoped and bounded.

Whoever reads cases (permissions.can_view_cases) reads the chains and clusters of their scope. A chain is read
level by level from its case (ancestors through `infected_by`, descendants through `infected`): one query
per level, at most MAX_DEPTH levels each way and MAX_NODES cases, so its cost follows the chain, never the
county's outbreak. A case of the chain outside the reader's scope is shown as such (no number, not followed
further). The cluster list reads Cluster rows only (size and dates are kept on them), a keyset page at a time.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from fangkong.core.actors import is_system
from fangkong.core.days import local_day
from fangkong.core.paging import id_or_404, page_limit
from fangkong.core.region_codes import covers, in_scope

from .. import permissions
from ..models import Case, Cluster, TransmissionLink

MAX_DEPTH = 12
MAX_NODES = 300
CLUSTER_PAGE = 50


@dataclass(frozen=True)
class Node:
    """A case as a graph shows it: number and classification, nothing personal."""

    id: int
    number: str
    classification: str
    classification_label: str
    severity: str
    day: datetime.date | None
    in_scope: bool


@dataclass(frozen=True)
class Edge:
    id: int
    infector_id: int
    infectee_id: int
    confidence: str


@dataclass
class Graph:
    nodes: dict[int, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    truncated: bool = False
    root_id: int | None = None

    def as_dict(self) -> dict:
        return {"root_id": self.root_id, "truncated": self.truncated,
                "nodes": [{"id": n.id, "number": n.number, "classification": n.classification,
                           "severity": n.severity, "day": n.day, "in_scope": n.in_scope} for n in self.nodes.values()],
                "edges": [vars(e) for e in self.edges]}


def cluster_dict(c: Cluster) -> dict:
    return {"id": c.pk, "name": c.name, "setting": c.setting, "region_code": c.region_id,
            "region_name": c.region.name, "size": c.size, "first_case_date": c.first_case_date,
            "last_case_date": c.last_case_date, "note": c.note}


def require_reader(user) -> None:
    """Whoever reads cases; the system too (the command line without --user, the brief)."""
    if not (is_system(user) or permissions.can_view_cases(user)):
        raise PermissionDenied


def case_in_scope(user, pk) -> Case:
    require_reader(user)
    found = Case.objects.filter(in_scope(user)).filter(pk=id_or_404(pk)).first()
    if found is None:
        raise Http404
    return found


def _node(case: Case, visible: bool) -> Node:
    if not visible:
        return Node(case.pk, "", "", "", "", None, False)
    return Node(case.pk, case.number, case.classification, str(case.get_classification_display()), case.severity,
                case.onset_date or local_day(case.reported_at), True)


_NODE_FIELDS = ("id", "number", "classification", "severity", "onset_date", "reported_at", "region_id")


def _nodes(user, ids) -> dict[int, Node]:
    return {c.pk: _node(c, covers(user, c.region_id)) for c in Case.objects.filter(pk__in=ids).only(*_NODE_FIELDS)}


def chain(user, pk, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> Graph:
    """The case's ancestors and descendants through the links (iterative BFS, bounded)."""
    root = case_in_scope(user, pk)
    graph = Graph(root_id=root.pk)
    seen = {root.pk}
    edges: dict[int, Edge] = {}
    up, down = {root.pk}, {root.pk}
    for _level in range(max_depth):
        if not (up or down):
            break
        rows = (TransmissionLink.objects.filter(Q(infectee_id__in=up) | Q(infector_id__in=down))
                .values_list("id", "infector_id", "infectee_id", "confidence", "infector__region_id",
                             "infectee__region_id"))
        next_up, next_down = set(), set()
        for link_id, infector, infectee, confidence, infector_region, infectee_region in rows:
            if infectee in up:  # an ancestor
                new, region, towards = infector, infector_region, next_up
            else:
                new, region, towards = infectee, infectee_region, next_down
            if new not in seen:
                if len(seen) >= max_nodes:
                    graph.truncated = True
                    continue
                seen.add(new)
                if covers(user, region):  # a case outside the scope ends the walk there
                    towards.add(new)
            edges[link_id] = Edge(link_id, infector, infectee, confidence)
        up, down = next_up, next_down
    else:
        graph.truncated = graph.truncated or bool(up or down)
    graph.nodes = _nodes(user, seen)
    graph.edges = [e for e in edges.values() if e.infector_id in graph.nodes and e.infectee_id in graph.nodes]
    return graph


# Clusters -------------------------------------------------------------------------------------------------

def clusters_in_scope(user):
    require_reader(user)
    return Cluster.objects.filter(in_scope(user))


def cluster_for(user, pk) -> Cluster:
    found = clusters_in_scope(user).select_related("region").filter(pk=id_or_404(pk)).first()
    if found is None:
        raise Http404
    return found


def cluster_graph(user, cluster: Cluster, *, max_nodes: int = MAX_NODES) -> Graph:
    """The cluster's cases (its first `max_nodes` by date) and the links between them."""
    cases = list(Case.objects.filter(cluster=cluster).only(*_NODE_FIELDS).order_by("onset_date", "reported_at", "id")
                 [:max_nodes + 1])
    graph = Graph(truncated=len(cases) > max_nodes)
    cases = cases[:max_nodes]
    graph.nodes = {c.pk: _node(c, covers(user, c.region_id)) for c in cases}
    ids = list(graph.nodes)
    graph.edges = [Edge(*row) for row in TransmissionLink.objects.filter(infector_id__in=ids, infectee_id__in=ids)
                   .order_by("id").values_list("id", "infector_id", "infectee_id", "confidence")]
    return graph


def cluster_cases(user, cluster: Cluster, *, limit: int = MAX_NODES) -> list[Case]:
    """The cluster's cases in the reader's scope, by date (the table under the graph)."""
    return list(Case.objects.filter(cluster=cluster).filter(in_scope(user))
                .order_by("onset_date", "reported_at", "id")[:limit])


def _cursor(after: str) -> tuple[datetime.date, int] | None:
    try:
        day, pk = after.split("_", 1)
        return datetime.date.fromisoformat(day), id_or_404(pk)
    except (ValueError, AttributeError):
        raise Http404 from None


def cursor_of(cluster: Cluster) -> str:
    return f"{cluster.last_case_date.isoformat() if cluster.last_case_date else ''}_{cluster.pk}"


@dataclass(frozen=True)
class ClusterPage:
    clusters: list[Cluster]
    next_after: str


def clusters_for(user, *, after: str = "", limit=None) -> ClusterPage:
    """A keyset page of the clusters in scope, the latest last case first (cursor: `<last case date>_<id>`)."""
    size = page_limit(limit, CLUSTER_PAGE)
    qs = clusters_in_scope(user).select_related("region").order_by("-last_case_date", "-id")
    if after:
        day, pk = _cursor(after)
        qs = qs.filter(Q(last_case_date__lt=day) | Q(last_case_date=day, id__lt=pk))
    found = list(qs[:size + 1])
    more = len(found) > size
    found = found[:size]
    return ClusterPage(found, cursor_of(found[-1]) if more else "")
