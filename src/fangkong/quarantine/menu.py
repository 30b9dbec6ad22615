"""The quarantine app's entries of the main menu (core.navigation)."""

from django.utils.translation import gettext_lazy as _

from fangkong.core.navigation import Entry, register

from .views.common import shows_management, shows_my_people, shows_transfers

register(
    Entry(_("我的包保对象"), "quarantine:mine", shows_my_people, order=90),
    Entry(_("隔离管理"), "quarantine:orders", shows_management, order=100),
    Entry(_("转运请求"), "quarantine:transfers", shows_transfers, order=110),
)
