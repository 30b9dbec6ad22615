"""Pages of checkpoints, places and check-ins. Each area keeps its own url list."""

from . import urls_checkpoints, urls_places, urls_reconciliation

app_name = "checkpoints"
urlpatterns = urls_checkpoints.urlpatterns + urls_places.urlpatterns + urls_reconciliation.urlpatterns
