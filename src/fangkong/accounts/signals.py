from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from fangkong.core.clients import client_ip

from . import services


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    services.record_login_failure(credentials.get("username", ""), client_ip(request))


@receiver(user_logged_in)
def _reset_failures(sender, request, user, **kwargs):
    services.record_login_success(user, client_ip(request))
