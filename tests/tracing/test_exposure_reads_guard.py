"""The exposure search's range reads are written in SQL (tracing.selectors.exposure._range_reads: the ORM took
several times as long to build them as the database to answer). They must read exactly what the same ranges
read through the ORM: every table, column, time edge and the scope's code bounds, on both databases."""

import datetime

from django.db.models import Q

from fangkong.checkpoints.models import Passage
from fangkong.core import region_codes as codes
from fangkong.places.models import CheckIn
from fangkong.tracing.selectors import exposure as selectors
from tests import factories
from tests.places.builders import at, checkpoint, passage, person, place, visit

M = datetime.timedelta(minutes=1)


def _by_the_orm(intervals: dict, scope_code: str) -> dict:
    """(source, kind) → the rows the same ranges give through querysets."""
    low_code, high_code = codes.subtree_bounds(scope_code)
    typed = ("id", "id_digest", "phone_digest", "name")
    reads = [(selectors.CHECK_IN, selectors.PLACE, CheckIn, "place_id", "checked_in_at", typed),
             (selectors.CHECK_IN, selectors.CHECKPOINT, CheckIn, "checkpoint_id", "checked_in_at", typed),
             (selectors.PASSAGE, selectors.CHECKPOINT, Passage, "checkpoint_id", "passed_at", ())]
    found = {}
    for source, kind, model, target, moment, extra in reads:
        ranges = Q(pk__in=[])
        for (k, target_id), merged in intervals.items():
            if k == kind:
                for low, high, _inside in merged:
                    ranges |= Q(**{target: target_id, f"{moment}__gte": low, f"{moment}__lte": high})
        rows = model.objects.filter(ranges, region_id__gte=low_code, region_id__lte=high_code).values_list(
            target, "person_id", moment, *extra)
        found[(source, kind)] = sorted((*row, *(None,) * (4 - len(extra))) for row in rows)
    return found


def test_the_sql_range_reads_read_what_the_orm_reads(tree):
    shop, market = place("甲超市", factories.VILLAGE_A1), place("乙市场", factories.VILLAGE_A1, "market")
    elsewhere = place("外镇超市", factories.VILLAGE_B1)
    gate = checkpoint("花园卡点", factories.TOWN_A)
    subject = person("病例甲", 1, "13800000001")
    others = [person(f"人员{n}", n, f"1380000{n:04d}") for n in range(10, 16)]
    t0, t1 = at(10, day=2), at(15, day=2)
    for target in (shop, market, elsewhere):
        visit(subject, target, t0)
    passage(subject, gate, t1)
    visit(others[0], shop, t0 + 30 * M)  # the window's edges: inside
    visit(others[1], shop, t0 - 30 * M)
    visit(others[2], shop, t0 + 31 * M)  # outside
    visit(others[3], market, t0)
    visit(others[4], elsewhere, t0)  # outside a township's scope
    visit(others[5], gate, t1 + 5 * M)  # a check-in at the checkpoint's code
    passage(others[5], gate, t1 - 29 * M)
    times = {(selectors.PLACE, shop.pk): [t0], (selectors.PLACE, market.pk): [t0],
             (selectors.PLACE, elsewhere.pk): [t0], (selectors.CHECKPOINT, gate.pk): [t1]}
    intervals = {key: selectors._intervals(found, 30 * M) for key, found in times.items()}

    for scope in (factories.COUNTY, factories.TOWN_A):
        by_sql = {(source, kind): sorted(rows) for source, kind, rows in selectors._range_reads(intervals, scope)}
        assert by_sql == _by_the_orm(intervals, scope)
    assert len(by_sql[(selectors.CHECK_IN, selectors.PLACE)]) == 5  # the subject's own three are in the rows too
