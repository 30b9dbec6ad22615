from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.forms import apply_service_error

from . import selectors, services
from .forms import LoginForm, PasswordForm, PasswordResetForm, UserEditForm, UserForm
from .models import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def user_list(request):
    q, role, after = request.GET.get("q", "").strip(), request.GET.get("role", ""), request.GET.get("after", "")
    users = selectors.users_page(request.user, q=q, role=role, after=int(after) if after.isdigit() else None)
    query = request.GET.copy()
    query.pop("after", None)
    return render(request, "accounts/user_list.html", {
        "users": users, "q": q, "role": role, "roles": Role.choices, "query": query.urlencode(),
        "next_after": users[-1].pk if len(users) == selectors.USER_PAGE else None,
    })


@login_required
def user_create(request):
    selectors.users_for(request.user)  # permission check before showing the form
    form = UserForm(request.POST or None, initial={"region_code": request.user.region_id},
                    scope=request.user.region_id)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_user(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已创建用户 %(name)s") % {"name": user.username})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("新建用户")})


@login_required
def user_edit(request, pk: int):
    target = selectors.user_for(request.user, pk)
    initial = {"display_name": target.display_name, "phone": target.phone, "role": target.role,
               "region_code": target.region_id, "is_active": target.is_active}
    form = UserEditForm(request.POST or None, initial=initial, scope=request.user.region_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(request.user, target, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("accounts:users")
    title = _("修改用户：%(name)s") % {"name": target}
    return render(request, "accounts/user_form.html", {"form": form, "title": title, "target": target})


@login_required
@require_POST
def user_lock(request, pk: int):
    try:
        services.lock_user(request.user, selectors.user_for(request.user, pk))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已锁定：该用户不能登录，已登录的会话和API令牌立即失效"))
    return redirect("accounts:users")


@login_required
@require_POST
def user_unlock(request, pk: int):
    services.unlock_user(request.user, selectors.user_for(request.user, pk))
    messages.success(request, _("已解锁"))
    return redirect("accounts:users")


@login_required
def password_change(request):
    """The user's own password; the session stays valid, other sessions of theirs end."""
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(request.user, request.user, new_password=form.cleaned_data["new_password"],
                                  old_password=form.cleaned_data["old_password"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改"))
            return redirect("core:home")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("修改密码"), "own_password": True})


@login_required
def password_reset(request, pk: int):
    target = selectors.user_for(request.user, pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(request.user, target, new_password=form.cleaned_data["new_password"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已重置 %(name)s 的密码") % {"name": target.username})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html",
                  {"form": form, "title": _("重置密码：%(name)s") % {"name": target}})
