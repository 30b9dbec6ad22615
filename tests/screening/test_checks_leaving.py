"""漏查 counts the key persons under management at the end of a day without a check that day. A person checked
and released the same day leaves the stock and takes their check with them (checks_leaving, counted from the
entry when it leaves), so their check hides no one else's miss; the counters agree with the raw rows through
the release, a deletion of that check and a rebuild."""

from fangkong.analytics import counters
from fangkong.analytics.selectors import daily_table
from fangkong.core.actors import SYSTEM
from fangkong.screening import services
from fangkong.screening.models import DailyCheck
from tests import factories as f

from .helpers import check, days_ago, key_person


def _figures(day) -> dict:
    return daily_table(SYSTEM, f.COUNTY, day).totals.values


def test_a_check_of_someone_released_that_day_hides_no_miss(worker):
    day = days_ago(1)
    kept, leaving, missed = (key_person(worker, n, registered_on=days_ago(3)) for n in (1, 2, 3))
    check(worker, kept, day=day)
    check(worker, leaving, day=day)
    assert (_figures(day)["kp_under_management"], _figures(day)["checks_missed"]) == (3, 1)

    services.change_key_person_status(worker, leaving, status="released", ended_on=day)

    values = _figures(day)
    assert (values["kp_under_management"], values["checks_done"], values["checks_missed"]) == (2, 2, 1)
    assert counters.differences(day) == {}
    assert missed.pk not in DailyCheck.objects.filter(checked_on=day).values_list("key_person_id", flat=True)


def test_deleting_the_check_of_the_day_someone_left_keeps_the_counters_right(worker):
    day = days_ago(1)
    kept, leaving = (key_person(worker, n, registered_on=days_ago(3)) for n in (1, 2))
    check(worker, kept, day=day)
    leaving_check = check(worker, leaving, day=day)[0]
    services.change_key_person_status(worker, leaving, status="released", ended_on=day)

    services.delete_daily_check(worker, leaving_check)

    assert counters.differences(day) == {}
    assert (_figures(day)["checks_done"], _figures(day)["checks_missed"]) == (1, 0)


def test_a_rebuild_counts_the_same(worker):
    day = days_ago(1)
    kept, leaving, missed = (key_person(worker, n, registered_on=days_ago(3)) for n in (1, 2, 3))
    check(worker, kept, day=day)
    check(worker, leaving, day=day)
    services.change_key_person_status(worker, leaving, status="moved_away", ended_on=day)
    before = counters.live(day)
    counters.rebuild(day)
    assert counters.live(day) == before and before[(f.VILLAGE_A1, "checks_leaving")] == 1
    assert _figures(day)["checks_missed"] == 1
