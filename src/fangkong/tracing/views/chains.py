"""传播链与聚集性疫情: a case's chain drawn as a graph with its links (add, remove), the cluster list, and one
cluster drawn with its cases (create, add, remove, merge, dissolve). Thin: reads from selectors.chains, writes
through services.chains; a refused write shows the page again with each field's message (400)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core import paging
from fangkong.core.validation import is_id
from fangkong.regions.models import Region

from .. import graphs, permissions
from ..models import ClusterSetting, LinkConfidence
from ..selectors import chains as selectors
from ..services import chains as services


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    """Each field's messages; those of no field under "form" (a template reads no name starting with _)."""
    found = exc.message_dict if hasattr(exc, "error_dict") else {"form": exc.messages}
    return {("form" if k == "__all__" else k): v for k, v in found.items()}


def _numbers(text: str) -> list[str]:
    """Case numbers typed in one box, separated by spaces, commas, 、 or new lines."""
    return [n for n in re.split(r"[\s,，、;；]+", text or "") if n]


def _case_href(pk: int) -> str:
    return reverse("tracing:case_chain", args=[pk])


# A case's chain -------------------------------------------------------------------------------------------

def _chain_page(request, pk, *, errors=None, posted=None, status=200):
    user = request.user
    graph = selectors.chain(user, pk)
    case = selectors.case_in_scope(user, pk)
    nodes = graph.nodes
    links = [(e, nodes[e.infector_id], nodes[e.infectee_id]) for e in graph.edges]
    return render(request, "tracing/chains/case_chain.html", {
        "case": case, "graph": graph, "links": links,
        "svg": graphs.to_svg(graph, title=_("病例 %(number)s 的传播链") % {"number": case.number}, href=_case_href),
        "confidences": LinkConfidence.choices, "can_edit": permissions.can_investigate(user),
        "errors": errors or {}, "posted": posted or {},
    }, status=status)


@login_required
@require_GET
def case_chain(request, pk):
    """病例 … 的传播链: ancestors and descendants through the links."""
    return _chain_page(request, pk)


@login_required
@require_POST
def link_add(request, pk):
    """Link this case to another: `direction` infected_by (the other is its infector) or infected."""
    case = selectors.case_in_scope(request.user, pk)
    other = request.POST.get("other", "").strip()
    source, target = (other, case.pk) if request.POST.get("direction") != "infected" else (case.pk, other)
    try:
        services.link_cases(request.user, infector=source, infectee=target,
                            confidence=request.POST.get("confidence", ""), note=request.POST.get("note", ""))
    except ValidationError as exc:
        errors = _errors(exc)
        # the other case's message belongs to the box where it was typed
        errors = {("other" if k in ("infector", "infectee") else k): v for k, v in errors.items()}
        return _chain_page(request, pk, errors=errors, posted=request.POST, status=400)
    messages.success(request, _("已登记传播关系"))
    return redirect("tracing:case_chain", pk=case.pk)


@login_required
@require_POST
def link_remove(request, pk, link_pk):
    case = selectors.case_in_scope(request.user, pk)
    services.remove_link(request.user, link_pk)
    messages.success(request, _("已删除传播关系"))
    return redirect("tracing:case_chain", pk=case.pk)


# Clusters -------------------------------------------------------------------------------------------------

def _regions(user) -> list[Region]:
    """The user's region and its children: where a cluster may be registered."""
    return list(Region.objects.filter(Q(code=user.region_id) | Q(parent_id=user.region_id)).order_by("code"))


def _list_page(request, *, errors=None, posted=None, status=200):
    user = request.user
    page = selectors.clusters_for(user, after=request.GET.get("after", ""))
    return render(request, "tracing/chains/cluster_list.html", {
        "clusters": page.clusters, "next_after": page.next_after, "settings": ClusterSetting.choices,
        "regions": _regions(user), "can_edit": permissions.can_investigate(user),
        "errors": errors or {}, "posted": posted or {},
    }, status=status)


@login_required
@require_GET
def cluster_list(request):
    """聚集性疫情: the clusters of the scope, the latest last case first."""
    return _list_page(request)


@login_required
@require_POST
def cluster_create(request):
    selectors.require_reader(request.user)
    try:
        cluster = services.create_cluster(request.user, name=request.POST.get("name", ""),
                                          setting=request.POST.get("setting", ""),
                                          region=request.POST.get("region", ""),
                                          cases=_numbers(request.POST.get("cases", "")),
                                          note=request.POST.get("note", ""))
    except ValidationError as exc:
        return _list_page(request, errors=_errors(exc), posted=request.POST, status=400)
    messages.success(request, _("已登记聚集性疫情“%(name)s”") % {"name": cluster.name})
    return redirect("tracing:cluster", pk=cluster.pk)


def _cluster_page(request, pk, *, errors=None, posted=None, status=200):
    user = request.user
    cluster = selectors.cluster_for(user, pk)
    graph = selectors.cluster_graph(user, cluster)
    return render(request, "tracing/chains/cluster_detail.html", {
        "cluster": cluster, "graph": graph, "cases": selectors.cluster_cases(user, cluster),
        "svg": graphs.to_svg(graph, title=cluster.name, href=_case_href),
        "can_edit": permissions.can_investigate(user), "errors": errors or {}, "posted": posted or {},
        # the clusters it may be merged with: the latest of the scope (one keyset page)
        "others": [c for c in selectors.clusters_for(user, limit=paging.MAX_PAGE).clusters if c.pk != cluster.pk],
    }, status=status)


@login_required
@require_GET
def cluster_detail(request, pk):
    return _cluster_page(request, pk)


def _cluster_write(request, pk, write, done: str):
    selectors.cluster_for(request.user, pk)
    try:
        result = write()
    except ValidationError as exc:
        return _cluster_page(request, pk, errors=_errors(exc), posted=request.POST, status=400)
    messages.success(request, done)
    return redirect("tracing:cluster", pk=result.pk) if result is not None else redirect("tracing:clusters")


@login_required
@require_POST
def cluster_add(request, pk):
    return _cluster_write(request, pk, lambda: services.add_cases(
        request.user, pk, _numbers(request.POST.get("cases", ""))), _("已加入病例"))


@login_required
@require_POST
def cluster_remove(request, pk, case_pk):
    return _cluster_write(request, pk, lambda: services.remove_case(request.user, pk, case_pk), _("已移出病例"))


@login_required
@require_POST
def cluster_merge(request, pk):
    other = request.POST.get("other", "").strip()
    found = selectors.clusters_in_scope(request.user).filter(pk=int(other)).first() if is_id(other) else None

    def merge():
        if found is None:
            raise ValidationError({"other": _("聚集性疫情 %(value)s 不存在或不在您的管辖范围内") % {"value": other}})
        return services.merge_clusters(request.user, pk, found.pk)
    return _cluster_write(request, pk, merge, _("已合并"))


@login_required
@require_POST
def cluster_dissolve(request, pk):
    def dissolve():
        services.dissolve_cluster(request.user, pk, reason=request.POST.get("reason", ""))
    return _cluster_write(request, pk, dissolve, _("已撤销该聚集性疫情"))
