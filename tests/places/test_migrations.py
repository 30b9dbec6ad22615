"""Key places and check-ins (now places), risk areas (risk_areas) and arrival tasks (screening) left the
checkpoints app without leaving its tables: a database written before the move migrates without copying a
row, and the new apps' models read what was there, with every relation between them, and keep numbering it."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from fangkong.checkpoints.models import Checkpoint
from fangkong.places.models import CheckIn, ClosureOrder, HygieneLog, Place, PlaceCode
from fangkong.risk_areas.models import RiskArea
from fangkong.screening.models import ArrivalTask
from tests import factories as f

# checkpoints before the move, and what depends on it as it was then
BEFORE_THE_MOVE = [("checkpoints", "0003_check_in_visitor_identity"), ("screening", "0003_drop_redundant_fk_indexes"),
                   ("places", None), ("risk_areas", None)]
VILLAGE = f.VILLAGE_A1
DAY = datetime.date(2020, 2, 3)


def _migrate(targets) -> None:
    # a new executor each time: its loader reads which migrations are applied when it is made
    MigrationExecutor(connection).migrate(targets)


@pytest.fixture
def before_the_move(transactional_db):
    """The database as it was before the move; migrated to the end again afterwards."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    _migrate(BEFORE_THE_MOVE)
    try:
        yield MigrationExecutor(connection).loader.project_state([t for t in BEFORE_THE_MOVE if t[1]]).apps
    finally:
        _migrate(latest)


def _written_before(old) -> dict:
    """One row of each moved model, written through the models as they were (all in the checkpoints app)."""
    for app, model in (("places", "Place"), ("risk_areas", "RiskArea")):
        with pytest.raises(LookupError):
            old.get_model(app, model)
    model = lambda name: old.get_model("checkpoints", name)  # noqa: E731
    # regions and accounts did not move: their tables are as today
    f.county_tree()
    user = f.user("hq")
    checkpoint = model("Checkpoint").objects.create(name="花园高速出口", kind="highway_exit", region_id=VILLAGE)
    place = model("Place").objects.create(name="东岳农贸市场", kind="market", region_id=VILLAGE)
    model("ClosureOrder").objects.create(place=place, ordered_by_id=user.pk, reason="消杀")
    model("HygieneLog").objects.create(place=place, region_id=VILLAGE, day=DAY, cleaned=True, disinfected=True,
                                       patrolled=False)
    code = model("PlaceCode").objects.create(token="tok-before", place=place)
    check_in = model("CheckIn").objects.create(place=place, region_id=VILLAGE, name="张三", origin_code="420100")
    model("RiskArea").objects.create(code="4201", name="武汉市", valid_from=DAY)
    task = model("ArrivalTask").objects.create(kind="unlisted", region_id=VILLAGE, check_in=check_in)
    return {"checkpoint": checkpoint.pk, "place": place.pk, "code": code.pk, "check_in": check_in.pk, "task": task.pk}


def test_rows_written_under_checkpoints_are_read_by_the_new_apps_which_own_their_content_types(before_the_move):
    # the rows and the content types after one migration back and forth (each costs seconds)
    ids = _written_before(before_the_move)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    place = Place.objects.get()
    assert (place.pk, place.name, place.region_id) == (ids["place"], "东岳农贸市场", VILLAGE)
    assert ClosureOrder.objects.get().place == place and HygieneLog.objects.get(place=place).day == DAY
    code = PlaceCode.objects.get(token="tok-before")
    assert code.pk == ids["code"] and code.target == place
    task = ArrivalTask.objects.select_related("check_in__place").get()
    assert task.pk == ids["task"] and task.check_in.place == place and task.subject.name == "张三"
    assert RiskArea.objects.active_on(DAY).get().code == "4201"
    # the same tables, their constraints and id sequences: new rows are numbered after the old ones
    later = CheckIn.objects.create(checkpoint_id=ids["checkpoint"], region_id=VILLAGE, checked_in_at=timezone.now())
    assert later.pk > ids["check_in"] and later.checkpoint == Checkpoint.objects.get()
    assert {m._meta.db_table for m in (Place, CheckIn, RiskArea, ArrivalTask)} == {
        "checkpoints_place", "checkpoints_checkin", "checkpoints_riskarea", "checkpoints_arrivaltask"}

    # the content types follow the models
    moved = {(ct.app_label, ct.model) for ct in ContentType.objects.filter(
        model__in=["place", "checkin", "riskarea", "arrivaltask"])}
    assert moved == {("places", "place"), ("places", "checkin"), ("risk_areas", "riskarea"),
                     ("screening", "arrivaltask")}
    assert ContentType.objects.get_for_model(Place).app_label == "places"
