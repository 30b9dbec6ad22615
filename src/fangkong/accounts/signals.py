from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import services


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    services.record_login_failure(credentials.get("username", ""))


@receiver(user_logged_in)
def _reset_failures(sender, request, user, **kwargs):
    services.record_login_success(user)
