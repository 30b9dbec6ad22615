"""Accounts (账户): users with one role and one region of scope, sign-in, API tokens and the role rules."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fangkong.accounts"
    verbose_name = _("账户")

    def ready(self):
        from . import audit_labels, menu, signals  # noqa: F401  audit labels, menu entries; signal receivers
