"""The demo's outbreak at a small scale (tests/demo/conftest.py): about thirty confirmed cases in chains and two
clusters, on the demo's days, with their lab tests, investigations and notices; hundreds of contacts on the
ledger and in isolation by the policy; counters equal to the rows; an epidemic curve that rises and falls and
an Rt line; what the epidemiologist's account opens."""

import datetime
import io

from django.core.management import call_command
from django.db.models import Count, F
from django.urls import reverse

from fangkong.accounts.models import User
from fangkong.analytics.selectors import daily_table
from fangkong.core.days import day_start, local_day
from fangkong.quarantine.models import (
    FollowUp,
    FollowUpStatus,
    Kind,
    NucleicAcidTest,
    Quarantine,
    QuarantineStatus,
)
from fangkong.screening.models import KeyPerson
from fangkong.screening.models import Status as LedgerStatus
from fangkong.tracing.models import (
    Case,
    CaseChange,
    Cluster,
    Contact,
    Investigation,
    InvestigationStatus,
    ItineraryNotice,
    ItineraryStop,
    LabTest,
    TransmissionLink,
)
from fangkong.tracing.selectors import epi

COUNTY = "420921000000"
DATES = ["diagnosed_at", "reported_at", "confirmed_at", "isolated_at", "admitted_at", "discharged_at", "died_at"]


def _epi():
    return User.objects.get(username="epi")


def test_about_thirty_confirmed_cases_a_few_asymptomatic_and_suspected_ones_excluded(demo):
    by_class = dict(Case.objects.values_list("classification").annotate(n=Count("id")))
    assert 25 <= by_class["confirmed"] <= 35
    assert by_class["asymptomatic"] >= 1 and by_class["excluded"] >= 3
    # one reported asymptomatic, reclassified confirmed: one case, two states
    turned = CaseChange.objects.filter(from_classification="asymptomatic", to_classification="confirmed")
    assert turned.count() == 1 and turned.get().case.classification == "confirmed"
    excluded = Case.objects.filter(classification="excluded")
    for case in excluded:
        assert case.lab_tests.filter(result="negative").count() == 2, case.number
    assert Case.objects.filter(outcome="discharged").exists() and Case.objects.filter(outcome="died").exists()
    assert "tracing: 38 cases (30 confirmed" in demo.log


def test_chains_of_several_generations_and_two_clusters(demo):
    links = list(TransmissionLink.objects.values_list("infector_id", "infectee_id"))
    infector_of = {b: a for a, b in links}
    assert len(infector_of) == len(links)  # one infector a case

    def depth(case_id):
        return 0 if case_id not in infector_of else 1 + depth(infector_of[case_id])

    assert max(depth(b) for _a, b in links) >= 3
    roots = {a for a, _b in links} - set(infector_of)
    assert len(roots) >= 4  # the imported cases and the one of unknown source each start a chain
    clusters = {c.setting: c for c in Cluster.objects.all()}
    assert set(clusters) == {"household", "gathering"}
    for cluster in clusters.values():
        cases = list(cluster.cases.all())
        assert cluster.size == len(cases) >= 2
        assert cluster.last_case_date == max(c.onset_date or local_day(c.reported_at) for c in cases)
    household = clusters["household"].cases.all()
    assert len({c.person.household_id for c in household}) == 1


def test_every_case_date_lies_on_a_demo_day(demo):
    clock = demo.clock
    days = set(clock.days())
    for case in Case.objects.all():
        for name in DATES:
            value = getattr(case, name)
            if value is not None:
                assert local_day(value) in days and value <= clock.now, (case.number, name, value)
        for name in ("onset_date", "first_visit_date"):
            value = getattr(case, name)
            assert value is None or value in days, (case.number, name, value)
    assert not LabTest.objects.filter(sampled_at__gt=clock.now).exists()
    assert not LabTest.objects.filter(sampled_at__lt=clock.at(clock.first_day)).exists()


def test_reported_within_two_hours_but_two_flagged_late(demo):
    late = Case.objects.filter(late_report=True)
    assert late.count() == 2
    for case in Case.objects.all():
        hours = (case.reported_at - case.diagnosed_at).total_seconds() / 3600
        assert (hours > 2) == case.late_report, case.number


def test_cases_found_among_the_contacts_under_observation_came_from_their_isolation(demo):
    managed = Case.objects.filter(found_under_management=True)
    assert managed.count() > Case.objects.count() / 2
    for case in managed.exclude(classification="excluded"):
        order = Quarantine.objects.filter(key_person__person=case.person, status__in=[
            QuarantineStatus.BECAME_CASE, QuarantineStatus.TRANSFERRED_TO_HOSPITAL]).get()
        assert order.ended_at <= case.reported_at and case.isolated_at == order.start_at
        assert not order.follow_ups.filter(status=FollowUpStatus.DUE).exists()
        assert case.lab_tests.filter(result="positive", proposal="accepted").exists()
        assert NucleicAcidTest.objects.filter(quarantine=order, result="positive").exists()
    # the case is on the ledger in its category now; the contact's entry ended
    for case in Case.objects.exclude(classification="excluded").filter(outcome=""):
        assert KeyPerson.objects.filter(person=case.person, category=case.classification,
                                        status=LedgerStatus.UNDER_MANAGEMENT).exists(), case.number


def test_hundreds_of_contacts_on_the_ledger_and_in_isolation_by_the_policy(demo):
    clock = demo.clock
    confirmed = Contact.objects.filter(status="confirmed")
    assert confirmed.count() >= 450
    assert confirmed.filter(level="secondary").count() >= 50
    outside = confirmed.filter(person=None)
    assert outside.exists() and not outside.exclude(region=None).exists()
    assert outside.exclude(handed_over_at=None).exists()
    in_county = confirmed.exclude(person=None).select_related("key_person", "quarantine", "case")
    cases = set(Case.objects.values_list("person_id", flat=True))
    for contact in in_county:
        if contact.person_id in cases:
            continue  # became a case (or already was one)
        kp, q = contact.key_person, contact.quarantine
        assert kp is not None and kp.person_id == contact.person_id, contact.pk
        assert kp.category == ("close_contact" if contact.level == "close" else "secondary_contact"), contact.pk
        assert q is not None and q.key_person_id == kp.pk, contact.pk
        assert q.kind == (Kind.CENTRALISED if kp.category == "close_contact" else Kind.HOME), contact.pk
        # 14 days from the last exposure (later when they were exposed again to another case)
        assert q.planned_end >= day_start(contact.last_exposure_date) + datetime.timedelta(days=14), contact.pk
        # started when they were traced (a contact of a second case keeps the order of the first)
        assert q.start_at <= contact.confirmed_at + datetime.timedelta(hours=1), contact.pk
    released = Quarantine.objects.filter(category="close_contact", status=QuarantineStatus.RELEASED)
    assert released.count() >= 20
    assert not released.exclude(key_person__status=LedgerStatus.RELEASED).exists()
    active = Quarantine.objects.filter(category__in=["close_contact", "secondary_contact"],
                                       status=QuarantineStatus.ACTIVE)
    assert active.count() >= 200 and not active.filter(planned_end__lte=clock.now).exists()
    # nobody listed twice for a case
    assert not Contact.objects.exclude(person=None).values("case", "person").annotate(n=Count("id")) \
        .filter(n__gt=1).exists()


def test_lab_tests_positive_for_the_cases_negative_for_the_contacts_a_few_pending(demo):
    for case in Case.objects.filter(classification__in=["confirmed", "asymptomatic"]):
        assert case.lab_tests.filter(result="positive").exists(), case.number
    contacts = set(Contact.objects.exclude(person=None).values_list("person_id", flat=True))
    cases = set(Case.objects.values_list("person_id", flat=True))
    negatives = LabTest.objects.filter(result="negative", person_id__in=contacts - cases)
    assert negatives.count() > 300
    assert not LabTest.objects.filter(result="positive", person_id__in=contacts - cases).exists()
    pending = LabTest.objects.filter(result="pending")
    assert 1 <= pending.count() < 100
    assert not LabTest.objects.exclude(result="pending").filter(result_at__lt=F("sampled_at")).exists()


def test_investigations_with_itineraries_at_key_places_and_numbered_trips(demo):
    cases = Case.objects.exclude(classification__in=["excluded", "suspected"])
    assert Investigation.objects.filter(case__in=cases).count() == cases.count()
    assert Investigation.objects.filter(status=InvestigationStatus.COMPLETED).count() > cases.count() / 2
    assert Investigation.objects.filter(status=InvestigationStatus.OPEN).exists()
    stops = ItineraryStop.objects.all()
    assert stops.filter(kind="transport").exclude(transport_number="").count() >= 3
    assert stops.filter(key_place__isnull=False).count() >= 10
    assert stops.filter(kind="gathering").exists() and stops.filter(public=False).exists()
    for stop in stops.select_related("investigation__case"):
        case = stop.investigation.case
        assert stop.starts_at <= case.reported_at


def test_itinerary_notices_published_on_the_public_page(demo, client):
    published = ItineraryNotice.objects.filter(status="published")
    assert published.count() >= 2 and ItineraryNotice.objects.filter(status="draft").exists()
    page = client.get(reverse("tracing:public_notices", args=[COUNTY]))
    assert page.status_code == 200
    for notice in published:
        assert notice.title in page.content.decode()


def test_counters_equal_the_rows(demo):
    clock = demo.clock
    out = io.StringIO()
    for day in clock.days():
        call_command("rollup", "check", "--date", day.isoformat(), stdout=out)
    assert out.getvalue().count("counters agree with the raw rows") == clock.length
    hq = User.objects.get(username="hq")
    figures = daily_table(hq, COUNTY, clock.today).totals.values
    assert figures["cases_confirmed_total"] == Case.objects.filter(classification="confirmed").count()
    assert figures["cases_asymptomatic_total"] == Case.objects.filter(classification="asymptomatic").count()
    assert figures["cases_deaths_total"] == 1
    assert figures["contacts_traced_total"] == Contact.objects.filter(status="confirmed").count()
    assert sum(daily_table(hq, COUNTY, day).totals.values["cases_late"] for day in clock.days()) == 2


def test_the_epidemic_curve_rises_and_falls(demo):
    clock = demo.clock
    curve = epi.curve(_epi(), COUNTY, basis="onset", first=clock.first_day, last=clock.today)
    confirmed = curve.series["confirmed"]
    peak = confirmed.index(max(confirmed))
    assert 3 <= peak <= len(confirmed) - 4
    assert max(confirmed[:2]) < max(confirmed) / 2 and max(confirmed[-3:]) < max(confirmed) / 2
    assert sum(confirmed) == Case.objects.filter(classification="confirmed").exclude(onset_date=None).count()


def test_rt_has_an_estimate_with_its_interval_for_some_windows(demo):
    clock = demo.clock
    found = epi.rt(_epi(), COUNTY, first=clock.first_day, last=clock.today)
    enough = [row for row in found.rows if row.enough]
    assert len(enough) >= 3
    assert all(row.lower < row.mean < row.upper for row in enough)
    assert enough[-1].mean < enough[0].mean  # the epidemic is brought under control


def test_the_epidemiologist_opens_the_outbreak(demo, client):
    client.force_login(_epi())
    first = Case.objects.order_by("reported_at").exclude(classification="excluded").first()
    cluster = Cluster.objects.order_by("pk").first()
    for url in (reverse("tracing:cases"), reverse("tracing:case", args=[first.pk]),
                reverse("tracing:case_chain", args=[first.pk]), reverse("tracing:clusters"),
                reverse("tracing:cluster", args=[cluster.pk]), reverse("tracing:investigation", args=[first.pk]),
                reverse("tracing:contacts"), reverse("tracing:epi"), reverse("tracing:notices")):
        page = client.get(url)
        assert page.status_code == 200, url
    chain = client.get(reverse("tracing:case_chain", args=[first.pk])).content.decode()
    assert "<svg" in chain and first.number in chain


def test_the_village_sees_its_contacts_on_the_ledger_today(demo, client):
    """The village worker of the first case's village has its close contacts on the ledger, their cadre, and finds
    them on today's list as close contacts, without anything of the case."""
    worker = User.objects.get(username="village2")
    mine = KeyPerson.objects.filter(region__code__startswith=worker.region_id, status=LedgerStatus.UNDER_MANAGEMENT,
                                    category="close_contact")
    assert mine.exists() and not mine.exclude(responsible=worker).exists()
    assert FollowUp.objects.filter(quarantine__key_person__in=mine).exists()
    client.force_login(worker)
    page = client.get(reverse("screening:today")).content.decode()
    assert any(kp.person.name in page for kp in mine)
    assert not any(case.number in page for case in Case.objects.all())
