"""Authentication: the login lockout and the one rule for who may work (`User.may_work`).

`authenticate` refuses a username that is throttled from the request's client address before looking
at the password (services: "Login lockout"), so a throttled attempt tells nothing, not even whether the
password was right. `get_user` (every page of a session) refuses a user who may no longer work: locked
by an admin, deactivated or without a scope; a per-address throttle never ends a session.

Permissions: `user.has_perm(name)` is answered from the role table (permissions.PERMISSION_RULES) and
nothing else. Group and user permission rows grant nothing, and there are no per-object permissions: the
scope is checked by selectors and services.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from fangkong.core.clients import client_ip

from . import permissions, services


class LockoutBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username and services.login_throttled(username, client_ip(request)):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user):
        return user.may_work

    def get_user(self, user_id):
        # Every page and API call of a session starts here: the user with their region (the scope), read
        # each time, so a lock or deactivation in any worker process ends the session at its next request.
        user = get_user_model()._default_manager.select_related("region").filter(pk=user_id).first()
        return user if user is not None and user.may_work else None

    def has_perm(self, user_obj, perm, obj=None):
        return obj is None and permissions.has_permission(user_obj, perm)

    def get_all_permissions(self, user_obj, obj=None):
        # also what ModelBackend.has_module_perms reads
        if obj is not None:
            return set()
        return {perm for perm in permissions.PERMISSION_RULES if permissions.has_permission(user_obj, perm)}

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()
