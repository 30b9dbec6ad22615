"""What isolation and follow-up contribute to the daily roll-up (see fangkong.analytics.counters).

Metrics, per region (the order's) and local day:
  q_new.<kind>           orders started that day                       (kind: home / centralised)
  q_in.<kind>            entering isolation that day  } stock "under isolation" = Σ in − Σ out
  q_out.<kind>           leaving isolation that day   }
  q_ended.<status>       orders ended that day by status (released, transferred_to_hospital, …)
  fu_due                 scheduled follow-up slots due that day
  fu_done / fu_excused   … of those, recorded / excused (counted on the slot's due day, however late)
  fu_open                … of those, still neither recorded nor excused
  fu_extra               unscheduled follow-ups made that day
  fu_fever / fu_alert    follow-ups due that day that found a fever / raised an alert (fever or symptom)
  tr_opened / tr_closed  fever-clinic transfer requests opened / closed (done or cancelled) that day;
                         stock "transfers open" = Σ opened − Σ closed

Overdue as a counter: every slot belongs to the day it is due, so fu_due = fu_done + fu_excused +
fu_open on every day. For a day before today every slot's time has passed, so that day's fu_open *is*
its number of overdue follow-ups (missed and not yet recorded late or excused): it falls when one is
recorded late or excused, and is never changed by the clock. For today fu_open also holds slots
whose time has not come yet; the live "overdue now" count of today comes from
`selectors.overdue_count`, an index range read, not from the counters.
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.analytics import counters, figures

from .models import FollowUp, FollowUpStatus, Kind, Quarantine, QuarantineStatus, TransferRequest
from .schedule import day_bounds, local_day

_FOLLOW_UP_STATUS_METRIC = {FollowUpStatus.DUE: "fu_open", FollowUpStatus.DONE: "fu_done",
                            FollowUpStatus.EXCUSED: "fu_excused"}


def quarantine_contributions(q: Quarantine) -> list[counters.Contribution]:
    start = local_day(q.start_at)
    found = [(q.region_id, start, f"q_new.{q.kind}", 1), (q.region_id, start, f"q_in.{q.kind}", 1)]
    if q.status != QuarantineStatus.ACTIVE and q.ended_at:
        end = local_day(q.ended_at)
        found += [(q.region_id, end, f"q_out.{q.kind}", 1), (q.region_id, end, f"q_ended.{q.status}", 1)]
    return found


def follow_up_contributions(fu: FollowUp) -> list[counters.Contribution]:
    day = local_day(fu.due_at)
    if fu.scheduled:
        found = [(fu.region_id, day, "fu_due", 1), (fu.region_id, day, _FOLLOW_UP_STATUS_METRIC[fu.status], 1)]
    else:
        found = [(fu.region_id, day, "fu_extra", 1)]
    if fu.fever:
        found.append((fu.region_id, day, "fu_fever", 1))
    if fu.alert:
        found.append((fu.region_id, day, "fu_alert", 1))
    return found


def transfer_contributions(t: TransferRequest) -> list[counters.Contribution]:
    found = [(t.region_id, local_day(t.opened_at), "tr_opened", 1)]
    if not t.is_open and t.closed_at:
        found.append((t.region_id, local_day(t.closed_at), "tr_closed", 1))
    return found


def _quarantines_for_day(day: datetime.date):
    low, high = day_bounds(day)
    return Quarantine.objects.filter(Q(start_at__gte=low, start_at__lt=high) | Q(ended_at__gte=low, ended_at__lt=high))


def _follow_ups_for_day(day: datetime.date):
    low, high = day_bounds(day)
    # status IN (all): lets the (status, due_at) index serve a day's range
    return FollowUp.objects.filter(status__in=FollowUpStatus.values, due_at__gte=low, due_at__lt=high)


def _transfers_for_day(day: datetime.date):
    low, high = day_bounds(day)
    return TransferRequest.objects.filter(Q(opened_at__gte=low, opened_at__lt=high)
                                          | Q(closed_at__gte=low, closed_at__lt=high))


counters.register("quarantine", quarantine_contributions, _quarantines_for_day)
counters.register("follow_up", follow_up_contributions, _follow_ups_for_day)
counters.register("transfer_request", transfer_contributions, _transfers_for_day)


# Columns of the daily roll-up table (每日一报) --------------------------------------------------

_KINDS = [k.value for k in Kind]
_ISOLATION = _("隔离观察")
_FOLLOW_UPS = _("随访")

figures.register(
    figures.stock("q_under_home", _("居家隔离"), ["q_in.home"], ["q_out.home"], group=_ISOLATION),
    figures.stock("q_under_centralised", _("集中观察"), ["q_in.centralised"], ["q_out.centralised"],
                  group=_ISOLATION),
    figures.flow("q_new", _("今日新增"), *[f"q_new.{k}" for k in _KINDS], group=_ISOLATION),
    figures.flow("q_released", _("今日解除"), f"q_ended.{QuarantineStatus.RELEASED}", group=_ISOLATION),
    figures.flow("fu_due", _("应随访"), "fu_due", group=_FOLLOW_UPS),
    figures.flow("fu_done", _("已随访"), "fu_done", group=_FOLLOW_UPS),
    figures.flow("fu_excused", _("说明未随访"), "fu_excused", group=_FOLLOW_UPS),
    # for a past day: the overdue follow-ups (see the module docstring)
    figures.flow("fu_open", _("未完成"), "fu_open", group=_FOLLOW_UPS),
    figures.flow("fu_fevers", _("随访发现发热"), "fu_fever", group=_FOLLOW_UPS),
    figures.stock("transfers_open", _("待转送发热门诊"), ["tr_opened"], ["tr_closed"]),
)
