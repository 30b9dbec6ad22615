"""Writes to accounts: creating and changing users, login lockout, API tokens."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.regions.models import Region
from fangkong.regions.selectors import region_in_scope

from . import permissions, user_cache
from .models import ApiToken, Role, User, token_digest

USER_FIELDS = ["username", "display_name", "phone", "role", "region", "is_active"]


def _region_in_scope(actor, code: str) -> Region:
    # keyed "region_code" like the form field and the API payload, so the error shows by the field
    return region_in_scope(actor, code, field="region_code")


def _check_lengths(**values: str) -> None:
    """Refuse values longer than their column: PostgreSQL would fail the write, SQLite would keep them."""
    for name, value in values.items():
        field = User._meta.get_field(name)
        if len(value) > field.max_length:
            raise ValidationError({name: _("%(field)s最多%(max)d个字符，现在%(length)d个") % {
                "field": field.verbose_name, "max": field.max_length, "length": len(value)}})


def _check_username(username: str) -> str:
    """The cleaned username; refused when empty, too long, malformed or taken (ignoring case)."""
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("用户名不能为空")})
    _check_lengths(username=username)
    try:
        # the model's own rule (letters, digits, @ . + - _); services bypass model forms
        User.username_validator(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名 %(name)s 已存在") % {"name": username}})
    return username


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}})


@transaction.atomic
def create_user(actor, *, username: str, password: str, role: str, region_code: str,
                display_name: str = "", phone: str = "") -> User:
    """An admin creates an account inside their own subtree."""
    if not permissions.can_manage_users(actor):
        raise PermissionDenied(_("只有指挥部管理员可以创建用户"))
    username = _check_username(username)
    display_name, phone = display_name.strip(), phone.strip()
    _check_lengths(display_name=display_name, phone=phone)
    _check_role(role)
    region = _region_in_scope(actor, region_code)
    user = User(username=username, role=role, region=region, display_name=display_name, phone=phone)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    audit.record(actor, "user.create", user, region=region, after=audit.snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def update_user(actor, user: User, *, role: str, region_code: str, display_name: str, phone: str,
                is_active: bool) -> User:
    if not permissions.can_manage_users(actor):
        raise PermissionDenied(_("只有指挥部管理员可以修改用户"))
    if not actor.region.contains(user.region_id):
        raise PermissionDenied(_("该用户不在您的管辖范围内"))
    if user.pk == actor.pk and (not is_active or role != actor.role):
        raise ValidationError(_("不能停用自己或修改自己的角色"))
    display_name, phone = display_name.strip(), phone.strip()
    _check_lengths(display_name=display_name, phone=phone)
    _check_role(role)
    region = _region_in_scope(actor, region_code)
    before = audit.snapshot(user, USER_FIELDS)
    user.role, user.region, user.display_name, user.phone, user.is_active = (
        role, region, display_name, phone, is_active)
    user.save()
    old, new = audit.changes(before, audit.snapshot(user, USER_FIELDS))
    if new:
        audit.record(actor, "user.update", user, region=region, before=old, after=new)
    return user


def record_login_failure(username: str) -> None:
    """Count a failed login; at the threshold the account is locked for a while."""
    if not username:
        return
    with transaction.atomic():
        updated = User.objects.filter(username=username).update(failed_logins=F("failed_logins") + 1)
        if not updated:
            return
        user = User.objects.select_for_update().get(username=username)
        if user.failed_logins >= settings.FANGKONG_LOCKOUT_THRESHOLD and not user.is_locked:
            user.locked_until = timezone.now() + datetime.timedelta(minutes=settings.FANGKONG_LOCKOUT_MINUTES)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])
            audit.record(None, "user.lock", user, region=user.region_id,
                         after={"locked_until": user.locked_until})


def record_login_success(user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


@transaction.atomic
def unlock_user(actor, user: User) -> None:
    if not permissions.can_manage_users(actor) or not actor.region.contains(user.region_id):
        raise PermissionDenied
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    audit.record(actor, "user.unlock", user, region=user.region_id)


@transaction.atomic
def set_password(actor, user: User, *, new_password: str, old_password: str | None = None) -> None:
    """A user changes their own password (old one required); an admin resets one in their subtree."""
    if actor is not None and actor.pk == user.pk:
        if old_password is None or not user.check_password(old_password):
            raise ValidationError({"old_password": _("原密码不正确")})
    elif actor is not None and not (permissions.can_manage_users(actor) and actor.region.contains(user.region_id)):
        raise PermissionDenied(_("只有指挥部管理员可以重置其辖区内用户的密码"))
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Never the password itself, not even hashed: only that it changed and by whom.
    audit.record(actor, "user.password", user, region=user.region_id,
                 after={"by": "self" if actor is not None and actor.pk == user.pk else "admin"})


@transaction.atomic
def create_token(actor, user: User, name: str) -> str:
    """Issue a bearer token; returns the raw token, which is never stored."""
    if actor.pk != user.pk and not (permissions.can_manage_users(actor) and actor.region.contains(user.region_id)):
        raise PermissionDenied
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip() or "api", digest=token_digest(raw))
    audit.record(actor, "token.create", token, region=user.region_id, object_repr=f"{user.username}: {token.name}")
    return raw


# `last_used_at` says when a token was last used to within this: writing it on every request would
# make every API call, reads included, a database write.
TOKEN_USE_RESOLUTION = datetime.timedelta(minutes=5)


def user_for_token(raw: str) -> User | None:
    """The active user, with a region, of a bearer token; None for an unknown token. Read at most once
    every few seconds per process (`user_cache`)."""
    digest = token_digest(raw)
    return user_cache.user(("token", digest), lambda: _read_token_user(digest))


def _read_token_user(digest: str) -> User | None:
    token = ApiToken.objects.select_related("user", "user__region").filter(digest=digest).first()
    if token is None or not token.user.is_active or token.user.region_id is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_tokens(actor, user: User, name: str | None = None) -> int:
    """Revoke the user's API tokens (all of them, or those issued for `name`); returns how many.
    Other worker processes refuse them within user_cache.CACHE_SECONDS."""
    if actor is not None and actor.pk != user.pk and not (
            permissions.can_manage_users(actor) and actor.region.contains(user.region_id)):
        raise PermissionDenied
    tokens = list(ApiToken.objects.filter(user=user, **({"name": name} if name is not None else {})))
    for token in tokens:
        audit.record(actor, "token.revoke", token, region=user.region_id, object_repr=f"{user.username}: {token.name}")
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
    user_cache.forget()
    return len(tokens)


@transaction.atomic
def create_first_admin(*, username: str, password: str, region_code: str, display_name: str = "") -> User:
    """Bootstrap from the command line: an hq_admin for a region, with no acting user."""
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError({"region": _("区划 %(code)s 不存在") % {"code": region_code}})
    username = _check_username(username)
    user = User(username=username, role=Role.HQ_ADMIN, region=region, display_name=display_name)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record(None, "user.create", user, region=region, after=audit.snapshot(user, USER_FIELDS))
    return user
