"""Medical treatment (医疗救治): the pharmacy register of fever-medicine buyers (药店购药登记), which reaches the fever clinic."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicalConfig(AppConfig):
    name = "fangkong.medical"
    verbose_name = _("医疗救治")

    def ready(self):
        from . import audit_labels, menu, rollup  # noqa: F401  audit labels, menu, counter sources, figures
