"""People (人员): residents, households, ID numbers as digests shown masked, registrations held for review."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    verbose_name = _("人员")

    def ready(self):
        from . import audit_labels, links, menu, periodic, services  # noqa: F401  audit labels, link rules, menu,
        # the duplicates' daily catch-up, the review
