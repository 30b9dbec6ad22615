from django.contrib.auth.backends import ModelBackend


class LockoutBackend(ModelBackend):
    """Model backend that refuses locked accounts and accounts without a scope region."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not user.is_locked and user.region_id is not None
