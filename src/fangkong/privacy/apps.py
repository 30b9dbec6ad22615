"""End of the response (个人信息清除): personal data of a region and period erased, the figures kept."""

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "fangkong.privacy"
    verbose_name = _("个人信息清除")

    def ready(self):
        from . import audit_labels  # noqa: F401  register its audit labels
        # Each app declares its personal data in its personal_data.py (core.personal_data), found by name as
        # Django's admin finds admin.py: an app with personal data and no such module fails tests/privacy.
        autodiscover_modules("personal_data")
