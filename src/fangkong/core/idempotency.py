"""A registration sent twice is stored once: passages and public check-ins (decided here).

Phones on a roadside network send again, staff tap 保存 twice, a script retries after a timeout. Two rules:

- Idempotency key: a form or a script sends a key of its own with each registration (the pages put a
  random one in a hidden field when the form is shown; the API takes the `Idempotency-Key` header or
  a `client_key` field). A registration whose key is already stored — by the same account at the same
  checkpoint for a passage, at the same place or checkpoint for a public check-in — returns the stored
  one and writes nothing. The key is stored with the row and looked up under a lock on it before a row
  is written, so two sent at once are stored once: no unique index can hold it on PostgreSQL, where the
  registers are partitioned by month (core.partitions); on SQLite one still backs the look-up.
- Window: the same person at the same checkpoint (or place) with the same recorded facts within
  `window()` (FANGKONG_DUPLICATE_SECONDS, default 60) of a stored registration, before or after it, is
  that registration again: it is returned and nothing is written (no second row, counter, risk
  arrival, task or audit entry). Other facts (another temperature, outcome, direction, vehicle, origin
  or destination) make a new registration: a temperature measured again is never lost.

Both hold under concurrency: each service looks for the earlier registration after taking its advisory
lock on the person (PostgreSQL); SQLite runs one writer at a time.
"""

import datetime
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KEY_MAX = 64
KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def window() -> datetime.timedelta:
    """How far apart two registrations of the same facts may be and still be one."""
    return datetime.timedelta(seconds=settings.FANGKONG_DUPLICATE_SECONDS)


def new_key() -> str:
    """A key for one showing of a form (its hidden field)."""
    return uuid.uuid4().hex


def clean_key(value) -> str:
    """The idempotency key as sent ("" when none); ValidationError({"client_key": …}) when malformed."""
    key = str(value or "").strip()
    if key and not KEY_RE.match(key):
        raise ValidationError({"client_key": _("幂等键（Idempotency-Key）应为1至%(max)s个字母、数字或 . _ : -，收到：%(value)s")
                               % {"max": KEY_MAX, "value": key[:80]}})
    return key
