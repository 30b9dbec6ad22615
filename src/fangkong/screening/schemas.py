"""Schemas of the arrival-task API (the others are beside their endpoints in api.py)."""

from ninja import Field, Schema

from fangkong.core.days import local_iso


class TaskCloseIn(Schema):
    note: str


class TaskOut(Schema):
    id: int
    kind: str
    kind_label: str
    region: str
    region_name: str
    person_id: int | None = Field(description="none for the visitor of a check-in not linked to a person")
    name: str
    phone_masked: str
    checkpoint: str
    passed_at: str | None
    origin: str
    key_person_id: int | None
    status: str
    opened_at: str
    closed_at: str | None
    note: str


class TaskPage(Schema):
    items: list[TaskOut]
    next_after: int | None


def task_out(t) -> dict:
    passage = t.passage
    return {"id": t.pk, "kind": t.kind, "kind_label": str(t.get_kind_display()), "region": t.region_id,
            "region_name": t.region.name, "person_id": t.person_id, "name": t.subject.name,
            "phone_masked": t.subject.masked_phone,
            "checkpoint": passage.checkpoint.name if passage is not None else "",
            "passed_at": local_iso(passage.passed_at) if passage is not None else None,
            "origin": passage.origin if passage is not None else "", "key_person_id": t.key_person_id,
            "status": t.status, "opened_at": local_iso(t.opened_at), "closed_at": local_iso(t.closed_at), "note": t.note}


