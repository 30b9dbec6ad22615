"""Errors a service raises that are neither bad input (ValidationError, 422) nor a missing right
(PermissionDenied, 403): the write conflicts with other records (409)."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _


class Conflict(ValidationError):
    """The write cannot be done while other records depend on it (409 on the API). A ValidationError,
    so a page shows it on its form like any other refusal (core.forms.apply_service_error)."""


def blockers(exc: ProtectedError) -> str:
    """What keeps a row from being deleted, counted by kind: "隔离观察 2 条"."""
    counts = Counter(str(obj._meta.verbose_name) for obj in exc.protected_objects)
    return "、".join(_("%(kind)s %(count)s 条") % {"kind": kind, "count": count} for kind, count in counts.items())


def protected_conflict(what: str, exc: ProtectedError, advice: str = "") -> Conflict:
    """The Conflict for a delete that PROTECT foreign keys refused, naming what refers to `what`."""
    message = _("不能删除%(what)s：仍有%(blockers)s与之关联") % {"what": what, "blockers": blockers(exc)}
    return Conflict(f"{message}；{advice}" if advice else message)
