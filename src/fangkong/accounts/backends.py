from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LockoutBackend(ModelBackend):
    """Model backend that refuses locked accounts and accounts without a scope region."""

    def user_can_authenticate(self, user):
        return self._may_work(user) and not user.is_locked

    def get_user(self, user_id):
        # A lock stops new logins only. Anyone who knows a username can lock it, so it must
        # not end the session of the person already at work (deactivation still does).
        user = get_user_model()._default_manager.filter(pk=user_id).first()
        return user if user is not None and self._may_work(user) else None

    def _may_work(self, user) -> bool:
        return super().user_can_authenticate(user) and user.region_id is not None
