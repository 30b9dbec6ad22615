"""Reads of accounts, scoped to the viewer's subtree."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from fangkong.regions.models import within

from . import permissions
from .models import User


def users_for(user, *, q: str = "", role: str = "") -> QuerySet[User]:
    if not permissions.can_manage_users(user):
        raise PermissionDenied
    qs = User.objects.filter(within(user.region_id)).select_related("region")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("region_id", "username")


def user_for(user, pk: int) -> User:
    try:
        return users_for(user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


def staff_in_scope(user, *, roles=None) -> QuerySet[User]:
    """Active staff in the viewer's subtree (to pick a responsible cadre, a doctor …)."""
    qs = User.objects.filter(within(user.region_id), is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs.order_by("username")
