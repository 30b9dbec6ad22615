from django.conf import settings

from .navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    menu = entries_for(user) if user is not None and user.is_authenticated else []
    return {"nav_entries": menu, "site_title": settings.FANGKONG_TITLE}
