"""Counter sources and roll-up figures of the pharmacy register.

Metrics, per region (the pharmacy's) and local day of the purchase:
  pharmacy_purchase   purchases of fever or cough medicine registered (药店购药登记)
  pharmacy_fever      of them, those with a fever when registered (services.is_fever_purchase)

The live list behind them is the register's own page, filtered by region, day and fever
(selectors.purchases_for).
"""

import datetime

from django.utils.translation import gettext_lazy as _

from fangkong.analytics import counters, figures
from fangkong.core.days import day_bounds, local_day

from .models import PharmacyPurchase


def purchase_contributions(purchase: PharmacyPurchase) -> list[counters.Contribution]:
    day = local_day(purchase.bought_at)
    found = [(purchase.region_id, day, "pharmacy_purchase", 1)]
    if purchase.fever:
        found.append((purchase.region_id, day, "pharmacy_fever", 1))
    return found


def _purchases_for_day(day: datetime.date):
    low, high = day_bounds(day)
    return PharmacyPurchase.objects.filter(bought_at__gte=low, bought_at__lt=high)


counters.register("pharmacy_purchase", purchase_contributions, _purchases_for_day)

_PHARMACY = _("药店购药")

figures.register(
    figures.flow("pharmacy_purchases", _("购药登记"), "pharmacy_purchase", group=_PHARMACY),
    figures.flow("pharmacy_fevers", _("其中发热"), "pharmacy_fever", group=_PHARMACY),
)
