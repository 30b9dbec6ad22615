from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services


@login_required
def tree(request):
    """The user's scope root with two levels below it; deeper levels open on the region page."""
    root = request.user.region
    children = list(selectors.children_of(root))
    grandchildren = {}
    for region in selectors.regions_for(request.user).filter(parent__parent=root).order_by("code"):
        grandchildren.setdefault(region.parent_id, []).append(region)
    rows = [(child, grandchildren.get(child.code, [])) for child in children]
    return render(request, "regions/tree.html", {"root": root, "rows": rows})


@login_required
def detail(request, code: str):
    region = selectors.region_for(request.user, code)
    return render(request, "regions/detail.html", {
        "region": region,
        "ancestors": selectors.ancestors_in_scope(request.user, region),
        "children": selectors.children_of(region),
        "can_rename": request.user.has_perm("regions.change_region"),
    })


@login_required
@require_POST
def rename(request, code: str):
    region = selectors.region_for(request.user, code)
    try:
        services.rename_region(request.user, region, request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已保存"))
    return redirect("regions:detail", code=code)
