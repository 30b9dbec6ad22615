"""隔离政策: the policy of each key-person category, edited by headquarters admins (past orders keep theirs)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fangkong.core.forms import apply_service_error

from .. import permissions, selectors, services
from ..forms import PolicyForm
from .common import require


@login_required
@require_GET
def policies(request):
    user = request.user
    return render(request, "quarantine/policies.html", {
        "policies": selectors.policies_for(user), "can_edit": permissions.can_edit_policies(user)})


@login_required
def policy_edit(request, category: str):
    user = request.user
    require(permissions.can_edit_policies(user))
    policy = selectors.policy_for(user, category)
    initial = {"kind": policy.kind, "length_days": policy.length_days, "counts_from": policy.counts_from,
               "follow_up_times": ",".join(policy.follow_up_times), "fever_threshold": policy.fever_threshold,
               "release_needs_negative_tests": policy.release_needs_negative_tests}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_policy(user, policy, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已修改%(category)s的隔离政策，只对此后开始的隔离生效") % {
                "category": policy.get_category_display()})
            return redirect("quarantine:policies")
    return render(request, "quarantine/policy_form.html", {"policy": policy, "form": form},
                  status=400 if form.is_bound else 200)
