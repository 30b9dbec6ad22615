"""What cases and contacts contribute to the daily roll-up (see fangkong.analytics.counters) and the
columns of the epidemic situation (疫情情况) they add to the roll-up table (fangkong.analytics.figures).

A case is one episode whose classification changes in place, so its contributions follow its history
(the `CaseChange` rows): the state it was reported in, on the local day of `reported_at`, then each
change on the local day it was made, then its outcome. A reclassified case moves from one figure to the
other and is never counted twice: asymptomatic → confirmed adds one to the day's new confirmed and to the
cumulative confirmed, and takes one from the cumulative and the existing asymptomatic.

Metrics per region (the case's) and local day. `<cls>` is a classification; `<state>` is the
classification, with the severity for a confirmed case (`confirmed.mild` …, `confirmed.unspecified`):
  case_in.<cls>                     classified <cls> that day (reported or reclassified)
  case_moved.<cls>                  reclassified away from <cls> that day
                                    cumulative <cls> = Σ in − Σ moved: the cases whose classification is
                                    <cls>, whatever their outcome; the cumulative figures add up to the cases
  case_open_in.<state>              entering <state> while in care that day  } existing (现有) <state> =
  case_open_out.<state>             leaving it (reclassified, severity change, } Σ open_in − Σ open_out
                                    discharged or died) that day              } (an excluded case is none)
  case_reclassified.<from>.<to>     reclassified that day (无症状转确诊 is case_reclassified.asymptomatic.confirmed)
  case_discharged / case_died       the outcome's day
  case_late                         reported that day more than two hours after diagnosis (late_report)
  onset.<cls>                       on the onset date, by the case's classification now  } the epi curve:
  reported.<cls>                    on the report day, by the case's classification now  } selectors.epi
  reported_managed.<cls>            … of those, found among people already under management

Contacts (per the contact's region; a person outside the county is counted in the case's region):
  contact_traced.<level>            a contact confirmed by the investigation that day (close / secondary),
                                    one per case and person: someone traced from two cases counts for each

Contacts under medical observation and released are the ledger's close and secondary contacts (screening's
kp_in / kp_out / kp_released of those categories): confirming a close contact puts the person on the ledger
in that category, and the ledger entry is what the village manages and releases.

Services call `counters.track_change(old, new)` with `case_contributions(case)` before and after every write
to a case or its changes (and `contact_contributions` for a contact), inside their transaction.
`fangkong rollup check` / `rebuild` recompute the same metrics from the rows (the sources registered below).
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.analytics import counters, figures
from fangkong.core.days import day_bounds, local_day
from fangkong.screening.models import Category

from .models import Case, CaseChange, Classification, Contact, ContactLevel, ContactStatus, Outcome, Severity

UNSPECIFIED = "unspecified"  # a confirmed case whose clinical severity is not recorded yet
CLASSIFICATIONS = [c.value for c in Classification]
SEVERITIES = [s.value for s in Severity]
CONFIRMED_STATES = [f"{Classification.CONFIRMED}.{s}" for s in [*SEVERITIES, UNSPECIFIED]]
# classifications that count as infections on the curves and in the indicators (excluded is none)
INFECTIONS = [Classification.CONFIRMED.value, Classification.ASYMPTOMATIC.value]
CURVE_CLASSIFICATIONS = [Classification.CONFIRMED.value, Classification.ASYMPTOMATIC.value,
                         Classification.SUSPECTED.value]
LEVELS = [level.value for level in ContactLevel]


def state_of(classification: str, severity: str) -> str:
    if classification == Classification.CONFIRMED:
        return f"{classification}.{severity or UNSPECIFIED}"
    return classification


def history(case: Case) -> list[tuple[datetime.datetime, str, str]]:
    """The case's states in order: (from when, classification, severity), the first at its report.

    The state it was reported in is the first change's `from_*` (or its `to_*` when that change is the
    report itself, with no `from_classification`); a case with no change was reported as it is now.
    `case.changes.all()`: prefetch the changes when reading many cases.
    """
    changes = sorted(case.changes.all(), key=lambda c: (c.at, c.id or 0))
    if not changes:
        return [(case.reported_at, case.classification, case.severity)]
    first = changes[0]
    if first.from_classification:
        states = [(case.reported_at, first.from_classification, first.from_severity)]
    else:
        states = [(case.reported_at, first.to_classification, first.to_severity)]
        changes = changes[1:]
    for change in changes:
        if (change.to_classification, change.to_severity) != states[-1][1:]:
            states.append((change.at, change.to_classification, change.to_severity))
    return states


def _outcome(case: Case) -> tuple[str, datetime.datetime] | None:
    if case.outcome == Outcome.DISCHARGED and case.discharged_at:
        return "case_discharged", case.discharged_at
    if case.outcome == Outcome.DIED and case.died_at:
        return "case_died", case.died_at
    return None


def case_contributions(case: Case) -> list[counters.Contribution]:
    region = case.region_id
    found: list[counters.Contribution] = []
    previous: tuple[str, str] | None = None
    for at, classification, severity in history(case):
        day = local_day(at)
        state = state_of(classification, severity)
        if previous is None:
            found.append((region, day, f"case_in.{classification}", 1))
        else:
            before_classification, before_state = previous
            if before_state != Classification.EXCLUDED:
                found.append((region, day, f"case_open_out.{before_state}", 1))
            if classification != before_classification:
                found += [(region, day, f"case_moved.{before_classification}", 1),
                          (region, day, f"case_in.{classification}", 1),
                          (region, day, f"case_reclassified.{before_classification}.{classification}", 1)]
        if state != Classification.EXCLUDED:
            found.append((region, day, f"case_open_in.{state}", 1))
        previous = (classification, state)
    outcome = _outcome(case)
    if outcome and previous:
        metric, at = outcome
        day = local_day(at)
        found.append((region, day, metric, 1))
        if previous[1] != Classification.EXCLUDED:
            found.append((region, day, f"case_open_out.{previous[1]}", 1))
    reported = local_day(case.reported_at)
    found.append((region, reported, f"reported.{case.classification}", 1))
    if case.found_under_management:
        found.append((region, reported, f"reported_managed.{case.classification}", 1))
    if case.late_report:
        found.append((region, reported, "case_late", 1))
    if case.onset_date:
        found.append((region, case.onset_date, f"onset.{case.classification}", 1))
    return found


def contact_contributions(contact: Contact) -> list[counters.Contribution]:
    if contact.status != ContactStatus.CONFIRMED or not contact.confirmed_at:
        return []
    region = contact.region_id or contact.case.region_id
    return [(region, local_day(contact.confirmed_at), f"contact_traced.{contact.level}", 1)]


def _cases_for_day(day: datetime.date):
    low, high = day_bounds(day)
    changed = CaseChange.objects.filter(at__gte=low, at__lt=high).values("case_id")
    return (Case.objects.filter(Q(onset_date=day) | Q(reported_at__gte=low, reported_at__lt=high)
                                | Q(discharged_at__gte=low, discharged_at__lt=high)
                                | Q(died_at__gte=low, died_at__lt=high) | Q(pk__in=changed))
            .prefetch_related("changes"))


def _contacts_for_day(day: datetime.date):
    low, high = day_bounds(day)
    return (Contact.objects.filter(status=ContactStatus.CONFIRMED, confirmed_at__gte=low, confirmed_at__lt=high)
            .select_related("case"))


counters.register("case", case_contributions, _cases_for_day)
counters.register("contact", contact_contributions, _contacts_for_day)


# Columns of the daily roll-up table (每日一报) --------------------------------------------------

def cumulative(classification: str) -> tuple[list[str], list[str]]:
    """(ins, outs) of the cumulative figure of a classification."""
    return [f"case_in.{classification}"], [f"case_moved.{classification}"]


def existing(*states: str) -> tuple[list[str], list[str]]:
    """(ins, outs) of the existing (in care) figure of these states."""
    return [f"case_open_in.{s}" for s in states], [f"case_open_out.{s}" for s in states]


_CASES = _("疫情情况")
_EXISTING_CONFIRMED = _("现有确诊")
_CONTACTS = _("密切接触者追踪")
_CONTACT_CATEGORIES = [Category.CLOSE_CONTACT.value, Category.SECONDARY_CONTACT.value]

figures.register(
    figures.flow("cases_new_confirmed", _("新增确诊"), f"case_in.{Classification.CONFIRMED}", group=_CASES),
    figures.flow("cases_asymptomatic_to_confirmed", _("其中无症状转确诊"),
                 f"case_reclassified.{Classification.ASYMPTOMATIC}.{Classification.CONFIRMED}", group=_CASES),
    figures.flow("cases_new_suspected", _("新增疑似"), f"case_in.{Classification.SUSPECTED}", group=_CASES),
    figures.flow("cases_new_asymptomatic", _("新增无症状感染者"), f"case_in.{Classification.ASYMPTOMATIC}",
                 group=_CASES),
    figures.flow("cases_new_excluded", _("新增排除"), f"case_in.{Classification.EXCLUDED}", group=_CASES),
    figures.flow("cases_new_discharged", _("新增治愈出院"), "case_discharged", group=_CASES),
    figures.flow("cases_new_deaths", _("新增死亡"), "case_died", group=_CASES),
    figures.stock("cases_confirmed_total", _("累计确诊"), *cumulative(Classification.CONFIRMED), group=_CASES),
    figures.stock("cases_suspected_total", _("累计疑似"), *cumulative(Classification.SUSPECTED), group=_CASES),
    figures.stock("cases_asymptomatic_total", _("累计无症状感染者"), *cumulative(Classification.ASYMPTOMATIC),
                  group=_CASES),
    figures.stock("cases_excluded_total", _("累计排除"), *cumulative(Classification.EXCLUDED), group=_CASES),
    figures.stock("cases_discharged_total", _("累计治愈出院"), ["case_discharged"], [], group=_CASES),
    figures.stock("cases_deaths_total", _("累计死亡"), ["case_died"], [], group=_CASES),
    figures.stock("cases_existing_confirmed", _("现有确诊"), *existing(*CONFIRMED_STATES), group=_CASES),
    figures.stock("cases_existing_suspected", _("现有疑似"), *existing(Classification.SUSPECTED), group=_CASES),
    figures.stock("cases_existing_asymptomatic", _("尚在医学观察无症状感染者"),
                  *existing(Classification.ASYMPTOMATIC), group=_CASES),
    figures.flow("cases_late", _("超时报告"), "case_late", group=_CASES),
)
for _severity, _label in Severity.choices:
    figures.register(figures.stock(f"cases_existing_{_severity}", _label,
                                   *existing(f"{Classification.CONFIRMED}.{_severity}"), group=_EXISTING_CONFIRMED))

figures.register(
    figures.flow("contacts_traced", _("新增追踪"), *[f"contact_traced.{level}" for level in LEVELS], group=_CONTACTS),
    figures.stock("contacts_traced_total", _("累计追踪"), [f"contact_traced.{level}" for level in LEVELS], [],
                  group=_CONTACTS),
    figures.stock("contacts_under_observation", _("尚在医学观察"), [f"kp_in.{c}" for c in _CONTACT_CATEGORIES],
                  [f"kp_out.{c}" for c in _CONTACT_CATEGORIES], group=_CONTACTS),
    figures.flow("contacts_released", _("今日解除医学观察"), *[f"kp_released.{c}" for c in _CONTACT_CATEGORIES],
                 group=_CONTACTS),
    figures.stock("contacts_released_total", _("累计解除医学观察"), [f"kp_released.{c}" for c in _CONTACT_CATEGORIES],
                  [], group=_CONTACTS),
)
