import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
application = get_wsgi_application()


def _load_and_freeze() -> None:
    """What a worker loads lives as long as it does: load what requests would load on first use (every URL
    pattern and view, both catalogues), then put it all out of the collector's reach, so that a full pass (which
    scanned some 200,000 such objects, up to hundreds of ms on a busy machine, on whichever request it fell)
    scans only what requests make (bench/gc_pause.py measures it)."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().reverse_dict  # noqa: B018  builds every pattern, importing every view
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")
    gc.freeze()


_load_and_freeze()
