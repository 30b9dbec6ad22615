"""The audit app's own entries in words (fangkong.audit.labels): the export of the trail."""

from django.utils.translation import gettext_lazy as _

from . import labels

labels.register(object_types={"audit": _("审计日志")})
