"""A deployment at work, for the backup test: `python -m tests.core.backup_writer setup|write STOPFILE|check FILE`.

setup  regions, staff, an isolation order and an uploaded file in a freshly migrated deployment
write  until STOPFILE exists: a person put on the ledger, then a follow-up of the order, each through its service in
       its own transaction, and "person <pk> <ID number>" / "follow_up <pk>" printed once committed (acknowledged)
check  FILE lists acknowledged writes as JSON; prints what a restored deployment finds of them: each ID number
       searched through the people selector as the county's staff, each follow-up by id, and every person's
       audit entry (a person without one would mean a copy taken in the middle of a transaction)
"""

import datetime
import itertools
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from fangkong.accounts.models import Role, User  # noqa: E402
from fangkong.audit.models import AuditEntry  # noqa: E402
from fangkong.people import selectors as people  # noqa: E402
from fangkong.people.models import Person  # noqa: E402
from fangkong.quarantine.models import FollowUp, Quarantine  # noqa: E402
from fangkong.quarantine.services import followups, orders  # noqa: E402
from fangkong.screening.services import key_persons  # noqa: E402
from tests import factories  # noqa: E402
from tests.people.ids import resident_id  # noqa: E402

UPLOAD = "uploads/notice.txt"
UPLOAD_TEXT = "门前告示：居家隔离\n"


def setup() -> None:
    factories.county_tree()
    hq = factories.user("backup_hq", Role.HQ_ADMIN, factories.COUNTY)
    cadre = factories.user("backup_cadre", Role.VILLAGE_WORKER, factories.VILLAGE_A1)
    doctor = factories.user("backup_doctor", Role.DOCTOR, factories.VILLAGE_A1)
    with transaction.atomic():
        kp, _ = key_persons.register_key_person(
            hq, name="隔离对象", id_type="resident_id", id_number=resident_id("19700101", "001"),
            region_code=factories.VILLAGE_A1, category="returnee", phone="13900000000",
            address="东岳村1组1号", arrival_date=timezone.localdate() - datetime.timedelta(days=2))
    with transaction.atomic():
        orders.start_quarantine(hq, kp, cadre=cadre, doctor=doctor)
    upload = Path(settings.MEDIA_ROOT) / UPLOAD
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text(UPLOAD_TEXT, encoding="utf-8")
    print("ready", flush=True)


def write(stop: Path) -> None:
    hq = User.objects.select_related("region").get(username="backup_hq")
    order = Quarantine.objects.get()
    for n in itertools.count(1):
        if stop.exists():
            break
        number = resident_id(f"1980{1 + n // 28 % 12:02d}{1 + n % 28:02d}", f"{n % 1000:03d}")
        with transaction.atomic():
            kp, _ = key_persons.register_key_person(
                hq, name=f"返乡{n}", id_type="resident_id", id_number=number, region_code=factories.VILLAGE_A2,
                category="returnee", phone=f"139{n:08d}")
        print("person", kp.person_id, number, flush=True)
        with transaction.atomic():
            fu = followups.record_follow_up(hq, order, temperature=Decimal("36.5"), method="phone",
                                            at=timezone.now())
        print("follow_up", fu.pk, flush=True)
        time.sleep(0.005)


def check(path: Path) -> None:
    acked = json.loads(path.read_text())
    hq = User.objects.select_related("region").get(username="backup_hq")
    found = {number: [p.pk for p in people.persons_for(hq, q=number).items] for number in acked["persons"]}
    follow_ups = sorted(FollowUp.objects.filter(pk__in=acked["follow_ups"]).values_list("pk", flat=True))
    audited = set(AuditEntry.objects.filter(action="person.create").values_list("object_id", flat=True))
    unaudited = [p for p in Person.objects.values_list("pk", flat=True) if str(p) not in audited]
    upload = Path(settings.MEDIA_ROOT) / UPLOAD
    print(json.dumps({"found": found, "follow_ups": follow_ups, "unaudited": unaudited,
                      "upload": upload.read_text(encoding="utf-8") if upload.exists() else None}))


if __name__ == "__main__":
    {"setup": lambda: setup(), "write": lambda: write(Path(sys.argv[2])),
     "check": lambda: check(Path(sys.argv[2]))}[sys.argv[1]]()
