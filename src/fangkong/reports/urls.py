"""Pages of the daily report chain, the dashboard and the brief. Each area keeps its own url list."""

from . import urls_brief, urls_chain

app_name = "reports"
urlpatterns = urls_chain.urlpatterns + urls_brief.urlpatterns
