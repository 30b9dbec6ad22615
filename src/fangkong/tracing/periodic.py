"""Tracing's periodic job (core.periodic): the "no one missed" reconciliation (不漏一人) every hour, as the system
over the whole database (audited as the system), so nobody has to remember `fangkong reconcile_arrivals`."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.actors import SYSTEM
from fangkong.core.periodic import Every, Job, register

from .services import reconciliation


def reconcile(at) -> dict:
    """Arrivals on no ledger after N hours become their village's tasks; those listed since are closed."""
    return reconciliation.reconcile(SYSTEM, now=at).as_dict()


register(Job("tracing.reconcile", _("来人核对（不漏一人）"), reconcile, Every(minutes=60)))
