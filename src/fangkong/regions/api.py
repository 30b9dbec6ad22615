"""JSON API of regions: the code tree in the caller's scope, a page at a time, and renames."""

from ninja import Router

from fangkong.core.api import ErrorOut

from . import selectors, services
from .schemas import RegionOut, RegionPage, RenameIn, region_out

router = Router(tags=["regions"])


@router.get("", response=RegionPage)
def list_regions(request, after: str = "", limit: int = 100, level: str = "", parent: str = ""):
    """Regions in the caller's scope, by code, a keyset page at a time (`after` = last code seen)."""
    items = selectors.page_of_regions(request.user, after=after, limit=limit, level=level, parent=parent)
    return {"items": [region_out(r) for r in items],
            "next_after": items[-1].code if len(items) == max(1, min(limit, 500)) else None}


@router.get("/{code}", response={200: RegionOut, 404: ErrorOut})
def get_region(request, code: str):
    return region_out(selectors.region_for(request.user, code))


@router.patch("/{code}", response={200: RegionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def rename_region(request, code: str, payload: RenameIn):
    region = selectors.region_for(request.user, code)
    return region_out(services.rename_region(request.user, region, payload.name))
