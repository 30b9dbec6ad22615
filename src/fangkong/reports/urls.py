"""Pages of the daily report chain, under /reports/ (the briefing app's dashboard and brief beside them)."""

from . import urls_chain

app_name = "reports"
urlpatterns = urls_chain.urlpatterns
