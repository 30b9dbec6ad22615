"""Body temperature: what a register accepts, and what counts as a fever.

Decided here and nowhere else, for every register that takes a temperature (the daily checks of the
ledger, passages at checkpoints, follow-ups in isolation) and the roll-ups and pages that count or mark
fevers:

* A temperature is 34.0–43.0 °C, kept to one decimal; anything else is a typo to correct, not data.
* A fever is a temperature at or above the deployment's threshold, the setting FANGKONG_FEVER_THRESHOLD
  (°C, default 37.3). A quarantine policy may set its own threshold (QuarantinePolicy.fever_threshold,
  copied to the orders started under it), which then applies to the follow-ups of those isolation
  orders, and to nothing else: their daily checks on the ledger, passages and roll-ups keep the setting.
"""

import decimal
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
