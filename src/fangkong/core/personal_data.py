"""Where personal data is kept: the registry every app fills from its own `personal_data.py`, so the end-of-response
purge (fangkong.privacy, DESIGN §3) erases all of it and forgets none.

An app declares each model that holds data about a person (`register`): the fields to erase, the row's region and
moment (which rows lie in a purge's region and period), and the persons it is about (lookups to the register of
persons, which itself is declared once with `subject=True`). A model whose fields only look personal (a place's
name, a staff account's phone) says why they stay (`keep`). tests/privacy/test_coverage.py fails on any model with a
field that looks personal, any free-text, JSON or file field, or any link to a person that no declaration covers.

Erasing keeps the row (every figure and roll-up counts rows by their region, day and state, which stay): a required
text becomes ERASED, an optional one empty, a nullable field NULL, a JSON field its default, a file is deleted.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models

ERASED = "***"

# Field names that look like a person's data; every field so named must be erased or kept with a reason.
PERSONAL_LOOKING = re.compile(
    r"name|phone|id_number|digest|address|note|reason|symptom|text|comment|summary|email|plate|transport_number"
    r"|seat|submission|remark|description|handover|origin|destination|workplace|birth|situation|steps|location"
    r"|issuer|operator|head|outside|alias|allerg|history|occupation|contact")
FREE_FORM = (models.TextField, models.JSONField, models.FileField, models.BinaryField)


@dataclass(frozen=True)
class Holder:
    """A model holding personal data. `region` and `moment`: lookups (from the model) of the row's region and of the
    date or time that places it in a period; `persons`: lookups of the persons the row is about (the subject's
    primary keys); `audit_keys`: keys of its audit entries' payloads that hold personal values under another name
    than a field's (a masked ID number); `audit_alias`: a payload key of its audit entries naming another id whose
    entries are the same record's (the twin merged into a person)."""

    model: type[models.Model]
    erase: tuple[str, ...]
    region: str
    moment: str
    persons: tuple[str, ...] = ()
    subject: bool = False
    audit_keys: tuple[str, ...] = ()
    audit_alias: str = ""
    kept: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.model._meta.label

    def fields(self) -> list[models.Field]:
        return [self.model._meta.get_field(name) for name in self.erase]


_holders: dict[str, Holder] = {}
_kept: dict[str, dict[str, str]] = {}


def register(model, *, erase, region: str, moment: str, persons=(), subject: bool = False, audit_keys=(),
             audit_alias: str = "", kept: dict[str, str] | None = None) -> Holder:
    """Declare `model` as holding personal data (see Holder); registering it again replaces the first."""
    holder = Holder(model, tuple(erase), region, moment, tuple(persons), subject, tuple(audit_keys), audit_alias,
                    dict(kept or {}))
    for name in holder.erase:
        erased_value(_field(model, name))  # refuses a field it could not erase
    for lookup in (region, moment, *holder.persons):
        _check_lookup(model, lookup)
    _holders[holder.label] = holder
    return holder


def keep(model, **why: str) -> None:
    """Declare that these fields of `model` (a model, or its label for core's own) look personal but are not a
    person's data, each with the reason."""
    if not isinstance(model, str):
        for name in why:
            _field(model, name)
    _kept.setdefault(model if isinstance(model, str) else model._meta.label, {}).update(why)


def holders() -> list[Holder]:
    return sorted(_holders.values(), key=lambda h: (not h.subject, h.label))


def subject() -> Holder:
    found = [h for h in _holders.values() if h.subject]
    if len(found) != 1:
        raise ImproperlyConfigured(f"one register of persons is declared with subject=True, not {len(found)}")
    return found[0]


def holder_of(model) -> Holder | None:
    return _holders.get(model._meta.label)


def kept_fields(model) -> dict[str, str]:
    """Fields of `model` declared as not personal, with why (by `keep` or a holder's `kept`)."""
    holder = holder_of(model)
    return {**_kept.get(model._meta.label, {}), **(holder.kept if holder else {})}


def erased_value(f: models.Field):
    """What an erased field holds."""
    if isinstance(f, models.FileField):
        return ""
    if isinstance(f, models.JSONField):
        return f.get_default()
    if f.null:
        return None
    if isinstance(f, models.CharField | models.TextField):
        return "" if f.blank else ERASED
    raise ImproperlyConfigured(f"{f.model._meta.label}.{f.name}: no erased value for a {type(f).__name__}")


def _field(model, name: str) -> models.Field:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        raise ImproperlyConfigured(f"{model._meta.label} has no field {name!r}") from None


def _check_lookup(model, lookup: str) -> None:
    current = model
    for part in lookup.split("__"):
        f = _field(current, part)
        if f.is_relation and f.related_model is not None:
            current = f.related_model


# core's own model, declared by label (core imports no model of its own here): the periodic jobs' runs
keep("core.PeriodicRun", result="what a periodic job reported: counts", error="a job's failure, for the operator")
