from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Role


class LoginForm(AuthenticationForm):
    """Django's login form, telling a locked-out user when they may try again."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("登录失败次数过多，账户已锁定，请于 %(until)s 后再试或联系管理员。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        user = get_user_model().objects.filter(username=username).first() if username else None
        if user is not None and user.is_locked:
            until = timezone.localtime(user.locked_until).strftime("%H:%M")
            raise forms.ValidationError(self.error_messages["locked"], code="locked", params={"until": until})
        return super().clean()


class UserForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region_code = forms.CharField(label=_("管辖区划代码"), max_length=15)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region_code = forms.CharField(label=_("管辖区划代码"), max_length=15)
    is_active = forms.BooleanField(label=_("启用"), required=False)


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
