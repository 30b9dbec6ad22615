"""A response at work for the purge tests, written through the services as staff write it: people on the ledger with
their daily checks, household visits, isolation with follow-ups, a fever and its transfer, checkpoint passages,
public check-ins confirmed by tracing, a pharmacy purchase, a case with its investigation and contacts, reviews,
reveals, daily reports and a brief.

`clock_at(moment)` runs the writes inside as if it were that moment (time going on from there), so one test holds
an old period (a month ago) and the present. Every value typed for a person is unique to them, so a dump of the
database can be searched for each.
"""

import contextlib
import datetime
import itertools
from dataclasses import dataclass, field
from unittest import mock

from django.apps import apps
from django.utils import timezone
from stdnum.cn import ric

from fangkong.accounts.models import Role
from fangkong.briefing import services as briefs
from fangkong.checkpoints.services import checkpoints as checkpoint_services
from fangkong.checkpoints.services import lookups, passages
from fangkong.core.days import day_start
from fangkong.medical import services as medical
from fangkong.people import identity
from fangkong.people import services as people
from fangkong.people.models import Person
from fangkong.places.models import Place, PlaceCode
from fangkong.places.selectors import check_ins as code_selectors
from fangkong.places.services import check_ins
from fangkong.quarantine.models import FollowUp
from fangkong.quarantine.services import followups, orders, transfers
from fangkong.reports import services as reports
from fangkong.screening.models import KeyPerson
from fangkong.screening.services import arrival_tasks, checks, key_persons, sweeps
from fangkong.tracing.services import cases, contacts, investigations, matching
from tests import factories as f

_serial = itertools.count(1)


@contextlib.contextmanager
def clock_at(moment: datetime.datetime):
    """django.utils.timezone.now, and every model field that defaults to it, shifted to `moment` (and going on)."""
    real = timezone.now
    offset = moment - real()

    def shifted():
        return real() + offset

    fields = [fd for m in apps.get_models() for fd in m._meta.concrete_fields if fd.default is real]
    with mock.patch("django.utils.timezone.now", shifted):
        for fd in fields:
            fd.default = shifted
            fd.__dict__.pop("_get_default", None)
        try:
            yield
        finally:
            for fd in fields:
                fd.default = real
                fd.__dict__.pop("_get_default", None)


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return day_start(day) + datetime.timedelta(hours=hour, minutes=minute)


def resident_id(seq: int, birth: str = "19750315") -> str:
    body = f"420921{birth}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class Someone:
    """A person of the response and every value typed for them (`values`: what must go, or stay, with them)."""

    tag: str
    name: str
    id_number: str
    phone: str
    region: str
    person_id: int | None = None
    values: set[str] = field(default_factory=set)

    def typed(self, *texts: str) -> None:
        self.values.update(t for t in texts if t)

    @property
    def digests(self) -> set[str]:
        return {identity.digest(identity.RESIDENT_ID, self.id_number), identity.digest("phone", self.phone)}


class Response:
    """The staff, places and people of one county's response; each method writes one piece through its service."""

    def __init__(self):
        f.county_tree()
        self.hq = f.user("hq_admin", Role.HQ_ADMIN, f.COUNTY, phone="13800000000")
        self.epi = f.user("epi", Role.EPIDEMIOLOGIST, f.COUNTY)
        self.cadre = {f.VILLAGE_A1: f.user("cadre_a1", Role.VILLAGE_WORKER, f.VILLAGE_A1),
                      f.VILLAGE_B1: f.user("cadre_b1", Role.VILLAGE_WORKER, f.VILLAGE_B1)}
        self.doctor = {f.VILLAGE_A1: f.user("doctor_a1", Role.DOCTOR, f.VILLAGE_A1),
                       f.VILLAGE_B1: f.user("doctor_b1", Role.DOCTOR, f.VILLAGE_B1)}
        self.checkpoint = checkpoint_services.create_checkpoint(
            self.hq, name="花园高速出口", kind="highway_exit", region_code=f.TOWN_A,
            opened_on=timezone.localdate() - datetime.timedelta(days=40))
        self.market = Place.objects.create(name="东岳农贸市场", kind="market", region_id=f.VILLAGE_A1)
        self.market_b = Place.objects.create(name="红旗超市", kind="supermarket", region_id=f.VILLAGE_B1)
        self.pharmacy = Place.objects.create(name="东岳大药房", kind="pharmacy", region_id=f.VILLAGE_A1)
        self.sweep = sweeps.create_sweep(self.hq, name="第一轮摸排", region_code=f.COUNTY,
                                         start_date=timezone.localdate() - datetime.timedelta(days=40),
                                         end_date=timezone.localdate())

    def someone(self, tag: str, name: str, region: str) -> Someone:
        n = next(_serial)
        return Someone(tag, name, resident_id(n), f"1370000{n:04d}", region)

    # one person's life on the ledger ----------------------------------------------------------------------

    def ledger_life(self, who: Someone, *, isolate: bool = True) -> None:
        """Registered with a household and visited, on the ledger with a check, isolated with follow-ups (one
        feverish, one excused), the transfer handled, released; every text typed unique to them."""
        t = who.tag
        household = people.create_household(self.hq, region_code=who.region, address=f"{t}村{t}组8号",
                                            head_name=f"{who.name}父")
        kp, _ = key_persons.register_key_person(
            self.hq, name=who.name, id_type="resident_id", id_number=who.id_number, region_code=who.region,
            category="returnee", phone=who.phone, address=f"{t}村{t}组8号", workplace=f"{t}建材厂",
            household=household.pk, origin=f"湖北省武汉市{t}小区", transport_number=f"G{t}",
            symptoms=f"{t}轻咳", note=f"{t}自武汉返乡",
            arrival_date=timezone.localdate() - datetime.timedelta(days=1))
        who.person_id = kp.person_id
        who.typed(who.name, who.id_number, who.phone, f"{t}村{t}组8号", f"{who.name}父", f"{t}建材厂",
                  f"湖北省武汉市{t}小区", f"G{t}", f"{t}轻咳", f"{t}自武汉返乡", *who.digests)
        key_persons.update_key_person(self.hq, kp, note=f"{t}已电话核实")
        who.typed(f"{t}已电话核实")
        sweeps.record_household_visit(self.hq, self.sweep, household, present_count=2,
                                      away_note=f"{t}之子在外务工", note=f"{t}家中无异常")
        who.typed(f"{t}之子在外务工", f"{t}家中无异常")
        checks.record_daily_check(self.hq, kp, temperature="36.6", method="visit", symptoms=f"{t}咽部不适")
        who.typed(f"{t}咽部不适")
        people.reveal_person(self.hq, kp.person)
        if not isolate:
            return
        order = orders.start_quarantine(self.hq, kp, cadre=self.cadre[who.region], doctor=self.doctor[who.region],
                                        home_address=f"{t}村{t}组8号")
        now = timezone.now()
        followups.record_follow_up(self.hq, order, temperature="38.4", method="phone", symptoms=["cough"],
                                   at=now, note=f"{t}夜间发热")
        who.typed(f"{t}夜间发热")
        due = FollowUp.objects.filter(quarantine=order, status="due").order_by("due_at").first()
        with clock_at(due.due_at + datetime.timedelta(hours=3)):
            followups.excuse_follow_up(self.hq, due, reason=f"{t}手机关机")
            who.typed(f"{t}手机关机")
            transfer = order.transfers.get()
            transfers.assign_transfer(self.hq, transfer, assignee=self.doctor[who.region], note=f"{t}由120接走")
            transfers.close_transfer(self.hq, transfer, status="cancelled", note=f"{t}复测体温正常")
            who.typed(f"{t}由120接走", f"{t}复测体温正常")
            orders.release_quarantine(self.hq, order, reason=f"{t}提前解除经专家组同意")
            who.typed(f"{t}提前解除经专家组同意")

    # met by other registers ---------------------------------------------------------------------------------

    def passage(self, who: Someone) -> None:
        """A passage at the checkpoint (recording the person if new), after a look-up of the number."""
        t = who.tag
        lookups.look_up_person(self.hq, self.checkpoint, id_type="resident_id", id_number=who.id_number)
        row = passages.register_passage(
            self.hq, self.checkpoint, id_number=who.id_number, name=who.name, temperature="36.5", outcome="pass",
            phone=who.phone, vehicle_plate=f"鄂K{next(_serial):05d}", origin=f"武汉{t}街道",
            destination=who.region, destination_text=f"{t}村{t}组9号")
        who.person_id = who.person_id or row.person_id
        who.typed(who.name, who.id_number, who.phone, row.vehicle_plate, f"武汉{t}街道", f"{t}村{t}组9号",
                  *who.digests)

    def check_in(self, who: Someone, place: Place, *, confirm: bool = True) -> None:
        """A public check-in as the visitor typed it, confirmed by tracing as the person's."""
        code = PlaceCode.objects.filter(place=place).first() or PlaceCode.objects.create(place=place)
        row = check_ins.check_in(code_selectors.active_code_by_token(code.token), phone=who.phone, name=who.name,
                                 id_number=who.id_number, origin=f"孝感{who.tag}镇")
        who.typed(who.name, who.phone, who.id_number, f"孝感{who.tag}镇", *who.digests)
        if confirm and who.person_id:
            matching.match_check_in(self.epi, row, who.person_id)

    def pharmacy_purchase(self, who: Someone) -> None:
        t = who.tag
        medical.register_purchase(self.hq, self.pharmacy, name=who.name, id_number=who.id_number, phone=who.phone,
                                  temperature="36.8", medicines=["cough"], home_region=who.region,
                                  address=f"{t}村{t}组10号", medicine_names=f"{t}止咳糖浆")
        who.typed(f"{t}村{t}组10号", f"{t}止咳糖浆")

    def case(self, who: Someone) -> None:
        """A case with its investigation, an itinerary stop and a contact outside the county."""
        t = who.tag
        case = cases.report_case(self.epi, person_id=who.person_id, classification="suspected",
                                 found_by="fever_clinic", reporting_unit="孝昌县人民医院",
                                 diagnosed_at=timezone.now() - datetime.timedelta(hours=1),
                                 onset_date=timezone.localdate(), note=f"{t}发热门诊首诊")
        inv = investigations.open_investigation(self.epi, case)
        investigations.update_investigation(self.epi, inv, exposure_kind="risk_area",
                                            exposure_note=f"{t}曾去武汉探亲", summary=f"{t}流调小结")
        investigations.add_stop(self.epi, inv, kind="place", starts_at=timezone.now() - datetime.timedelta(days=2),
                                place_name=f"{t}家庭聚餐饭店", note=f"{t}与家人聚餐")
        contacts.add_outside_contact(self.epi, case, name=f"{who.name}表亲", county="大悟县",
                                     phone=f"1590000{next(_serial):04d}", id_number=resident_id(next(_serial)),
                                     address=f"大悟县{t}村", kind="social", last_exposure_date=timezone.localdate(),
                                     note=f"{t}外县亲戚")
        who.typed(f"{t}发热门诊首诊", f"{t}曾去武汉探亲", f"{t}流调小结", f"{t}家庭聚餐饭店", f"{t}与家人聚餐",
                  f"{who.name}表亲", f"大悟县{t}村", f"{t}外县亲戚")

    def review(self, who: Someone, region: str) -> None:
        """Registered again by a village worker who may not change them: the registration is held for review."""
        worker = f.user(f"worker_{region}", Role.VILLAGE_WORKER, region)
        kp, _ = key_persons.register_key_person(
            worker, name=who.name, id_type="resident_id", id_number=who.id_number, region_code=region,
            category="fever", phone=who.phone, address=f"{who.tag}村{who.tag}组11号", note=f"{who.tag}又来登记")
        assert kp is None  # held for review
        who.typed(f"{who.tag}村{who.tag}组11号", f"{who.tag}又来登记")

    def arrival_task(self, who: Someone) -> None:
        task, _ = arrival_tasks.open_task(self.hq, kind="arrival", region_code=who.region,
                                          person=Person.objects.get(pk=who.person_id))
        arrival_tasks.close_task(self.hq, task, note=f"{who.tag}已上门核实")
        who.typed(f"{who.tag}已上门核实")

    # reports -------------------------------------------------------------------------------------------------

    def reports_of(self, day: datetime.date) -> None:
        """The village's and the county's daily reports of `day`, signed, and the county's brief."""
        for code, signer in ((f.VILLAGE_A1, self.cadre[f.VILLAGE_A1]), (f.VILLAGE_B1, self.cadre[f.VILLAGE_B1]),
                             (f.COUNTY, self.hq)):
            reports.submit_report(signer, code, day, f"{code}今日情况平稳")
        briefs.issue_brief(self.hq, f.COUNTY, day)

    def later_check(self, who: Someone) -> None:
        """A daily check today of someone registered long ago: still being worked on."""
        kp = KeyPerson.objects.get(person_id=who.person_id)
        checks.record_daily_check(self.hq, kp, temperature="36.4", method="phone", symptoms=f"{who.tag}今日无不适")
        who.typed(f"{who.tag}今日无不适")
