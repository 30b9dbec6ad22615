"""JSON API of the daily report chain, the dashboard and the brief, mounted at /api/reports."""

from ninja import Router

from . import api_brief, api_chain

router = Router(tags=["reports"])
router.add_router("", api_chain.router)
router.add_router("", api_brief.router)
