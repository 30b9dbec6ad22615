"""A fever found by another register, on the ledger: the person's entry (found, or put on the village's
ledger as a fever person) and the day's check that lists and counts them.

Called by the handler of fevers (quarantine.services.fevers, through core.health.fever_found), inside the
register's transaction and on the register's behalf: no ledger worker's rules here, the register checked
its own. The day's check is the one row per person and day that the today list shows and the roll-up's
fevers_found counts, so a fever found at a checkpoint is listed and counted where a village's check is.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core import region_codes as codes
from fangkong.core.health import Fever, FeverSource
from fangkong.regions.models import Region

from .. import rollup
from ..models import Category, DailyCheck, KeyPerson, Status
from .checks import CHECK_FIELDS
from .key_persons import apply_changes, create_entry
from .timeline import record_event

LEDGER_LEVELS = (codes.VILLAGE, codes.GRID)


def fever_text(fever: Fever) -> str:
    """发热 38.0°C（卡点测温，某某卡点）: the line the timeline, the task and the transfer carry."""
    where = FeverSource(fever.source).label if fever.source else ""
    if fever.place:
        where = f"{where}，{fever.place}" if where else fever.place
    text = _("发热 %(t)s°C") % {"t": fever.temperature}
    return f"{text}（{where}）" if where else text


def entry_for(actor, fever: Fever) -> KeyPerson | None:
    """The person's open ledger entry (the one given, else the latest open one of any category), or a new fever
    entry (发热咳嗽人员) on the ledger of `fever.region_code` when that is a village or grid; None when the
    person has no entry and no village is known."""
    if fever.key_person is not None:
        return fever.key_person
    found = (KeyPerson.objects.select_for_update().filter(person=fever.person, status=Status.UNDER_MANAGEMENT)
             .order_by("-registered_on", "-pk").first())
    if found is not None:
        return found
    if codes.level_of(fever.region_code) not in LEDGER_LEVELS:
        return None
    region = Region.objects.get(code=fever.region_code)
    day = timezone.localdate(fever.at)
    return create_entry(actor, fever.person, Category.FEVER, region, day, {
        "symptoms": _("发热"), "note": fever_text(fever)[:300]})


def note_fever(actor, kp: KeyPerson, fever: Fever) -> list[counters.Contribution]:
    """The fever on the entry, unless the register's row is the day's check already (`fever.checked`): its
    symptoms say 发热 (when they said nothing), and the day's check holds the fever: added, or raised to this
    temperature when the day's check read lower (a lower reading later that day does not hide it: the village
    corrects its own check by recording it again). The timeline line is the handler's. Returns the day check's
    change of the roll-up (old ones negated), for the caller's one `track_change`."""
    if fever.checked:  # the register's own row is the day's check, and says so
        return []
    if not kp.symptoms:
        apply_changes(actor, kp, {"symptoms": _("发热")}, kind="updated", prefix=_("发现发热，更新："))
    day = timezone.localdate(fever.at)
    if day < kp.registered_on:
        return []
    check = DailyCheck.objects.select_for_update().filter(key_person=kp, checked_on=day).first()
    if check is not None and check.temperature >= fever.temperature:
        return []
    created = check is None
    old = [] if created else rollup.daily_check_contributions(check)
    before = None if created else audit.snapshot(check, CHECK_FIELDS)
    if created:
        check = DailyCheck(key_person=kp, checked_on=day)
    check.region_id, check.temperature, check.method, check.source = kp.region_id, fever.temperature, "", fever.source
    check.symptoms, check.checked_by = fever.symptoms[:200], actor if getattr(actor, "pk", None) else None
    check.save()
    after = audit.snapshot(check, [*CHECK_FIELDS, "source"])
    if created:
        audit.record(actor, "daily_check.record", check, region=kp.region_id, after=after)
    else:
        old_audit, new_audit = audit.changes(before, after)
        audit.record(actor, "daily_check.update", check, region=kp.region_id, before=old_audit, after=new_audit)
    return [(region, on, metric, -value) for region, on, metric, value in old] + rollup.daily_check_contributions(check)


def record_fever_line(kp: KeyPerson, fever: Fever, actor, *, transfer_opened: bool) -> None:
    """The timeline line: what was found, where, and the transfer."""
    text = fever_text(fever)
    text += _("，已提请转送发热门诊") if transfer_opened else _("，已并入待处理的转送发热门诊请求")
    record_event(kp, "fever_found", text, actor)

