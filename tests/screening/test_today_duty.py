"""今日待查 on the home page: the number of today's list still to check, read from the roll-up counters (a few
counter rows whatever the scope holds), and always the number of rows the list's 未查 filter shows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fangkong.analytics import counters
from fangkong.core import today as home_duties
from fangkong.screening import services

from .helpers import check, days_ago, key_person


def _duty(user) -> int:
    return next(d["count"] for d in home_duties.duties_for(user) if d["key"] == "checks_to_do")


def _pending_listed(client) -> int:
    return len(client.get(reverse("screening:today") + "?pending=1").context["items"])


def test_the_count_is_the_pending_list_through_checks_releases_and_moves(worker, other_worker, town, login):
    kept, checked, leaving, moved, ended = (key_person(worker, n, registered_on=days_ago(3)) for n in range(1, 6))
    key_person(other_worker, 6, region=other_worker.region_id)  # the neighbouring village, in the township's scope
    for kp in (checked, leaving, moved):
        check(worker, kp)
    services.change_key_person_status(worker, leaving, status="released")  # checked and released today
    services.change_key_person_status(worker, ended, status="released", ended_on=days_ago(1))
    services.update_key_person(town, moved, region_code=other_worker.region_id)  # checked, then moved: done there
    for user, expected in ((worker, 1), (other_worker, 1), (town, 2)):
        assert _duty(user) == _pending_listed(login(user)) == expected, user.username
    assert counters.differences(days_ago(0)) == {} and counters.differences(days_ago(1)) == {}


def test_the_count_reads_no_key_person_and_no_check(worker, town):
    for n in range(1, 4):
        check(worker, key_person(worker, n))
    with CaptureQueriesContext(connection) as queries:
        assert _duty(town) == 0
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "screening_keyperson" not in read and "screening_dailycheck" not in read
