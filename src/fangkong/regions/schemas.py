"""The regions API's request and response bodies."""

from ninja import Schema


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


def region_out(r) -> dict:
    return {"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_id}
