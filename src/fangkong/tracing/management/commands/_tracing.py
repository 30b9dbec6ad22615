"""What the cases, investigations, contacts, notices and lab commands share: the acting user, the refusals said as the
command's error, and JSON out (the rows are the API's, tracing.rows). No rule lives here: every read is a scoped
selector, every write one service call.

Exit status: 2 for bad input (an unknown user, a bad value, a row that does not exist or lies outside the
user's scope: the two are not told apart), 1 when the user's role may not do it, 0 otherwise.
"""

import contextlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core.cli import acting_user

BAD_INPUT = 2
REFUSED = 1


def user_of(username: str | None):
    """The --user account (the system when none): an unknown one is bad input."""
    try:
        return acting_user(username)
    except CommandError as exc:
        raise CommandError(str(exc), returncode=BAD_INPUT) from None


def _field_messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(f"{field}: {'；'.join(messages)}" if field != "__all__" else "；".join(messages)
                        for field, messages in exc.message_dict.items())
    return "；".join(exc.messages)


@contextlib.contextmanager
def refusals(what: str, key):
    """A service's or selector's refusal as the command's error, audited writes marked as from the command line:
    a 404 names `what` and `key` (absent or outside the scope), a ValidationError each field and its message."""
    try:
        with audit.source("cli"):
            yield
    except Http404:
        raise CommandError(_("%(what)s不存在或不在管辖范围内：%(key)s") % {"what": what, "key": key},
                           returncode=BAD_INPUT) from None
    except ValidationError as exc:
        raise CommandError(_field_messages(exc), returncode=BAD_INPUT) from None
    except PermissionDenied as exc:
        raise CommandError(str(exc) or _("无权执行此操作"), returncode=REFUSED) from None


def dumps(found) -> str:
    return json.dumps(found, ensure_ascii=False, cls=DjangoJSONEncoder)
