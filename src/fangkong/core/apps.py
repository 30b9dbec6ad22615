"""The bottom layer: shared tools and the registries the feature apps fill (menu, today, jobs); imports no app."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using="default", verbosity=1, **kwargs) -> None:
    """With FANGKONG_CACHE=database, `fangkong migrate` also makes the cache's table. Sent once per app with
    models (it listens to every app's): createcachetable does nothing when the table exists."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "fangkong.core"
    verbose_name = _("通用")

    def ready(self) -> None:
        from . import partitions  # noqa: F401  registers its daily job (months ahead, retention)

        post_migrate.connect(create_cache_table, dispatch_uid="fangkong.core.create_cache_table")
