"""Transmission links (传播链) and clusters (聚集性疫情). Decided here and nowhere else:

* Who: the investigators (permissions.can_investigate: headquarters and the CDC's investigation teams), for
  cases of their scope.
* A link is infector → infectee with a confidence. A case is never its own infector, a pair is linked once,
  and no link may close a cycle (an infectee cannot be an ancestor of its infector): links are written one at a
  time (a transaction lock), and the cycle test walks the infectee's descendants a level at a time.
* A cluster is two or more cases linked by a household, a place or a gathering, within 14 days: each case's
  date (onset, else the day it was reported) lies within CLUSTER_DAYS of the cluster's other cases. A case
  belongs to one cluster at most; two clusters found to be one are merged. The cluster's size and the dates
  of its first and last case are kept on its row here, so the cluster list reads no case.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core.days import local_day
from fangkong.core.locks import xact_lock
from fangkong.core.region_codes import covers, is_within
from fangkong.core.validation import choice, is_id, name_text, raise_if, text
from fangkong.regions.models import Region

from .. import permissions
from ..models import Case, Cluster, ClusterSetting, LinkConfidence, TransmissionLink

CLUSTER_DAYS = 14
MIN_CLUSTER_SIZE = 2
# a cycle test reads at most this many levels of descendants (a chain deeper than this is no chain of one outbreak)
MAX_CYCLE_DEPTH = 200
LINK_LOCK = "tracing.transmission_links"


def require_investigator(actor) -> None:
    if not permissions.can_investigate(actor):
        raise PermissionDenied(_("您的角色不能维护传播链和聚集性疫情"))


def _case(actor, value, field: str, errors: dict, *, lock: bool = False) -> Case | None:
    """A case of the actor's scope, by id, by number or as a Case; a message under `field` otherwise."""
    if value in (None, ""):
        errors.setdefault(field, _("请填写病例"))
        return None
    qs = Case.objects.select_for_update() if lock else Case.objects.all()
    if isinstance(value, Case):
        found = qs.filter(pk=value.pk).first()
    else:
        raw = str(value).strip()
        found = qs.filter(number=raw).first() or (qs.filter(pk=int(raw)).first() if is_id(raw) else None)
    if found is None or not covers(actor, found.region_id):
        errors.setdefault(field, _("病例 %(value)s 不存在或不在您的管辖范围内") % {"value": value})
        return None
    return found


def case_day(case: Case) -> datetime.date:
    """The day a case counts from in a cluster: its onset, else the day it was reported."""
    return case.onset_date or local_day(case.reported_at)


# Links ----------------------------------------------------------------------------------------------------

def _reaches(start: int, target: int) -> bool:
    """Whether `target` is `start` or one of its descendants through the links."""
    seen, frontier = {start}, {start}
    for _level in range(MAX_CYCLE_DEPTH):
        if target in frontier:
            return True
        if not frontier:
            return False
        found = set(TransmissionLink.objects.filter(infector_id__in=frontier).values_list("infectee_id", flat=True))
        frontier = found - seen
        seen |= found
    return target in seen


@transaction.atomic
def link_cases(actor, *, infector, infectee, confidence: str = LinkConfidence.PROBABLE, note: str = "") \
        -> TransmissionLink:
    """传播关系: `infector` infected `infectee` (ids, numbers or cases)."""
    require_investigator(actor)
    xact_lock(LINK_LOCK)
    errors: dict = {}
    source = _case(actor, infector, "infector", errors)
    target = _case(actor, infectee, "infectee", errors)
    confidence = choice(confidence or LinkConfidence.PROBABLE, LinkConfidence, "confidence", _("可信度"), errors)
    note = text(note, "note", _("说明"), 300, errors)
    raise_if(errors)
    if source.pk == target.pk:
        raise ValidationError({"infectee": _("病例 %(number)s 不能是自己的传染源") % {"number": source.number}})
    if TransmissionLink.objects.filter(infector=source, infectee=target).exists():
        raise ValidationError({"infectee": _("%(a)s → %(b)s 的传播关系已登记") % {"a": source.number, "b": target.number}})
    if _reaches(target.pk, source.pk):
        raise ValidationError({"infector": _("%(b)s 已在 %(a)s 的传播链下游，%(a)s → %(b)s 会形成循环") % {
            "a": source.number, "b": target.number}})
    link = TransmissionLink.objects.create(infector=source, infectee=target, confidence=confidence, note=note,
                                           created_by=actor)
    audit.record(actor, "transmission_link.add", link, region=target.region_id,
                 after={"infector": source.number, "infectee": target.number, "confidence": confidence, "note": note})
    return link


def _link(actor, link) -> TransmissionLink:
    pk = link.pk if isinstance(link, TransmissionLink) else link
    found = (TransmissionLink.objects.select_for_update(of=("self",)).select_related("infector", "infectee")
             .filter(pk=pk).first())
    if found is None or not (covers(actor, found.infector.region_id) and covers(actor, found.infectee.region_id)):
        raise PermissionDenied(_("该传播关系不存在或不在您的管辖范围内"))
    return found


@transaction.atomic
def change_link(actor, link, *, confidence: str, note: str | None = None) -> TransmissionLink:
    require_investigator(actor)
    link = _link(actor, link)
    errors: dict = {}
    confidence = choice(confidence, LinkConfidence, "confidence", _("可信度"), errors)
    note = link.note if note is None else text(note, "note", _("说明"), 300, errors)
    raise_if(errors)
    old = audit.snapshot(link, ["confidence", "note"])
    link.confidence, link.note = confidence, note
    link.save(update_fields=["confidence", "note"])
    before, after = audit.changes(old, audit.snapshot(link, ["confidence", "note"]))
    audit.record(actor, "transmission_link.change", link, region=link.infectee.region_id, before=before,
                 after=after)
    return link


@transaction.atomic
def remove_link(actor, link) -> None:
    require_investigator(actor)
    link = _link(actor, link)
    audit.record(actor, "transmission_link.remove", link, region=link.infectee.region_id,
                 before={"infector": link.infector.number, "infectee": link.infectee.number,
                         "confidence": link.confidence})
    link.delete()


# Clusters -------------------------------------------------------------------------------------------------

def refresh_cluster(cluster: Cluster) -> Cluster:
    """Size and first/last case date from the cluster's cases (one read of its own cases)."""
    days = [case_day(c) for c in Case.objects.filter(cluster=cluster).only("onset_date", "reported_at")]
    cluster.size = len(days)
    cluster.first_case_date = min(days, default=None)
    cluster.last_case_date = max(days, default=None)
    cluster.save(update_fields=["size", "first_case_date", "last_case_date"])
    return cluster


def _within_window(cases: list[Case], field: str, errors: dict) -> None:
    """Each case's day within CLUSTER_DAYS of another's: the cluster has no gap longer than the window."""
    ordered = sorted(cases, key=case_day)
    for before, after in zip(ordered, ordered[1:], strict=False):
        gap = (case_day(after) - case_day(before)).days
        if gap > CLUSTER_DAYS:
            errors.setdefault(field, _("病例 %(a)s（%(da)s）与 %(b)s（%(db)s）相隔%(n)d天，超过%(limit)d天，不属于同一起聚集性疫情") % {
                "a": before.number, "da": case_day(before), "b": after.number, "db": case_day(after), "n": gap,
                "limit": CLUSTER_DAYS})
            return


def _cases(actor, values, field: str, errors: dict) -> list[Case]:
    found: list[Case] = []
    for value in values or []:
        case = _case(actor, value, field, errors, lock=True)
        if case is not None and all(c.pk != case.pk for c in found):
            found.append(case)
    return found


def _region(actor, value, errors: dict) -> Region | None:
    code = str(getattr(value, "code", value) or "").strip()
    region = Region.objects.filter(code=code).first() if code else None
    if region is None or not covers(actor, region.code):
        errors.setdefault("region", _("区划 %(value)s 不存在或不在您的管辖范围内") % {"value": code or _("（空）")})
        return None
    return region


def _outside(cases: list[Case], region: Region | Cluster, field: str, errors: dict) -> None:
    """Every case of a cluster lies in the cluster's region, so whoever sees the cluster sees its cases."""
    code = region.region_id if isinstance(region, Cluster) else region.code
    for case in cases:
        if not is_within(case.region_id, code):
            errors.setdefault(field, _("病例 %(number)s 不在该聚集性疫情所属区划内，请选择更高一级的区划") % {
                "number": case.number})
            return


def _in_other_cluster(cases: list[Case], cluster: Cluster | None, errors: dict) -> None:
    for case in cases:
        if case.cluster_id and (cluster is None or case.cluster_id != cluster.pk):
            other = Cluster.objects.filter(pk=case.cluster_id).only("name").first()
            errors.setdefault("cases", _("病例 %(number)s 已属于聚集性疫情“%(name)s”，如为同一起请合并") % {
                "number": case.number, "name": other.name if other else case.cluster_id})
            return


@transaction.atomic
def create_cluster(actor, *, name: str, setting: str, region, cases, note: str = "") -> Cluster:
    """聚集性疫情 of `cases` (two or more, ids or numbers) in `region` (its scope)."""
    require_investigator(actor)
    errors: dict = {}
    name = name_text(name, "name", _("名称"), 100, errors, required=True)
    setting = choice(setting, ClusterSetting, "setting", _("类型"), errors)
    place = _region(actor, region, errors)
    note = text(note, "note", _("说明"), 300, errors)
    members = _cases(actor, cases, "cases", errors)
    if "cases" not in errors:
        if len(members) < MIN_CLUSTER_SIZE:
            errors["cases"] = _("聚集性疫情至少须有%(n)d例病例") % {"n": MIN_CLUSTER_SIZE}
        _in_other_cluster(members, None, errors)
        _within_window(members, "cases", errors)
        if place is not None:
            _outside(members, place, "cases", errors)
    raise_if(errors)
    cluster = Cluster.objects.create(name=name, setting=setting, region=place, note=note, created_by=actor,
                                     created_at=timezone.now())
    Case.objects.filter(pk__in=[c.pk for c in members]).update(cluster=cluster)
    refresh_cluster(cluster)
    audit.record(actor, "cluster.create", cluster, region=place.code,
                 after={"name": name, "setting": setting, "cases": [c.number for c in members], "note": note})
    return cluster


def _cluster(actor, cluster) -> Cluster:
    pk = cluster.pk if isinstance(cluster, Cluster) else cluster
    found = Cluster.objects.select_for_update().filter(pk=pk).first()
    if found is None or not covers(actor, found.region_id):
        raise PermissionDenied(_("该聚集性疫情不存在或不在您的管辖范围内"))
    return found


@transaction.atomic
def add_cases(actor, cluster, cases) -> Cluster:
    """Add cases (ids or numbers) to a cluster."""
    require_investigator(actor)
    cluster = _cluster(actor, cluster)
    errors: dict = {}
    members = _cases(actor, cases, "cases", errors)
    if not members and "cases" not in errors:
        errors["cases"] = _("请填写病例")
    if "cases" not in errors:
        new = [c for c in members if c.cluster_id != cluster.pk]
        if not new:
            errors["cases"] = _("病例 %(numbers)s 已在该聚集性疫情中") % {"numbers": "、".join(c.number for c in members)}
        _in_other_cluster(new, cluster, errors)
        _within_window([*Case.objects.filter(cluster=cluster), *new], "cases", errors)
        _outside(new, cluster, "cases", errors)
    raise_if(errors)
    Case.objects.filter(pk__in=[c.pk for c in new]).update(cluster=cluster)
    refresh_cluster(cluster)
    audit.record(actor, "cluster.add_cases", cluster, region=cluster.region_id,
                 after={"cases": [c.number for c in new], "size": cluster.size})
    return cluster


@transaction.atomic
def remove_case(actor, cluster, case) -> Cluster:
    """Take a case out of a cluster; a cluster keeps at least two (dissolve it otherwise)."""
    require_investigator(actor)
    cluster = _cluster(actor, cluster)
    errors: dict = {}
    member = _case(actor, case, "case", errors, lock=True)
    raise_if(errors)
    if member.cluster_id != cluster.pk:
        raise ValidationError({"case": _("病例 %(number)s 不在该聚集性疫情中") % {"number": member.number}})
    if cluster.size <= MIN_CLUSTER_SIZE:
        raise ValidationError({"case": _("聚集性疫情至少须有%(n)d例病例；如判定不成立，请撤销该聚集性疫情") % {
            "n": MIN_CLUSTER_SIZE}})
    Case.objects.filter(pk=member.pk).update(cluster=None)
    refresh_cluster(cluster)
    audit.record(actor, "cluster.remove_case", cluster, region=cluster.region_id,
                 after={"case": member.number, "size": cluster.size})
    return cluster


@transaction.atomic
def merge_clusters(actor, into, other) -> Cluster:
    """Two clusters found to be one: `other`'s cases join `into`, and `other` goes."""
    require_investigator(actor)
    pks = [into.pk if isinstance(into, Cluster) else into, other.pk if isinstance(other, Cluster) else other]
    if pks[0] == pks[1]:
        raise ValidationError({"other": _("不能与自身合并")})
    locked = {c.pk: c for c in Cluster.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    if len(locked) < 2 or not all(covers(actor, c.region_id) for c in locked.values()):
        raise PermissionDenied(_("该聚集性疫情不存在或不在您的管辖范围内"))
    target, gone = locked[int(pks[0])], locked[int(pks[1])]
    errors: dict = {}
    _within_window(list(Case.objects.filter(cluster__in=[target, gone])), "other", errors)
    _outside(list(Case.objects.filter(cluster=gone)), target, "other", errors)
    raise_if(errors)
    moved = list(Case.objects.filter(cluster=gone).values_list("number", flat=True))
    Case.objects.filter(cluster=gone).update(cluster=target)
    audit.record(actor, "cluster.merge", target, region=target.region_id,
                 after={"merged": gone.name, "merged_id": gone.pk, "cases": moved})
    gone.delete()
    return refresh_cluster(target)


@transaction.atomic
def dissolve_cluster(actor, cluster, *, reason: str) -> None:
    """撤销: the cluster was not one; its cases stay, in no cluster."""
    require_investigator(actor)
    cluster = _cluster(actor, cluster)
    reason = text(reason, "reason", _("理由"), 200, required=True)
    numbers = list(Case.objects.filter(cluster=cluster).values_list("number", flat=True))
    Case.objects.filter(cluster=cluster).update(cluster=None)
    audit.record(actor, "cluster.dissolve", cluster, region=cluster.region_id,
                 before={"name": cluster.name, "cases": numbers}, after={"reason": reason})
    cluster.delete()


@transaction.atomic
def case_dates_changed(case: Case) -> None:
    """A case's onset or report moved (services.cases): its cluster's first and last case dates follow."""
    if case.cluster_id:
        cluster = Cluster.objects.select_for_update().filter(pk=case.cluster_id).first()
        if cluster is not None:
            refresh_cluster(cluster)
