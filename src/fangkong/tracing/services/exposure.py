"""Writes of the exposure search (时空伴随排查): its audit entry and the contact list (.xlsx).

Revealing one person's full numbers is not here: it is the people app's `reveal_person`, the one rule (a
role that may reveal, the person in its scope) and the one audit action (person.reveal) of every reveal.

The contact list is masked for every role, always (decided here): it is a file handed on to screening teams,
and a list of hundreds of names with full ID numbers and phones is what leaked from WeChat groups in 2020.
Whoever has to call a contact reveals that one person, on the exposure page or through the API, each time
logged. Like every export, it carries the exporter's name and time and is audited. A contact not confirmed as
a person yet (the visitor of a public check-in) is listed with what they typed, masked, marked unconfirmed.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core.exports import Sheet, workbook_bytes

from ..selectors.exposure import CHECK_IN, CHECKPOINT, PASSAGE, PLACE, Exposure


def record_exposure_search(actor, found: Exposure) -> None:
    """Every search is logged: whose presences, which window, how many contacts."""
    audit.record(actor, "exposure.search", object_type="person", object_id=str(found.person.pk),
                 object_repr=found.person.name, region=actor.region_id, after={
                     "start": found.start.isoformat(), "end": found.end.isoformat(), "window_minutes": found.window,
                     "presences": len(found.presences), "contacts": len(found.contacts)})


def export_contacts(actor, found: Exposure) -> tuple[bytes, int]:
    """The contact list (.xlsx) for screening, numbers masked (see the module docstring); the export is audited."""
    kinds = {PLACE: _("场所"), CHECKPOINT: _("卡点")}
    sources = {CHECK_IN: _("扫码登记"), PASSAGE: _("通行登记")}
    headers = [_("姓名"), _("证件号码"), _("联系电话"), _("现住区划"), _("地点类型"), _("地点"), _("时间"),
               _("方式"), _("被查询人时间"), _("时间差（分钟）"), _("身份核对")]
    unconfirmed = _("未核对（扫码自填）")

    def rows():
        for c in found.contacts:
            p = c.person
            yield [p.name if p else "", p.masked_id if p else "", p.masked_phone if p else "",
                   p.region_name if p else "", str(kinds[c.kind]), c.where,
                   timezone.localtime(c.at).strftime("%Y-%m-%d %H:%M:%S"), str(sources[c.source]),
                   timezone.localtime(c.subject_at).strftime("%Y-%m-%d %H:%M:%S"), c.delta_minutes,
                   "" if c.confirmed else unconfirmed]

    title = _("时空伴随人员名单：%(name)s（%(start)s 至 %(end)s，±%(w)s分钟）") % {
        "name": found.person.name, "start": timezone.localtime(found.start).strftime("%Y-%m-%d %H:%M"),
        "end": timezone.localtime(found.end).strftime("%Y-%m-%d %H:%M"), "w": found.window}
    data, count = workbook_bytes([Sheet(_("时空伴随"), headers, rows(), title=title)], actor)
    audit.record_export(actor, "exposure_contacts", region=actor.region_id, rows=count, filters={
        "person_id": found.person.pk, "start": found.start.isoformat(), "end": found.end.isoformat(),
        "window_minutes": found.window, "numbers": "masked"})
    return data, count
