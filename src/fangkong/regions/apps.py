"""Administrative regions (行政区划): the 12-digit code tree every record hangs on; its imports and renames."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "fangkong.regions"
    verbose_name = _("行政区划")

    def ready(self):
        from fangkong.core import region_picker

        from . import audit_labels, menu  # noqa: F401  register its audit labels and menu entries
        from .forms import region_choices

        region_picker.provide(region_choices)  # every page's region picker, the audit trail's too
