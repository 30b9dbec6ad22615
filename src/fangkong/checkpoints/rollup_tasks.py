"""Arrival tasks in the daily roll-up.

Metrics, per region (the task's village) and local day:
  task_opened.<kind> / task_closed.<kind>   stock "open tasks" of each kind = Σ opened − Σ closed

`unlisted_open` is the reconciliation's count in the roll-up: arrivals from risk areas found on no
ledger of the county and not yet dealt with by their village.
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.analytics import counters, figures
from fangkong.core.days import day_bounds, local_day

from .models import ArrivalTask, TaskKind, TaskStatus


def task_contributions(task: ArrivalTask) -> list[counters.Contribution]:
    found = [(task.region_id, local_day(task.opened_at), f"task_opened.{task.kind}", 1)]
    if task.status != TaskStatus.OPEN and task.closed_at:
        found.append((task.region_id, local_day(task.closed_at), f"task_closed.{task.kind}", 1))
    return found


def _tasks_for_day(day: datetime.date):
    low, high = day_bounds(day)
    return ArrivalTask.objects.filter(Q(opened_at__gte=low, opened_at__lt=high) | Q(closed_at__gte=low, closed_at__lt=high))


counters.register("arrival_task", task_contributions, _tasks_for_day)

_TASKS = _("来人核查")

figures.register(
    figures.stock("arrival_tasks_open", _("已入台账待核实"), [f"task_opened.{TaskKind.ARRIVAL}"],
                  [f"task_closed.{TaskKind.ARRIVAL}"], group=_TASKS),
    figures.stock("unlisted_open", _("未入台账待排查"), [f"task_opened.{TaskKind.UNLISTED}"],
                  [f"task_closed.{TaskKind.UNLISTED}"], group=_TASKS),
)
