"""Who may see the dashboard and write the brief. Read by services, selectors, views and the menu.

* **Dashboard**: every role that reads the ledger; the figures are those of the user's scope.
* **Brief**: headquarters roles issue briefs (number, "next steps", the document) for regions in their
  scope; SYSTEM (the command line) may issue any region's brief.
* **Template**: a region's Word template is its setting: it shapes the briefs of the region and of those
  below it that have none of their own, so it is changed by whoever may change a setting of the region
  (accounts.permissions.can_change_setting: its headquarters admins and those above).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from fangkong.accounts import permissions as account_permissions
from fangkong.core.actors import is_system
from fangkong.regions.models import Region


def shows_dashboard(user) -> bool:
    """Menu: 指挥部看板."""
    return account_permissions.can_view_ledger(user)


def can_issue_brief(user) -> bool:
    return is_system(user) or account_permissions.is_headquarters(user)


def require_issue_brief(user) -> None:
    if not can_issue_brief(user):
        raise PermissionDenied(_("只有指挥部可以编发工作简报"))


def can_change_template(user, region: Region) -> bool:
    return is_system(user) or account_permissions.can_change_setting(user, region)


def require_change_template(user, region: Region) -> None:
    if not can_change_template(user, region):
        raise PermissionDenied(_("%(region)s的简报模板只有%(region)s或上级的指挥部管理员可以更换") % {
            "region": region.name})
