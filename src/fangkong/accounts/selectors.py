"""Reads of accounts, scoped to the viewer's subtree."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from fangkong.core.paging import id_or_404, page_limit
from fangkong.core.region_codes import in_scope

from . import permissions
from .models import User


def users_for(user, *, q: str = "", role: str = "") -> QuerySet[User]:
    if not permissions.can_manage_users(user):
        raise PermissionDenied
    qs = User.objects.filter(in_scope(user)).select_related("region")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("region_id", "username")


# A county has thousands of accounts (every village worker, doctor, checkpoint shift): lists come a page at a time.
USER_PAGE = 100
MAX_USER_PAGE = 500


def users_page(user, *, q: str = "", role: str = "", after: int | None = None, limit: int | None = None) -> list[User]:
    """A keyset page of `users_for` in its order (region, username): the users after `after`, the id of the last
    user shown (usernames are unique, so the order is total); `limit` defaults to USER_PAGE. 404 for an `after`
    outside the viewer's scope."""
    qs = users_for(user, q=q, role=role)
    if after:
        last = users_for(user).filter(pk=id_or_404(after)).values_list("region_id", "username").first()
        if last is None:
            raise Http404
        qs = qs.filter(Q(region_id__gt=last[0]) | Q(region_id=last[0], username__gt=last[1]))
    return list(qs[:page_limit(limit, USER_PAGE, MAX_USER_PAGE)])


def user_for(user, pk: int) -> User:
    try:
        return users_for(user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


def staff_in_scope(user, *, roles=None) -> QuerySet[User]:
    """Active staff in the viewer's subtree (to pick a responsible cadre, a doctor …)."""
    qs = User.objects.filter(in_scope(user), is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    return qs.select_related("region").order_by("username")  # the region: a user without a 姓名 reads by it
