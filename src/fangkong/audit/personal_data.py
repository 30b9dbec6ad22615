"""The audit trail's personal values are erased by the purge itself (fangkong.privacy), entry by entry."""

from fangkong.core import personal_data

from .models import AuditEntry

BY_PURGE = "rewritten by the purge for the records it erases (fangkong.privacy)"
personal_data.keep(AuditEntry, actor_name="the staff member who acted", object_repr=BY_PURGE, before=BY_PURGE,
                   after=BY_PURGE)
