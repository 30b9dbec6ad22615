import hashlib

from django.contrib import auth
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("指挥部管理员")
    HQ_STAFF = "hq_staff", _("指挥部工作人员")
    TOWNSHIP_STAFF = "township_staff", _("乡镇（街道）工作人员")
    VILLAGE_WORKER = "village_worker", _("村（社区）网格员")
    CHECKPOINT_STAFF = "checkpoint_staff", _("卡点工作人员")
    DOCTOR = "doctor", _("医生（村医）")
    EPIDEMIOLOGIST = "epidemiologist", _("流调队员")
    SUPERVISOR = "supervisor", _("督查人员")
    VIEWER = "viewer", _("只读查看")


class User(AbstractUser):
    """A staff account. Its `region` is the scope: the user sees and changes that subtree only."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("管辖区划"), null=True, on_delete=models.PROTECT, related_name="users"
    )
    # Set by an admin (services.lock_user): no login, no session, no API token until unlocked.
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        """The name pages show: the 姓名, else the place and role (花园镇 乡镇（街道）工作人员). The username is the
        login, typed by its owner, never a label."""
        if self.display_name:
            return self.display_name
        place = self.region.name if self.region_id else ""
        return f"{place} {self.get_role_display()}".strip()

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def may_work(self) -> bool:
        """The one rule for a login, a session and an API token alike: active, not locked, with a scope."""
        return self.is_active and not self.is_locked and self.region_id is not None

    # Django's own has_perm and has_module_perms say yes to an active superuser without asking the backend;
    # here the role table decides for everyone (backends.LockoutBackend): is_superuser never widens a role.
    def has_perm(self, perm, obj=None) -> bool:
        return any(backend.has_perm(self, perm, obj) for backend in auth.get_backends())

    def has_module_perms(self, app_label) -> bool:
        return any(backend.has_module_perms(self, app_label) for backend in auth.get_backends())


class LoginThrottle(models.Model):
    """Failed logins of one username from one client address (services.record_login_failure).

    The username is kept as a keyed digest only: people type their password into the username field.
    A row ends at `expires_at` (the end of its counting window, or of its lock) and is deleted after."""

    username_key = models.CharField(max_length=64)
    client = models.CharField(max_length=64)
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        constraints = [models.UniqueConstraint(fields=["username_key", "client"], name="one_throttle_per_client")]
        indexes = [models.Index(fields=["expires_at"], name="login_throttle_expiry")]

    def __str__(self) -> str:
        return f"{self.client} {self.failures}"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for scripts. Only its digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return self.name
