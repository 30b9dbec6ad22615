"""JSON API of the daily report chain, mounted at /api/reports (the briefing app mounts the dashboard's and
the brief's beside it)."""

from ninja import Router

from . import api_chain

router = Router(tags=["reports"])
router.add_router("", api_chain.router)
