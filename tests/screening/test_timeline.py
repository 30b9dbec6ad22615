"""The key person's timeline has one writer: screening.services.timeline (record_event, and event_row for the
writers of many lines at once)."""

import ast
from pathlib import Path

import fangkong
from fangkong.screening.services.timeline import TEXT_MAX, event_row, record_event

from .helpers import key_person

SOURCE = Path(fangkong.__file__).parent
TIMELINE = SOURCE / "screening" / "services" / "timeline.py"


def test_a_line_is_written_with_its_actor_and_its_text_cut_to_the_column(worker):
    kp = key_person(worker)
    event = record_event(kp.pk, "note", "长" * (TEXT_MAX + 50), worker)
    assert (event.key_person_id, event.actor_id, len(event.text)) == (kp.pk, worker.pk, TEXT_MAX)
    assert event_row(kp.pk, "note", "长" * (TEXT_MAX + 1), at=event.at, actor_id=None).text == "长" * TEXT_MAX


def _writes_outside_the_timeline(path: Path) -> list[str]:
    """KeyPersonEvent instances or rows made, and model writes of it, anywhere but the timeline module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name in ("KeyPersonEvent", "EventRow") or name.startswith("KeyPersonEvent.objects.") and \
                    name.rsplit(".", 1)[-1] in ("create", "bulk_create", "get_or_create", "update_or_create"):
                found.append(f"{path.relative_to(SOURCE)}:{node.lineno} {name}")
    return found


def test_no_one_else_makes_a_timeline_row():
    found = [hit for path in SOURCE.rglob("*.py") if path != TIMELINE and "migrations" not in path.parts
             for hit in _writes_outside_the_timeline(path)]
    assert found == []
