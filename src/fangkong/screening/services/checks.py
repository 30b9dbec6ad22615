"""每天一查: recording (and correcting) the daily check of a key person."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics import counters
from fangkong.audit import services as audit
from fangkong.core.health import Fever, FeverSource, fever_found, is_fever, parse_temperature
from fangkong.core.validation import as_date, choice, not_future, text

from .. import rollup
from ..models import CheckMethod, DailyCheck, KeyPerson, Status
from .common import require_in_scope, require_worker, today
from .timeline import record_event

CHECK_FIELDS = ["key_person", "region", "checked_on", "temperature", "symptoms", "method", "checked_by"]


def check_text(check: DailyCheck, corrected: bool) -> str:
    values = {"day": check.checked_on, "temperature": check.temperature,
              "method": check.get_method_display() or check.get_source_display()}
    if is_fever(check.temperature):
        message = _("%(day)s 发热 %(temperature)s°C（%(method)s）") % values
    else:
        message = _("%(day)s 体温 %(temperature)s°C（%(method)s）") % values
    if check.symptoms:
        message += _("，症状：%(symptoms)s") % {"symptoms": check.symptoms}
    return (_("更正：") + message) if corrected else message


@transaction.atomic
def record_daily_check(actor, key_person: KeyPerson, *, temperature, method: str, symptoms: str = "",
                       checked_on=None) -> tuple[DailyCheck, bool]:
    """记录检查: one check per key person and day; a second one for the same day replaces it.
    Returns (check, created)."""
    require_worker(actor)
    # Locking the entry serialises checks and status changes of one person.
    kp = KeyPerson.objects.select_for_update().get(pk=key_person.pk)
    require_in_scope(actor, kp.region_id)
    if kp.status != Status.UNDER_MANAGEMENT:
        raise ValidationError(_("%(name)s 已于%(day)s%(status)s，不能再记录检查") % {
            "name": kp.person.name, "day": kp.ended_on,
            "status": kp.get_status_display()})
    errors: dict = {}
    try:
        temperature = parse_temperature(temperature)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    method = choice(method, CheckMethod, "method", _("检查方式"), errors)
    symptoms = text(symptoms, "symptoms", _("症状"), 200, errors)
    day = as_date(checked_on, "checked_on", _("检查日期")) or today()
    not_future(day, "checked_on", _("检查日期"), errors)
    if day < kp.registered_on:
        errors.setdefault("checked_on", _("检查日期 %(day)s 早于登记日期 %(registered)s") % {
            "day": day, "registered": kp.registered_on})
    if errors:
        raise ValidationError(errors)
    check = DailyCheck.objects.filter(key_person=kp, checked_on=day).first()
    created = check is None
    old = [] if created else rollup.daily_check_contributions(check)
    before = None if created else audit.snapshot(check, CHECK_FIELDS)
    if created:
        check = DailyCheck(key_person=kp, checked_on=day)
    check.region_id, check.temperature, check.method = kp.region_id, temperature, method
    check.symptoms, check.checked_by = symptoms, actor
    check.save()
    counters.track_change(old, rollup.daily_check_contributions(check))
    record_event(kp, "fever_check" if is_fever(temperature) else "check", check_text(check, not created), actor)
    if is_fever(temperature):  # the transfer to the fever clinic, by the rule of every register
        fever_found(actor, Fever(person=kp.person_id, key_person=kp, temperature=temperature,
                                 source=FeverSource.DAILY_CHECK, at=timezone.now(), region_code=kp.region_id,
                                 symptoms=symptoms, checked=True))
    after = audit.snapshot(check, CHECK_FIELDS)
    if created:
        audit.record(actor, "daily_check.record", check, region=kp.region_id, after=after)
    else:
        old_audit, new_audit = audit.changes(before, after)
        audit.record(actor, "daily_check.update", check, region=kp.region_id, before=old_audit, after=new_audit)
    return check, created


@transaction.atomic
def delete_daily_check(actor, check: DailyCheck) -> None:
    """Remove a check recorded by mistake (for the wrong person, say); the timeline and audit say so."""
    require_worker(actor)
    check = DailyCheck.objects.select_for_update().select_related("key_person").get(pk=check.pk)
    require_in_scope(actor, check.region_id)
    old = rollup.daily_check_contributions(check)
    # the check of the day its person left management: the entry's own contributions count it (checks_leaving)
    leaving = check.key_person.ended_on == check.checked_on
    if leaving:
        old.extend(rollup.key_person_contributions(check.key_person))
    audit.record(actor, "daily_check.delete", check, region=check.region_id, before=audit.snapshot(check, CHECK_FIELDS))
    record_event(check.key_person, "check_deleted",
                 _("删除 %(day)s 的检查记录（%(temperature)s°C）") % {"day": check.checked_on,
                                                               "temperature": check.temperature}, actor)
    check.delete()
    counters.track_change(old, rollup.key_person_contributions(check.key_person) if leaving else [])
