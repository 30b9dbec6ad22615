"""JSON API of checkpoints, places and check-ins, mounted at /api/checkpoints."""

from ninja import Router

from . import api_checkpoints, api_matching, api_places, api_reconciliation

router = Router(tags=["checkpoints"])
router.add_router("", api_checkpoints.router)
router.add_router("", api_places.router)
router.add_router("", api_reconciliation.router)
router.add_router("", api_matching.router)
