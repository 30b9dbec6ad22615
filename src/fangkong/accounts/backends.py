from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import user_cache


class LockoutBackend(ModelBackend):
    """Model backend that refuses locked accounts and accounts without a scope region."""

    def user_can_authenticate(self, user):
        return self._may_work(user) and not user.is_locked

    def get_user(self, user_id):
        # A lock stops new logins only. Anyone who knows a username can lock it, so it must
        # not end the session of the person already at work (deactivation still does).
        # Every page and API call of a session starts here: the user and their region (the scope)
        # are cached per process for a few seconds (user_cache: a change here is seen at once).
        return user_cache.user(("id", user_id), lambda: self._read(user_id))

    def _read(self, user_id):
        user = get_user_model()._default_manager.select_related("region").filter(pk=user_id).first()
        return user if user is not None and self._may_work(user) else None

    def _may_work(self, user) -> bool:
        return super().user_can_authenticate(user) and user.region_id is not None
