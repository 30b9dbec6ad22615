"""Pages for people and households: thin, every read via selectors and every write via services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from fangkong.accounts import permissions
from fangkong.core import region_picker
from fangkong.core.forms import apply_service_error
from fangkong.core.paging import PAGE_SIZE
from fangkong.core.searches import redirect_to_list, typed

from . import reviews, selectors, services
from .forms import AddMemberForm, HouseholdForm, PersonEditForm, PersonForm


def _require_writer(user) -> None:
    if not permissions.can_write(user):
        raise PermissionDenied(_("您的角色只能查看，不能修改"))


def _region_filter(user, region: str):
    """The list's region filter: the scope's regions by name (a code field only where there are too many)."""
    return region_picker.select("region", region, user.region_id, blank=_("全部"), attrs={"id": "filter-region"})


@login_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    """The search box posts: an ID number or phone typed into it never stands in the address (core.searches)."""
    if request.method == "POST":
        return redirect_to_list(request)
    search, region = typed(request), request.GET.get("region", "").strip()
    page = (selectors.persons_for(request.user, q=search.text, region=region, after=request.GET.get("after", ""))
            if not search.error else selectors.Page([], None))
    return render(request, "people/person_list.html", {
        "page": page, "search": search, "region": region, "can_write": permissions.can_write(request.user),
        "region_select": _region_filter(request.user, region),
    }, status=400 if search.error else 200)


def _detail_context(request, person, revealed=None) -> dict:
    household = selectors.visible_household(request.user, person)
    members = selectors.members_of(request.user, household) if household else []
    return {
        "person": person,
        "revealed": revealed,
        "can_reveal": permissions.can_reveal(request.user),
        "can_write": permissions.can_write(request.user),
        "household": household,
        "members": [m for m in members if m.pk != person.pk],
        "entries": selectors.key_person_entries_of(request.user, person),
    }


@login_required
def person_detail(request, pk: int):
    person = selectors.person_for(request.user, pk)
    return render(request, "people/person_detail.html", _detail_context(request, person))


@never_cache
@login_required
@require_POST
def person_reveal(request, pk: int):
    """Shows the full numbers once, on this response only; the reveal is logged by the service."""
    person = selectors.person_for(request.user, pk)
    revealed = services.reveal_person(request.user, person)
    return render(request, "people/person_detail.html", _detail_context(request, person, revealed))


@login_required
def person_create(request):
    _require_writer(request.user)
    form = PersonForm(request.POST or None, initial={"region_code": request.user.region_id},
                      scope=request.user.region_id)
    if request.method == "POST" and form.is_valid():
        try:
            person, created = services.find_or_record_person(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if person is None:  # held for review: the one answer, whatever the reason (people.reviews)
                messages.info(request, reviews.SUBMITTED)
                return redirect("people:reviews")
            messages.success(request, _("已登记 %(name)s") % {"name": person.name} if created
                             else _("该人员已登记，已更新 %(name)s 的信息") % {"name": person.name})
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": _("登记人员")})


@login_required
def person_edit(request, pk: int):
    _require_writer(request.user)
    person = selectors.person_for(request.user, pk)
    initial = {"name": person.name, "id_type": person.id_type, "region_code": person.region_id,
               "address": person.address, "workplace": person.workplace, "household": person.household_id,
               "sex": person.sex, "birth_date": person.birth_date}
    form = PersonEditForm(request.POST or None, initial=initial, person=person, scope=request.user.region_id)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.update_person(request.user, person, **form.service_kwargs())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if updated is None:  # held for review: the one answer, whatever the reason (people.reviews)
                messages.info(request, reviews.SUBMITTED)
                return redirect("people:reviews")
            messages.success(request, _("已保存"))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "title": person.name, "person": person})


# Households ------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def household_list(request):
    """The search box posts, like the persons' (an address's house number stays out of the address bar too)."""
    if request.method == "POST":
        return redirect_to_list(request)
    search, region = typed(request), request.GET.get("region", "").strip()
    page = (selectors.households_for(request.user, region, q=search.text, after=request.GET.get("after", ""))
            if not search.error else selectors.Page([], None))
    return render(request, "people/household_list.html", {
        "page": page, "search": search, "region": region, "can_write": permissions.can_write(request.user),
        "region_select": _region_filter(request.user, region),
    }, status=400 if search.error else 200)


@login_required
def household_detail(request, pk: int):
    household = selectors.household_for(request.user, pk)
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _require_writer(request.user)
        person = selectors.person_by_number(request.user, form.cleaned_data["number"])
        if person is None:
            form.add_error("number", _("在您的管辖范围内没有找到唯一对应的人员，请先登记该人员"))
        else:
            try:
                services.set_household(request.user, person, household)
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("已将 %(name)s 加入本户") % {"name": person.name})
                return redirect("people:household", pk=household.pk)
    return render(request, "people/household_detail.html", {
        "household": household, "members": selectors.members_of(request.user, household), "form": form,
        "can_write": permissions.can_write(request.user),
    })


@login_required
@require_POST
def household_remove_member(request, pk: int, person_pk: int):
    household = selectors.household_for(request.user, pk)
    person = selectors.person_for(request.user, person_pk)
    if person.household_id == household.pk:
        services.set_household(request.user, person, None)
        messages.success(request, _("已将 %(name)s 移出本户") % {"name": person.name})
    return redirect("people:household", pk=household.pk)


@login_required
def household_create(request):
    _require_writer(request.user)
    form = HouseholdForm(request.POST or None, initial={"region_code": request.user.region_id},
                         scope=request.user.region_id)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.create_household(request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已新建户"))
            return redirect("people:household", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form, "title": _("新建户")})


@login_required
def household_edit(request, pk: int):
    _require_writer(request.user)
    household = selectors.household_for(request.user, pk)
    initial = {"region_code": household.region_id, "address": household.address, "head_name": household.head_name}
    form = HouseholdForm(request.POST or None, initial=initial, scope=request.user.region_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_household(request.user, household, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("people:household", pk=household.pk)
    return render(request, "people/household_form.html",
                  {"form": form, "title": household.address, "household": household})


# Duplicates ------------------------------------------------------------------------------------

@login_required
def duplicate_list(request):
    pairs = selectors.duplicate_pairs_for(request.user, after=request.GET.get("after", ""), limit=PAGE_SIZE)
    return render(request, "people/duplicate_list.html", {
        "pairs": pairs, "can_write": permissions.can_write(request.user),
        "next_after": pairs[-1].cursor if len(pairs) == PAGE_SIZE else None,
    })


@login_required
def merge(request, keep_pk: int, other_pk: int):
    """GET shows both records side by side to confirm; POST merges `other` into `keep`."""
    _require_writer(request.user)
    keep = selectors.person_for(request.user, keep_pk)
    other = selectors.person_for(request.user, other_pk)
    if request.method == "POST":
        try:
            services.merge_persons(request.user, keep, other)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已合并，保留 %(name)s（编号 %(pk)s）") % {"name": keep.name, "pk": keep.pk})
            return redirect("people:detail", pk=keep.pk)
    return render(request, "people/merge_confirm.html", {
        "keep": keep, "other": other,
        "keep_entries": selectors.key_person_entries_of(request.user, keep), "other_entries": selectors.key_person_entries_of(request.user, other),
    })


# Registrations held for review -----------------------------------------------------------------

@login_required
def review_list(request):
    """登记核实: the open reviews the user decides, and the user's own submissions with their outcome."""
    to_decide, mine = selectors.reviews_to_decide(request.user), selectors.submissions_of(request.user)
    for review in (*to_decide, *mine):
        review.what = reviews.describe(review)
    return render(request, "people/review_list.html", {"to_decide": to_decide, "mine": mine})


@login_required
@require_POST
def review_decide(request, pk: int, decision: str):
    review = selectors.review_for(request.user, pk)
    decide = reviews.accept_review if decision == "accept" else reviews.reject_review
    try:
        decide(request.user, review, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已通过，登记已生效") if decision == "accept" else _("已退回"))
    return redirect("people:reviews")

