"""Reads of the audit trail, scoped to the viewer's subtree."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from fangkong.core.region_codes import in_scope, within

from .models import AuditEntry


def audit_entries_for(user, *, action: str = "", actor: str = "", object_type: str = "", source: str = "",
                      region: str = "", date_from: datetime.date | None = None,
                      date_to: datetime.date | None = None) -> QuerySet[AuditEntry]:
    """Entries in the user's subtree, newest first (ids grow with time: a keyset page is core.paging.page_after).

    Entries without a region (code-table imports, system jobs) are visible only to an
    admin whose scope is the top of the tree they administer, i.e. never to a township admin.
    """
    # the rule is accounts.permissions.can_view_audit, asked through Django: accounts sits above audit
    if not user.has_perm("audit.view_auditentry"):
        raise PermissionDenied
    scope = in_scope(user)
    if user.region.parent_id is None:
        scope |= Q(region__isnull=True)
    qs = AuditEntry.objects.filter(scope)
    if region:
        qs = qs.filter(within(region))
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:  # the login name the trail keeps, or the name the page shows
        named = get_user_model().objects.filter(display_name=actor).values_list("pk", flat=True)
        qs = qs.filter(Q(actor_name=actor) | Q(actor_id__in=list(named)))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if source:
        qs = qs.filter(source=source)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs.select_related("region", "actor__region").order_by("-id")
