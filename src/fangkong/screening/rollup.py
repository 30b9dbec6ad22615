"""What the ledger contributes to the daily roll-up (see fangkong.analytics.counters) and the
columns it adds to the roll-up table (fangkong.analytics.figures).

Metrics (per region and day):
  households_visited         household visits recorded that day
  kp_new.<category>          key persons registered that day
  kp_in.<category>           entering management that day  (stock: under management)
  kp_out.<category>          leaving management that day (released, transferred, moved away)
  kp_released.<category>     released that day
  checks_done                daily checks recorded that day (one per key person per day)
  checks_leaving             … of those, the checks of key persons who left management that day (by the
                             entry: contributed when it leaves, from its check of that day, if any)
  fevers_found               checks that day showing a fever (fangkong.core.health: FANGKONG_FEVER_THRESHOLD)
  task_opened.<kind>         arrival tasks opened that day (by the task's local day)
  task_closed.<kind>         arrival tasks closed that day; open tasks of a kind = Σ opened − Σ closed

`unlisted_open` is the reconciliation's count in the roll-up: arrivals from risk areas found on no
ledger of the county and not yet dealt with by their village.
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.analytics import counters, figures
from fangkong.core.days import day_bounds, local_day
from fangkong.core.health import is_fever

from .models import ArrivalTask, Category, DailyCheck, HouseholdVisit, KeyPerson, Status, TaskKind, TaskStatus


def key_person_contributions(kp: KeyPerson) -> list[counters.Contribution]:
    """An entry under management reads nothing more; one that left reads its check of that day (one indexed
    read): a check can no longer be recorded for it, and deleting that check changes this (services.checks)."""
    found = [
        (kp.region_id, kp.registered_on, f"kp_new.{kp.category}", 1),
        (kp.region_id, kp.registered_on, f"kp_in.{kp.category}", 1),
    ]
    if kp.status != Status.UNDER_MANAGEMENT and kp.ended_on:
        found.append((kp.region_id, kp.ended_on, f"kp_out.{kp.category}", 1))
        if kp.status == Status.RELEASED:
            found.append((kp.region_id, kp.ended_on, f"kp_released.{kp.category}", 1))
        checked_in = (DailyCheck.objects.filter(key_person_id=kp.pk, checked_on=kp.ended_on)
                      .values_list("region_id", flat=True).first())
        if checked_in is not None:  # counted where the check is, as checks_done counts it
            found.append((checked_in, kp.ended_on, "checks_leaving", 1))
    return found


def daily_check_contributions(check: DailyCheck) -> list[counters.Contribution]:
    found = [(check.region_id, check.checked_on, "checks_done", 1)]
    if is_fever(check.temperature):
        found.append((check.region_id, check.checked_on, "fevers_found", 1))
    return found


def visit_contributions(visit: HouseholdVisit) -> list[counters.Contribution]:
    return [(visit.region_id, visit.visited_on, "households_visited", 1)]


def _key_persons_for_day(day: datetime.date):
    return KeyPerson.objects.filter(Q(registered_on=day) | Q(ended_on=day))


counters.register("key_person", key_person_contributions, _key_persons_for_day)
counters.register("daily_check", daily_check_contributions, lambda day: DailyCheck.objects.filter(checked_on=day))
counters.register("household_visit", visit_contributions, lambda day: HouseholdVisit.objects.filter(visited_on=day))


_CATEGORIES = [c.value for c in Category]  # stored values, as in the metric names
_KEY_PERSONS = _("重点人员合计")
_CHECKS = _("每天一查")

def checks_missed(under_management: int, checks_done: int, checks_leaving: int) -> int:
    """漏查: key persons under management at the end of the day without a check that day. The day's checks of those
    who left management that day are no check of anyone still under management (they would hide a miss)."""
    return max(0, under_management - checks_done + checks_leaving)


figures.register(
    figures.flow("households_visited", _("走访户数"), "households_visited"),
    figures.flow("kp_new", _("今日新增"), *[f"kp_new.{c}" for c in _CATEGORIES], group=_KEY_PERSONS),
    figures.stock("kp_under_management", _("在管"), [f"kp_in.{c}" for c in _CATEGORIES],
                  [f"kp_out.{c}" for c in _CATEGORIES], group=_KEY_PERSONS),
    figures.flow("kp_released", _("今日解除"), *[f"kp_released.{c}" for c in _CATEGORIES], group=_KEY_PERSONS),
    figures.flow("checks_done", _("已查"), "checks_done", group=_CHECKS),
    figures.derived("checks_missed", _("漏查"),
                    lambda row: checks_missed(row["kp_under_management"], row["checks_done"], row["checks_leaving"]),
                    group=_CHECKS, reads=("checks_leaving",)),
    figures.flow("fevers_found", _("发现发热"), "fevers_found"),
)
for _value, _label in Category.choices:
    figures.register(
        figures.flow(f"kp_new_{_value}", _("新增"), f"kp_new.{_value}", group=_label),
        figures.stock(f"kp_under_management_{_value}", _("在管"), [f"kp_in.{_value}"], [f"kp_out.{_value}"],
                      group=_label),
        figures.flow(f"kp_released_{_value}", _("解除"), f"kp_released.{_value}", group=_label),
    )


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
