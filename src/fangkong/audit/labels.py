"""How the audit trail reads to a person (the 审计日志 page and its export): actions, object types and the
fields of before/after in Chinese, values as 是/否/空, choice labels, names and local times.

The trail stores what the code says ("quarantine.start", {"planned_end": "2020-02-14T08:00:00+00:00"}).
Each app registers the labels of its own actions, and of the payload keys that are not fields of its models,
in its `audit_labels.py` (imported by its AppConfig.ready(), like its menu), so audit knows no feature app.
A key that is a field of the audited model reads as that field's name, its value through the field.
"""

import datetime
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEntry

_actions: dict[str, str] = {}
_object_types: dict[str, str] = {}
_fields: dict[str, str] = {}
_values: dict[str, dict[str, str]] = {}
_field_sources: list[Callable[[], dict]] = []


def register(*, actions: dict | None = None, object_types: dict | None = None, fields: dict | None = None,
             values: dict | None = None, field_source: Callable[[], dict] | None = None) -> None:
    """Labels of an app's actions ("quarantine.start": 开始隔离), of object types that are no model
    ("ledger": 台账), of payload keys that are no field of the audited model ("rows": 行数), and the labels
    of a key's stored values where no model field has them ("symptoms": Symptom.choices). `field_source`
    answers key labels that other apps add later (the roll-up's figures), asked when an entry is read."""
    if field_source is not None:
        _field_sources.append(field_source)
    _actions.update(actions or {})
    _object_types.update(object_types or {})
    _fields.update(fields or {})
    for key, choices in (values or {}).items():
        _values[key] = dict(choices)


register(
    actions={"export": gettext_lazy("导出")},
    fields={"rows": gettext_lazy("行数"), "filters": gettext_lazy("筛选条件"), "status": gettext_lazy("状态"),
            "note": gettext_lazy("备注"), "reason": gettext_lazy("原因"), "name": gettext_lazy("名称"),
            "at": gettext_lazy("时间"), "day": gettext_lazy("日期"), "date_from": gettext_lazy("起始日期"),
            "date_to": gettext_lazy("截止日期"), "region": gettext_lazy("区划"), "action": gettext_lazy("操作"),
            "actor": gettext_lazy("操作人"), "object_type": gettext_lazy("对象类型"),
            "source": gettext_lazy("来源"), "after": gettext_lazy("翻页位置")},
)

SYSTEM_NAME = "system"  # the name the trail keeps for the system itself (core.actors)
LIST_SHOWN = 10  # items of a long list (ids of an import) shown before "等N项"
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_CODE = re.compile(r"\d{12}(\d{3})?")


def is_known(action: str) -> bool:
    return action in _actions


def action_label(action: str) -> str:
    """The action in words; one no app registered keeps its stored name (a test holds every app to it)."""
    label = _actions.get(action)
    return str(label) if label is not None else action


def action_choices() -> list[tuple[str, str]]:
    """Every registered action with its label, by label, for the page's filter."""
    return sorted(((name, str(label)) for name, label in _actions.items()), key=lambda c: (c[1], c[0]))


def _model(object_type: str) -> type[models.Model] | None:
    return _models().get(object_type)


@functools.cache
def _models() -> dict[str, type[models.Model]]:
    # asked for every payload key of every entry shown: the model registry is fixed once Django is set up
    return {m._meta.model_name: m for m in apps.get_models()}


def object_type_label(object_type: str) -> str:
    if object_type in _object_types:
        return str(_object_types[object_type])
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def object_type_choices() -> list[tuple[str, str]]:
    # the models of Fangkong's apps that have a name of their own (Django's and unnamed ones are no one's choice)
    found = {m._meta.model_name: str(m._meta.verbose_name) for m in apps.get_models()
             if m.__module__.startswith("fangkong.") and "verbose_name" in m._meta.original_attrs}
    found.update({k: str(v) for k, v in _object_types.items()})
    return sorted(found.items(), key=lambda c: (c[1], c[0]))


def actor_label(entry: AuditEntry) -> str:
    """The one who acted, by name (their 姓名, or place and role); the stored login name when the account
    is gone; 系统 for the system."""
    if entry.actor_id is not None and entry.actor is not None:
        return str(entry.actor)
    return _("系统") if entry.actor_name in ("", SYSTEM_NAME) else entry.actor_name


def _field(model, key: str):
    if model is None:
        return None
    for name in (key, key[:-3] if key.endswith("_id") else None):
        if name:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.concrete:  # not a reverse relation that happens to share a payload key's name
                return field
    return None


def sourced_labels() -> dict:
    """The key labels the `field_source`s answer now, merged (the first source to name a key wins)."""
    found: dict = {}
    for source in reversed(_field_sources):
        found.update(source())
    return found


def field_label(model, key: str, sourced: dict | None = None) -> str:
    """The label of a payload key. `sourced` is `sourced_labels()` read once by the caller: a page of entries asks
    for thousands of keys (a daily report holds every figure), and each source builds all its labels anew."""
    field = _field(model, key)
    if field is not None and field.is_relation and field.verbose_name == field.name.replace("_", " "):
        return str(field.related_model._meta.verbose_name)  # a link named by Django alone reads as what it links to
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    if key in _fields:
        return str(_fields[key])
    label = (sourced_labels() if sourced is None else sourced).get(key)
    return key if label is None else str(label)


def _as_key(field, value):
    """`value` as a key of the field's related model, or None when it cannot be one (asking the database for it
    would fail the whole page)."""
    try:
        return field.target_field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


class Reader:
    """Reads the before/after of a batch of entries: the related objects and regions their values name are
    looked up once for the batch (a query per related model), not per value."""

    def __init__(self, entries: Iterable[AuditEntry]):
        self.entries = list(entries)
        self._region = apps.get_model("regions", "Region")
        self._sourced: dict | None = None
        wanted: dict[type[models.Model], set] = defaultdict(set)
        region_codes: set[str] = set()
        for entry in self.entries:
            model = _model(entry.object_type)
            for payload in (entry.before, entry.after):
                self._collect(model, payload, wanted, region_codes)
        self.names: dict[tuple[type[models.Model], str], str] = {}
        for related, pks in wanted.items():
            for obj in related._base_manager.filter(pk__in=pks):
                self.names[(related, str(obj.pk))] = str(obj)
        if region_codes:  # a region named by its code outside a field of the model (a filter, a move)
            self.names.update({(self._region, code): name for code, name in
                               self._region.objects.filter(code__in=region_codes).values_list("code", "name")})

    def _collect(self, model, payload, wanted, region_codes) -> None:
        if not isinstance(payload, dict):
            return
        for key, value in payload.items():
            field = _field(model, key)
            if field is not None and field.is_relation and field.many_to_one and value not in (None, ""):
                if (key_value := _as_key(field, value)) is not None:
                    wanted[field.related_model].add(key_value)
            elif isinstance(value, str) and _CODE.fullmatch(value):
                region_codes.add(value)
            elif isinstance(value, dict):
                self._collect(None, value, wanted, region_codes)
            if _CODE.fullmatch(key):  # a figure per region
                region_codes.add(key)

    def lines(self, entry: AuditEntry, payload) -> list[tuple[str, str]]:
        """(field label, value) pairs of a before or after, in the stored order."""
        if payload is None:
            return []
        if not isinstance(payload, dict):
            return [("", self.text(None, None, payload))]
        model = _model(entry.object_type)
        return [(self._label(model, key), self.text(model, key, value)) for key, value in payload.items()]

    def _label(self, model, key: str) -> str:
        if self._sourced is None:
            self._sourced = sourced_labels()  # once per batch, in the language of the request that reads it
        return field_label(model, key, self._sourced)

    def text(self, model, key: str | None, value) -> str:
        """One stored value as a person reads it."""
        field = _field(model, key) if key else None
        if value is None or value == "" or value == [] or value == {}:
            return _("空")
        if value is True:
            return _("是")
        if value is False:
            return _("否")
        if field is not None and field.is_relation and field.many_to_one:
            if _as_key(field, value) is None:  # a name kept where the model holds a key (a room by its name)
                return self._string(value) if isinstance(value, str) else str(value)
            return self.names.get((field.related_model, str(value)), f"#{value}")
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if key in _values and not isinstance(value, list | dict):
            return str(_values[key].get(value, value))
        if isinstance(value, list):
            shown = [self.text(None, key, v) for v in value[:LIST_SHOWN]]
            more = _("等%(n)s项") % {"n": len(value)} if len(value) > LIST_SHOWN else ""
            return "、".join(shown) + more
        if isinstance(value, dict):
            return "；".join(f"{self._key(k)}：{self.text(None, k, v)}" for k, v in value.items())
        if isinstance(value, str):
            return self._string(value)
        return str(value)

    def _key(self, key: str) -> str:
        """A key of a nested record: a region by its name, else as field_label reads it."""
        if _CODE.fullmatch(key):
            return self.names.get((self._region, key), key)
        return self._label(None, key)

    def _string(self, value: str) -> str:
        if _MOMENT.fullmatch(value):
            try:
                moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")
        if _CODE.fullmatch(value):
            return self.names.get((self._region, value), value)
        return value
