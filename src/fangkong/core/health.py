"""Body temperature: what a register accepts, and what counts as a fever.

Decided here and nowhere else, for every register that takes a temperature (the daily checks of the
ledger, passages at checkpoints, follow-ups in isolation) and the roll-ups and pages that count or mark
fevers:

* A temperature is 34.0–43.0 °C, kept to one decimal; anything else is a typo to correct, not data.
* A fever is a temperature at or above the deployment's threshold, the setting FANGKONG_FEVER_THRESHOLD
  (°C, default 37.3). A quarantine policy may set its own threshold (QuarantinePolicy.fever_threshold,
  copied to the orders started under it), which then applies to the follow-ups of those isolation
  orders, and to nothing else: their daily checks on the ledger, passages and roll-ups keep the setting.
* A fever found by any register reaches one handler: the register calls `fever_found`, whatever app it
  lives in, and the app that keeps the transfers to the fever clinic (quarantine) registers the handler
  (`handle_fevers`, from its AppConfig.ready()). The registers below that app in the import graph
  (screening's daily checks, checkpoints' passages, places' check-ins, medical's pharmacy purchases)
  reach it this way without importing it.
"""

import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .text import clean_name

LOWEST, HIGHEST = Decimal("34.0"), Decimal("43.0")


def fever_threshold(override=None) -> Decimal:
    """The temperature (°C) from which a reading is a fever: FANGKONG_FEVER_THRESHOLD, default 37.3.

    `override` is a quarantine policy's (and its orders') own threshold: pass it for the follow-ups of an
    isolation order only; None (no override) gives the setting. The fever counts of the roll-up use the
    threshold in force when they are counted: after changing the setting, `fangkong rollup rebuild`
    recounts past days.
    """
    if override is not None:
        return Decimal(override)
    return Decimal(str(settings.FANGKONG_FEVER_THRESHOLD))


def is_fever(temperature, override=None) -> bool:
    """The temperature is at or above fever_threshold(override); None (not measured) is no fever."""
    return temperature is not None and Decimal(temperature) >= fever_threshold(override)


def parse_temperature(value) -> Decimal:
    """36.5 from 36.5, "36.5", "３６．５" or "36,5"; ValidationError for anything else or outside 34.0–43.0 °C."""
    raw = clean_name(value).replace(",", ".").removesuffix("℃").removesuffix("°C").strip()
    try:
        temperature = Decimal(raw)
    except decimal.InvalidOperation:
        raise ValidationError({"temperature": _("体温应为数字，例如 36.5：%(value)s") % {"value": value}}) from None
    if not temperature.is_finite() or not LOWEST <= temperature <= HIGHEST:
        raise ValidationError({"temperature": _("体温 %(value)s°C 超出可能范围（%(low)s–%(high)s°C），请核实") % {
            "value": value, "low": LOWEST, "high": HIGHEST}})
    return temperature.quantize(Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)


class FeverSource(models.TextChoices):
    """The register that found a fever."""

    CHECKPOINT = "checkpoint", gettext_lazy("卡点测温")
    CHECK_IN = "check_in", gettext_lazy("场所测温")
    DAILY_CHECK = "daily_check", gettext_lazy("每日检查")
    FOLLOW_UP = "follow_up", gettext_lazy("隔离随访")
    PHARMACY = "pharmacy", gettext_lazy("药店购药")


@dataclass(frozen=True, slots=True)
class Fever:
    """A fever one register found on one person.

    `person`: a people.Person; `key_person`: their ledger entry when the register knows it (a daily check,
    a follow-up, a returnee just put on the ledger); `region_code`: where the person is to be followed up
    when no entry is known (a village or grid puts them on its ledger; a higher level only locates the
    transfer); `place`: where it was found, in words (a checkpoint's or a place's name); `checked`: the
    register's own row is the day's check of the entry (a daily check), nothing to add to the today list.
    """

    person: object
    temperature: Decimal
    source: str
    at: datetime.datetime
    region_code: str
    key_person: object = None
    place: str = ""
    symptoms: str = ""
    checked: bool = False


_handlers: list[Callable] = []


def handle_fevers(handler: Callable) -> None:
    """Register `handler(actor, fever)`: called by `fever_found` inside the register's transaction."""
    if handler not in _handlers:
        _handlers.append(handler)


def fever_found(actor, fever: Fever):
    """A register found a fever: the transfer to the fever clinic, the timeline line, the day's check on the
    ledger (the registered handler's work). Returns the handler's answer (the transfer request)."""
    if not _handlers:
        raise ImproperlyConfigured("no handler of fevers is registered (the quarantine app)")
    answer = None
    for handler in _handlers:
        answer = handler(actor, fever)
    return answer
