"""The contact list reads the same few queries for every role that opens it, however many contacts a page shows:
the person, the case, the contact it came through, the ledger entry and the isolation come with each row."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fangkong.accounts.models import Role
from fangkong.tracing.models import Contact
from tests import factories
from tests.tracing import outbreak

ROLES = [Role.HQ_STAFF, Role.EPIDEMIOLOGIST, Role.VIEWER]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tracing:contacts")).status_code == 200
    return len(queries)


def test_the_contact_list_reads_as_many_queries_for_every_role_and_any_number_of_rows(login, tree):
    clients = [login(factories.user(f"u_{role}", role, factories.COUNTY)) for role in ROLES]
    case = outbreak.case()
    first = outbreak.contact(case)
    few = [_queries(client) for client in clients]
    for _ in range(3):
        outbreak.contact(case, via=first, level="secondary")
    Contact.objects.create(case=case, kind="social", status="confirmed", confirmed_at=timezone.now(),
                           outside_name="李九", outside_phone="13955556666", outside_county="大悟县",
                           last_exposure_date=timezone.localdate())
    many = [_queries(client) for client in clients]
    assert few == many == [few[0]] * len(ROLES)
