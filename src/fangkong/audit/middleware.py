from . import services
from .models import Source


class AuditSourceMiddleware:
    """Writes made while serving /api/ are marked as API writes, the rest as page writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # path_info, not path: behind a prefix (SCRIPT_NAME) path would be /prefix/api/...
        kind = Source.API if request.path_info.startswith("/api/") else Source.PAGE
        with services.source(kind):
            return self.get_response(request)
