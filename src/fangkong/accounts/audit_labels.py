"""The accounts app's audit entries in words (fangkong.audit.labels)."""

from django.utils.translation import gettext_lazy as _

from fangkong.audit import labels

labels.register(
    actions={
        "user.create": _("新建用户"), "user.update": _("修改用户"), "user.lock": _("锁定用户"),
        "user.unlock": _("解锁用户"), "user.password": _("设置密码"), "user.login_throttle": _("登录失败过多，暂停登录"),
        "login.address_throttle": _("同一地址登录失败过多，暂停该地址登录"),
        "token.create": _("新建API令牌"), "token.revoke": _("吊销API令牌"),
    },
    object_types={"client": _("客户端地址")},
    fields={"throttles_lifted": _("解除的登录限制"), "by": _("设置人"), "client": _("客户端地址"),
            "locked_until": _("暂停至")},
)
