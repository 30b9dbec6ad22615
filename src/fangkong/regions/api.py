from ninja import Router, Schema

from fangkong.core.api import ErrorOut

from . import selectors, services


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None


class RegionPage(Schema):
    items: list[RegionOut]
    next_after: str | None


class RenameIn(Schema):
    name: str


def _out(r) -> dict:
    return {"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_id}


router = Router(tags=["regions"])


@router.get("", response=RegionPage)
def list_regions(request, after: str = "", limit: int = 100, level: str = "", parent: str = ""):
    """Regions in the caller's scope, by code, a keyset page at a time (`after` = last code seen)."""
    items = selectors.page_of_regions(request.user, after=after, limit=limit, level=level, parent=parent)
    return {"items": [_out(r) for r in items],
            "next_after": items[-1].code if len(items) == max(1, min(limit, 500)) else None}


@router.get("/{code}", response={200: RegionOut, 404: ErrorOut})
def get_region(request, code: str):
    return _out(selectors.region_for(request.user, code))


@router.patch("/{code}", response={200: RegionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def rename_region(request, code: str, payload: RenameIn):
    region = selectors.region_for(request.user, code)
    return _out(services.rename_region(request.user, region, payload.name))
