"""Writes to accounts: creating and changing users, login lockout and account locks, API tokens."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from fangkong.audit import services as audit
from fangkong.core.actors import SYSTEM, is_system
from fangkong.core.text import clean_name, clean_text
from fangkong.regions.models import Region
from fangkong.regions.selectors import region_in_scope

from . import permissions
from .models import ApiToken, LoginThrottle, Role, User, token_digest

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
    display_name, phone = clean_name(display_name), clean_name(phone)
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
    display_name, phone = clean_name(display_name), clean_name(phone)
    _check_lengths(display_name=display_name, phone=phone)
    _check_role(role)
    region = _region_in_scope(actor, region_code)
    before = audit.snapshot(user, USER_FIELDS)
    user.role, user.region, user.display_name, user.phone, user.is_active = (
        role, region, display_name, phone, is_active)
    # only these columns: a lock set meanwhile by another admin must not be written back as unlocked
    user.save(update_fields=["role", "region", "display_name", "phone", "is_active"])
    old, new = audit.changes(before, audit.snapshot(user, USER_FIELDS))
    if new:
        audit.record(actor, "user.update", user, region=region, before=old, after=new)
    return user


# Login lockout ---------------------------------------------------------------------------------
#
# Decided here and nowhere else:
# * Failed logins count per username *and* client address (core.clients.client_ip), in the table
#   LoginThrottle (shared by every worker process, kept across restarts, no cache setting needed).
#   FANGKONG_LOCKOUT_THRESHOLD failures within FANGKONG_LOCKOUT_MINUTES refuse further logins of that
#   username from that address for FANGKONG_LOCKOUT_MINUTES, the right password included. Someone who
#   knows a username can thus lock it out of their own address only: its owner logs in from theirs.
#   Village staff behind one NAT address each count under their own username.
# * Unknown usernames count exactly like known ones, and the login page gives one message for an unknown
#   username, a wrong password, a throttled client and a locked or inactive account: it tells nothing
#   about which usernames exist. Only a known user's lock is audited (the audit names the address).
# * A throttle concerns new logins from one address only: the user's sessions and API tokens go on.
# * An admin's lock (lock_user) and a deactivation stop everything at once: logins, sessions and API
#   tokens (User.may_work, read on every request in every worker process). Unlocking lets the sessions
#   and tokens that still exist work again: reset the password (ends the sessions) and revoke the tokens
#   to end them for good.
# * An address that fails FANGKONG_LOCKOUT_ADDRESS_THRESHOLD logins within the window, whatever the usernames
#   (password spraying: a common password tried on many accounts, each below its own threshold), is refused
#   for every username for FANGKONG_LOCKOUT_MINUTES. A success does not reset this count (a sprayer holding
#   one account would reset it). Staff behind one NAT address share it, hence a threshold ten times higher.
# * No lock per username across all addresses: it would bring back the lockout of anyone by anyone.

EVERY_USERNAME = ""  # the key of an address's own count (a digest is never empty)


def _username_key(username: str) -> str:
    """A keyed digest of the username as typed, case-folded (usernames are unique ignoring case)."""
    return salted_hmac("fangkong.accounts.login", username.strip().casefold()).hexdigest()


def _throttles(username: str, client: str):
    return LoginThrottle.objects.filter(username_key=_username_key(username), client=client[:64])


def login_throttled(username: str, client: str, now=None) -> bool:
    """Whether logins of this username from this client address are refused for now (one indexed read)."""
    if not username:
        return False
    return LoginThrottle.objects.filter(username_key__in=[_username_key(username), EVERY_USERNAME],
                                        client=client[:64], locked_until__gt=now or timezone.now()).exists()


def record_login_failure(username: str, client: str) -> None:
    """Count a failed login of `username` from `client`, and one of the address: at its threshold that pair, or
    the address for every username, is refused for a while."""
    if not username:
        return
    now = timezone.now()
    until = now + datetime.timedelta(minutes=settings.FANGKONG_LOCKOUT_MINUTES)
    with transaction.atomic():
        LoginThrottle.objects.filter(expires_at__lte=now).delete()  # ended windows and locks
        if _count_failure(_username_key(username), client, settings.FANGKONG_LOCKOUT_THRESHOLD, now, until):
            _audit_throttle(username, client, until)
        if _count_failure(EVERY_USERNAME, client, settings.FANGKONG_LOCKOUT_ADDRESS_THRESHOLD, now, until):
            audit.record(SYSTEM, "login.address_throttle", object_type="client", object_id=client[:64],
                         object_repr=client[:64], after={"client": client, "locked_until": until})


def _count_failure(key: str, client: str, threshold: int, now, until) -> bool:
    """One more failure on the count of (key, client); True when it reaches the threshold: refused until `until`."""
    rows = LoginThrottle.objects.filter(username_key=key, client=client[:64])
    row = rows.select_for_update().first()
    if row is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first failure may have created it
                row = LoginThrottle.objects.create(username_key=key, client=client[:64], failures=0,
                                                   expires_at=until)
        except IntegrityError:
            row = rows.select_for_update().get()
    if row.locked_until is not None and row.locked_until > now:
        return False  # already refused: failures while locked do not prolong the lock
    row.failures += 1
    locks = row.failures >= threshold
    if locks:
        row.failures, row.locked_until, row.expires_at = 0, until, until
    row.save()
    return locks


def _audit_throttle(username: str, client: str, until) -> None:
    user = User.objects.filter(username=username).only("pk", "username", "region_id", "display_name").first()
    if user is not None:
        audit.record(SYSTEM, "user.login_throttle", user, region=user.region_id,
                     after={"client": client, "locked_until": until})


def record_login_success(user: User, client: str) -> None:
    """A login succeeded: the failures of this username from this address start again from nothing."""
    _throttles(user.get_username(), client).delete()


def _require_user_admin(actor, user: User) -> None:
    if not permissions.can_manage_users(actor) or not actor.region.contains(user.region_id):
        raise PermissionDenied(_("只有指挥部管理员可以锁定或解锁其辖区内的用户"))


@transaction.atomic
def lock_user(actor, user: User) -> User:
    """An admin locks an account (e.g. its password may be known to others): no login, no session and no
    API token works until it is unlocked. One's own account cannot be locked."""
    _require_user_admin(actor, user)
    if user.pk == actor.pk:
        raise ValidationError(_("不能锁定自己的账户"))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.locked_at is None:
        user.locked_at = timezone.now()
        user.save(update_fields=["locked_at"])
        audit.record(actor, "user.lock", user, region=user.region_id, after={"locked_at": user.locked_at})
    return user


@transaction.atomic
def unlock_user(actor, user: User) -> None:
    """Lift an admin's lock and every address's login throttle of the account."""
    _require_user_admin(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"locked_at": user.locked_at}
    if user.locked_at is not None:
        user.locked_at = None
        user.save(update_fields=["locked_at"])
    throttles = LoginThrottle.objects.filter(username_key=_username_key(user.username)).delete()[0]
    audit.record(actor, "user.unlock", user, region=user.region_id, before=before,
                 after={"locked_at": None, "throttles_lifted": throttles})


@transaction.atomic
def set_password(actor, user: User, *, new_password: str, old_password: str | None = None) -> None:
    """A user changes their own password (old one required); an admin resets one in their subtree; SYSTEM (the
    command line) any."""
    by_self = not is_system(actor) and actor.pk == user.pk
    if by_self:
        if old_password is None or not user.check_password(old_password):
            raise ValidationError({"old_password": _("原密码不正确")})
    elif not is_system(actor) and not (permissions.can_manage_users(actor) and actor.region.contains(user.region_id)):
        raise PermissionDenied(_("只有指挥部管理员可以重置其辖区内用户的密码"))
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Never the password itself, not even hashed: only that it changed and by whom.
    audit.record(actor, "user.password", user, region=user.region_id,
                 after={"by": "self" if by_self else "admin"})


@transaction.atomic
def create_token(actor, user: User, name: str) -> str:
    """Issue a bearer token; returns the raw token, which is never stored."""
    if actor.pk != user.pk and not (permissions.can_manage_users(actor) and actor.region.contains(user.region_id)):
        raise PermissionDenied
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=clean_text(name) or "api", digest=token_digest(raw))
    audit.record(actor, "token.create", token, region=user.region_id, object_repr=f"{user.username}: {token.name}")
    return raw


# `last_used_at` says when a token was last used to within this: writing it on every request would
# make every API call, reads included, a database write.
TOKEN_USE_RESOLUTION = datetime.timedelta(minutes=5)


def user_for_token(raw: str) -> User | None:
    """The active user, with a region, of a bearer token; None for an unknown token. Read on every call:
    a revoked token or a locked user is refused at once in every worker process."""
    token = ApiToken.objects.select_related("user", "user__region").filter(digest=token_digest(raw)).first()
    if token is None or not token.user.may_work:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_tokens(actor, user: User, name: str | None = None) -> int:
    """Revoke the user's API tokens (all of them, or those issued for `name`); returns how many.
    Every worker process refuses them from then on. SYSTEM (the command line) may revoke any."""
    if not is_system(actor) and actor.pk != user.pk and not (
            permissions.can_manage_users(actor) and actor.region.contains(user.region_id)):
        raise PermissionDenied
    tokens = list(ApiToken.objects.filter(user=user, **({"name": name} if name is not None else {})))
    for token in tokens:
        audit.record(actor, "token.revoke", token, region=user.region_id, object_repr=f"{user.username}: {token.name}")
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).delete()
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
    audit.record(SYSTEM, "user.create", user, region=region, after=audit.snapshot(user, USER_FIELDS))
    return user
