"""Checkpoints and passages in the daily roll-up (see rollup_tasks and fangkong.analytics.counters).

Metrics, per region (the checkpoint's) and local day:
  checkpoint_opened / checkpoint_closed   stock "checkpoints open" = Σ opened − Σ closed
  passage                                 persons registered passing a checkpoint that day
  passage_vehicle                         … of them, the first of their vehicle (a vehicle counts once)
  passage_turned_back                     persons turned back (劝返)
  passage_turned_back_vehicle             vehicles turned back: the counting passage was turned back
  passage_fever                           a fever (fangkong.core.health: FANGKONG_FEVER_THRESHOLD)
  passage_risk_arrival                    arrivals from a risk area

The fever metric uses the threshold in force when counted: after changing the setting, run
`fangkong rollup rebuild` over the days to recount them.
"""

import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.analytics import counters, figures
from fangkong.core.days import day_bounds, local_day
from fangkong.core.health import fever_threshold

from .models import Checkpoint, CheckpointStatus, Outcome, Passage


def checkpoint_contributions(checkpoint: Checkpoint) -> list[counters.Contribution]:
    found = [(checkpoint.region_id, checkpoint.opened_on, "checkpoint_opened", 1)]
    if checkpoint.status == CheckpointStatus.CLOSED and checkpoint.closed_on:
        found.append((checkpoint.region_id, checkpoint.closed_on, "checkpoint_closed", 1))
    return found


def passage_contributions(passage: Passage, threshold: Decimal | None = None) -> list[counters.Contribution]:
    region, day = passage.region_id, local_day(passage.passed_at)
    found = [(region, day, "passage", 1)]
    turned_back = passage.outcome == Outcome.TURNED_BACK
    if passage.counts_vehicle:
        found.append((region, day, "passage_vehicle", 1))
        if turned_back:
            found.append((region, day, "passage_turned_back_vehicle", 1))
    if turned_back:
        found.append((region, day, "passage_turned_back", 1))
    if Decimal(passage.temperature) >= (threshold if threshold is not None else fever_threshold()):
        found.append((region, day, "passage_fever", 1))
    if passage.from_risk_area:
        found.append((region, day, "passage_risk_arrival", 1))
    return found


def _checkpoints_for_day(day: datetime.date):
    return Checkpoint.objects.filter(Q(opened_on=day) | Q(closed_on=day))


def _passages_for_day(day: datetime.date):
    low, high = day_bounds(day)
    return Passage.objects.filter(passed_at__gte=low, passed_at__lt=high).only(
        "region_id", "passed_at", "counts_vehicle", "outcome", "temperature", "from_risk_area")


counters.register("checkpoint", checkpoint_contributions, _checkpoints_for_day)
counters.register("passage", passage_contributions, _passages_for_day)

_CHECKPOINTS = _("卡点通行")

figures.register(
    figures.stock("checkpoints_open", _("运行卡点"), ["checkpoint_opened"], ["checkpoint_closed"], group=_CHECKPOINTS),
    figures.flow("passage_persons", _("登记人数"), "passage", group=_CHECKPOINTS),
    figures.flow("passage_vehicles", _("登记车辆"), "passage_vehicle", group=_CHECKPOINTS),
    figures.flow("turned_back_persons", _("劝返人数"), "passage_turned_back", group=_CHECKPOINTS),
    figures.flow("turned_back_vehicles", _("劝返车辆"), "passage_turned_back_vehicle", group=_CHECKPOINTS),
    figures.flow("passage_fevers", _("发现发热"), "passage_fever", group=_CHECKPOINTS),
    figures.flow("risk_arrivals", _("风险地区来人"), "passage_risk_arrival", group=_CHECKPOINTS),
)
