from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from fangkong.regions.forms import pick_region

from .models import Role


class LoginForm(AuthenticationForm):
    """Django's login form with one message for every refusal: an unknown username, a wrong password, too
    many failures from this address and a locked or inactive account all read the same, so the page never
    tells whether a username exists (services: "Login lockout")."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确（区分大小写）。同一地址连续失败%(threshold)s次后须等待%(minutes)s分钟再试；"
                           "仍不能登录请联系管理员。"),
    }

    def get_invalid_login_error(self):
        return forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login", params={
            "threshold": settings.FANGKONG_LOCKOUT_THRESHOLD, "minutes": settings.FANGKONG_LOCKOUT_MINUTES})

    def confirm_login_allowed(self, user):
        if not user.may_work:  # never reached through LockoutBackend; kept so the message cannot differ
            raise self.get_invalid_login_error()


class UserForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region_code = forms.CharField(label=_("管辖区划"), max_length=15)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        pick_region(self, "region_code", scope)  # the admin's own scope, by name


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region_code = forms.CharField(label=_("管辖区划"), max_length=15)
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, **kwargs)
        pick_region(self, "region_code", scope)


class PasswordForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, strip=False)
    new_password_again = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("两次输入的新密码不一致"))
        return data


class PasswordResetForm(PasswordForm):
    """An admin sets someone else's password: no old password."""

    old_password = None
