from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    verbose_name = _("人员")

    def ready(self):
        from . import services  # noqa: F401  registers the person registration's review
