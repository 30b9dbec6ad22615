"""Demo data of the pharmacy register (药店购药登记): a step of `fangkong demo-data`, after the daily checks.

On the demo days (demo.clock): one pharmacy in each township, registered with the other key places on the
morning of day 1, with its place code (the public registration page) and its daily hygiene log. Every day
each pharmacy registers a few buyers of fever or cough medicine, residents of its township: about two in five
by the village doctor at the counter, the others by the buyers on the pharmacy's public page, confirmed by
their village within hours (today's are left to confirm, 待核实). A handful are fevers: every other day one
buyer with a temperature at or above the threshold (one of them says 发热 with a normal reading), and today
one confirmed and one waiting. A confirmed fever is what core.health.fever_found makes of it, written as
rows: the buyer on their village's ledger as a fever person from that day (then checked every day like the
others), the fever as that day's check, the timeline lines, and the transfer to the fever clinic, handled
within hours but for today's.

Rows are bulk-created; the counters get the contributions the services would have tracked, summed.
"""

import datetime
import random
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.checkpoints.models import Passage
from fangkong.core.actors import SYSTEM
from fangkong.core.days import local_day
from fangkong.core.health import Fever, FeverSource, fever_threshold
from fangkong.core.region_codes import within
from fangkong.core.validation import fmt
from fangkong.medical.models import Channel, PharmacyPurchase
from fangkong.medical.rollup import purchase_contributions
from fangkong.people.models import Person
from fangkong.places.models import HygieneLog, Place, PlaceCode, PlaceKind
from fangkong.places.rollup import hygiene_contributions, place_contributions
from fangkong.quarantine.models import TransferRequest, TransferStatus
from fangkong.quarantine.rollup import transfer_contributions
from fangkong.screening import rollup as screening_rollup
from fangkong.screening.models import Category, DailyCheck, KeyPerson, KeyPersonEvent, Symptom
from fangkong.screening.services.fevers import fever_text
from fangkong.screening.services.timeline import event_row

from .checkpoint_sites import SET_UP_HOUR, Geography, local
from .clock import MINUTE, Clock, clock_of
from .screening import CheckRow, Workers, build_checks, check_events, insert_rows, ledger_events

COUNTY = "420921000000"
A_DAY = (1, 4)  # purchases a pharmacy registers a day
STAFF_SHARE = .4
# (symptoms, medicines, names): what the buyers of the demo bought, and why
BASKETS = [
    (["cough"], ["cough"], "川贝枇杷膏"), (["cough", "sore_throat"], ["cough", "antibiotic"], "阿莫西林胶囊"),
    ([], ["antipyretic"], "布洛芬缓释胶囊"), (["sore_throat"], ["antibiotic"], "头孢克肟分散片"),
    (["cough", "fatigue"], ["antiviral", "cough"], "连花清瘟胶囊"), ([], ["antiviral"], "奥司他韦"),
    (["muscle_ache"], ["antipyretic"], "对乙酰氨基酚片"), ([], ["cough"], "复方甘草片"),
]
FEVER_BASKETS = [(["fever", "cough"], ["antipyretic", "cough"], "布洛芬缓释胶囊"),
                 (["fever"], ["antipyretic", "antiviral"], "连花清瘟胶囊"),
                 (["fever", "fatigue", "muscle_ache"], ["antipyretic"], "对乙酰氨基酚片")]
CLOSING = [(TransferStatus.DONE, "已由120送发热门诊就诊，排除新冠肺炎，居家观察"),
           (TransferStatus.DONE, "已送发热门诊，血常规正常，返家继续监测体温")]


def medical_demo(options, log):
    """The `fangkong demo-data` step of the pharmacy register (in demo.steps.STEPS)."""
    clock = clock_of(options)
    rng = random.Random(2020_02_05)
    with transaction.atomic():
        built = Register(rng, clock)
        built.pharmacies()
        built.purchases()
        built.fevers()
        built.save()
        figures = {"pharmacies": len(built.shops), "purchases": len(built.rows),
                   "fevers": sum(1 for row in built.rows if row.fever),
                   "pending": sum(1 for row in built.rows if row.person_id is None)}
        audit.record(SYSTEM, "demo.medical", object_type="demo", object_repr="药店购药登记演示数据", region=COUNTY,
                     after=figures)
    log(f"pharmacy register: {figures['pharmacies']} pharmacies, {figures['purchases']} purchases "
        f"({figures['fevers']} fevers, {figures['pending']} waiting to be confirmed)")


class Register:
    def __init__(self, rng: random.Random, clock: Clock):
        self.rng, self.clock, self.now = rng, clock, clock.now
        self.shops: list[Place] = []
        self.rows: list[PharmacyPurchase] = []
        self.hygiene: list[HygieneLog] = []
        self.workers = Workers()
        self.doctors = {u.region_id: u for u in User.objects.filter(role="doctor", region__isnull=False)}
        # on a ledger, or an arrival from a risk area: the hidden returnees (on no ledger) are the reconciliation's
        # story, which a fever here would end by putting them on one
        taken = set(KeyPerson.objects.values_list("person_id", flat=True)) | set(
            Passage.objects.filter(from_risk_area=True, person__isnull=False).values_list("person_id", flat=True))
        self.residents: dict[str, list[tuple]] = {}  # township code → (person fields…, taken by another story)
        # adults with a phone: who buys medicine and is called back
        for row in Person.objects.filter(within(COUNTY)).exclude(phone="").values_list(
                "pk", "name", "id_type", "id_number", "id_digest", "phone", "phone_digest", "region_id", "address"):
            self.residents.setdefault(row[7][:9] + "000", []).append((*row, row[0] in taken))
        self.key_persons: list[KeyPerson] = []
        self.checks: list[CheckRow] = []
        self.fever_checks: list[tuple[KeyPerson, DailyCheck]] = []
        self.lines: list = []
        self.transfers: list[TransferRequest] = []

    # The pharmacies ------------------------------------------------------------------------------------

    def pharmacies(self) -> None:
        geo = Geography()
        created = local(self.clock.first_day, SET_UP_HOUR, 15)
        for n, township in enumerate(geo.townships):
            stem = township.name[:-1] if township.name.endswith(("镇", "乡")) else township.name[:2]
            village = geo.village(township, n + 2)
            self.shops.append(Place(name=f"{stem}大药房", kind=PlaceKind.PHARMACY, region=village,
                                    address=f"{township.name}{village.name}", operator=f"{stem}大药房有限公司",
                                    operator_phone=f"0712-{self.rng.randrange(4000000, 4999999)}",
                                    created_at=created, updated_at=created))
        Place.objects.bulk_create(self.shops)
        PlaceCode.objects.bulk_create([PlaceCode(place=p, created_at=created) for p in self.shops])
        for shop in self.shops:
            worker = self.workers.for_region(shop.region_id)
            for day in self.clock.days():
                at = self.clock.moment(self.rng, day, (8, 9))
                if at is not None and self.rng.random() > .03:
                    self.hygiene.append(HygieneLog(place=shop, region_id=shop.region_id, day=day, cleaned=True,
                                                   disinfected=True, patrolled=True, recorded_by=worker, created_at=at))

    # The purchases -------------------------------------------------------------------------------------

    def _buyer(self, shop: Place, *, fresh: bool) -> tuple | None:
        """A resident of the pharmacy's township; `fresh`: one on no ledger and no arrival (a fever puts them on the
        ledger)."""
        people = [p for p in self.residents.get(shop.region_id[:9] + "000", ()) if not fresh or not p[-1]]
        return self.rng.choice(people) if people else None

    def _purchase(self, shop: Place, at: datetime.datetime, buyer: tuple, basket, temperature: Decimal,
                  *, staff: bool, confirm: bool) -> PharmacyPurchase:
        pk, name, id_type, id_number, id_digest, phone, phone_digest, region, address, _listed = buyer
        symptoms, medicines, names = basket
        doctor = self.doctors.get(shop.region_id)
        row = PharmacyPurchase(
            pharmacy=shop, region_id=shop.region_id, home_region_id=region, address=address, name=name,
            id_type=id_type, id_number=id_number, id_digest=id_digest, phone=phone,
            phone_digest=phone_digest, temperature=temperature, symptoms=symptoms, medicines=medicines,
            medicine_names=names, bought_at=at, channel=Channel.STAFF if staff else Channel.PUBLIC,
            recorded_by=doctor if staff else None,
            fever=temperature >= fever_threshold() or Symptom.FEVER in symptoms)
        if staff:
            row.person_id = pk
        elif confirm:
            row.person_id = pk
            row.confirmed_by = self.workers.for_region(region) or doctor
            row.confirmed_at = min(at + self.rng.randrange(30, 180) * MINUTE, self.now - MINUTE)
        self.rows.append(row)
        return row

    def _temperature(self) -> Decimal:
        return Decimal(f"{min(37.1, max(35.9, self.rng.gauss(36.5, .25))):.1f}")

    def purchases(self) -> None:
        for shop in self.shops:
            for day in self.clock.days():
                for _i in range(self.rng.randint(*A_DAY)):
                    at = self.clock.moment(self.rng, day, (8, 20))
                    buyer = self._buyer(shop, fresh=False)
                    if at is None or buyer is None:
                        continue
                    staff = self.rng.random() < STAFF_SHARE
                    self._purchase(shop, at, buyer, self.rng.choice(BASKETS), self._temperature(), staff=staff,
                                   confirm=day < self.clock.today)

    # The fevers -----------------------------------------------------------------------------------------

    def fevers(self) -> None:
        """Every other day a fever, found as the handler would find it; today one confirmed and one waiting."""
        days = self.clock.days()[1::2]
        if self.clock.today not in days:
            days.append(self.clock.today)
        threshold = float(fever_threshold())
        for n, day in enumerate(days):
            shop = self.shops[(3 * n) % len(self.shops)]
            at = self.clock.moment(self.rng, day, (8, 20))
            buyer = self._buyer(shop, fresh=True)
            if at is None or buyer is None:
                continue
            said_only = n == 1  # 发热 said, after a tablet: a normal reading
            temperature = self._temperature() if said_only else Decimal(f"{self.rng.uniform(threshold, 39.0):.1f}")
            row = self._purchase(shop, at, buyer, FEVER_BASKETS[n % len(FEVER_BASKETS)], temperature,
                                 staff=n % 2 == 0, confirm=True)
            self._found(row, buyer, shop)
            self.residents[shop.region_id[:9] + "000"].remove(buyer)
        today = self.clock.moment(self.rng, self.clock.today, (8, 20))
        buyer = self._buyer(self.shops[1], fresh=True)
        if today is not None and buyer is not None:  # waiting for the village to call
            self._purchase(self.shops[1], today, buyer, FEVER_BASKETS[0], Decimal("38.2"), staff=False, confirm=False)

    def _found(self, row: PharmacyPurchase, buyer: tuple, shop: Place) -> None:
        """What core.health.fever_found writes for a buyer on no ledger, as rows, at the moment it is found."""
        found_at = row.confirmed_at or row.bought_at
        words = Symptom.words()
        place = shop.name if row.temperature >= fever_threshold() else _("%(name)s，自述发热") % {"name": shop.name}
        fever = Fever(person=buyer[0], temperature=row.temperature, source=FeverSource.PHARMACY, at=row.bought_at,
                      region_code=row.home_region_id, place=place, symptoms="、".join(words[s] for s in row.symptoms))
        text = fever_text(fever)
        kp = KeyPerson(person_id=buyer[0], category=Category.FEVER, region_id=row.home_region_id,
                       registered_on=local_day(row.bought_at), symptoms=_("发热"), note=text[:300],
                       responsible=self.workers.for_region(row.home_region_id), created_at=found_at,
                       updated_at=found_at)
        check = DailyCheck(region_id=row.home_region_id, checked_on=local_day(row.bought_at),
                           temperature=row.temperature, method="", source=FeverSource.PHARMACY,
                           symptoms=fever.symptoms[:200], checked_by=None, created_at=found_at)
        transfer = TransferRequest(person_id=buyer[0], region_id=row.home_region_id, reason=text[:200],
                                   source=FeverSource.PHARMACY, temperature=row.temperature, opened_at=found_at,
                                   notes=f"[{fmt(row.bought_at)}] {text}")
        if found_at < self.now - 6 * 60 * MINUTE:  # handled within hours, but for today's
            status, note = self.rng.choice(CLOSING)
            transfer.status, transfer.closed_at = status, found_at + self.rng.randrange(60, 300) * MINUTE
            transfer.notes += f"\n[{fmt(transfer.closed_at)}] {note}"
        self.key_persons.append(kp)
        self.fever_checks.append((kp, check))
        self.transfers.append((kp, transfer))
        self.lines.append((kp, found_at, text + _("，已提请转送发热门诊")))

    # Saving --------------------------------------------------------------------------------------------

    def save(self) -> None:
        self.rows.sort(key=lambda r: r.bought_at)
        KeyPerson.objects.bulk_create(self.key_persons)
        for kp, check in self.fever_checks:
            check.key_person = kp
        for kp, transfer in self.transfers:
            transfer.key_person = kp
        DailyCheck.objects.bulk_create([check for _kp, check in self.fever_checks])
        TransferRequest.objects.bulk_create([t for _kp, t in self.transfers])
        PharmacyPurchase.objects.bulk_create(self.rows, batch_size=1000)
        HygieneLog.objects.bulk_create(self.hygiene, batch_size=1000)
        # the days after the fever: checked like everyone on the ledger (the fever's day is the pharmacy's check)
        later = [c for c in build_checks(self.rng, self.key_persons, self.clock)
                 if c.checked_on > next(k.registered_on for k in self.key_persons if k.pk == c.key_person_id)]
        insert_rows(DailyCheck, later)
        events = ledger_events(self.key_persons) + check_events(later)
        events += [event_row(kp.pk, "fever_found", text, at=at, actor_id=None) for kp, at, text in self.lines]
        insert_rows(KeyPersonEvent, events)
        self._track(later)

    def _track(self, later: list[CheckRow]) -> None:
        items = [c for p in self.shops for c in place_contributions(p)]
        items += [c for log in self.hygiene for c in hygiene_contributions(log)]
        items += [c for row in self.rows for c in purchase_contributions(row)]
        items += [c for kp in self.key_persons for c in screening_rollup.key_person_contributions(kp)]
        items += [c for _kp, check in self.fever_checks for c in screening_rollup.daily_check_contributions(check)]
        items += [c for check in later for c in screening_rollup.daily_check_contributions(check)]
        items += [c for _kp, t in self.transfers for c in transfer_contributions(t)]
        summed = Counter()
        for code, day, metric, amount in items:
            summed[(code, day, metric)] += amount
        counters.track_change([], [(code, day, metric, amount) for (code, day, metric), amount in summed.items()])

