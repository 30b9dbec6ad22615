from ninja import Router, Schema, Status

from fangkong.core.api import ErrorOut

from . import selectors, services


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    region_code: str
    region_name: str


class UserIn(Schema):
    username: str
    password: str
    role: str
    region_code: str
    display_name: str = ""
    phone: str = ""


class UserChangeIn(Schema):
    """Only the fields sent are changed."""

    role: str | None = None
    region_code: str | None = None
    display_name: str | None = None
    phone: str | None = None
    is_active: bool | None = None


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    region_code: str
    is_active: bool


def _user_out(u) -> dict:
    return {"id": u.pk, "username": u.username, "display_name": u.display_name, "role": u.role,
            "region_code": u.region_id, "is_active": u.is_active}


router = Router(tags=["accounts"])


@router.get("/me", response=MeOut)
def me(request):
    u = request.user
    return {"username": u.username, "display_name": u.display_name, "role": u.role,
            "role_label": str(u.get_role_display()), "region_code": u.region_id, "region_name": u.region.name}


@router.get("/users", response={200: list[UserOut], 403: ErrorOut, 404: ErrorOut})
def list_users(request, q: str = "", role: str = "", after: int = 0, limit: int = selectors.MAX_USER_PAGE):
    """Users in your subtree by region and username, `limit` at a time (at most 500): for the next page pass
    the id of the last user received as `after`."""
    return [_user_out(u) for u in selectors.users_page(request.user, q=q, role=role, after=after or None, limit=limit)]


@router.get("/users/{user_id}", response={200: UserOut, 404: ErrorOut})
def get_user(request, user_id: int):
    return _user_out(selectors.user_for(request.user, user_id))


@router.post("/users", response={201: UserOut, 403: ErrorOut, 422: ErrorOut})
def create_user(request, payload: UserIn):
    return Status(201, _user_out(services.create_user(request.user, **payload.dict())))


@router.patch("/users/{user_id}", response={200: UserOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def update_user(request, user_id: int, payload: UserChangeIn):
    target = selectors.user_for(request.user, user_id)
    current = {"role": target.role, "region_code": target.region_id, "display_name": target.display_name,
               "phone": target.phone, "is_active": target.is_active}
    sent = payload.dict(exclude_unset=True, exclude_none=True)
    return _user_out(services.update_user(request.user, target, **{**current, **sent}))


@router.post("/users/{user_id}/lock", response={204: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def lock_user(request, user_id: int):
    """Lock an account: no login, and its sessions and API tokens stop working, until it is unlocked."""
    services.lock_user(request.user, selectors.user_for(request.user, user_id))
    return Status(204, None)


@router.post("/users/{user_id}/unlock", response={204: None, 403: ErrorOut, 404: ErrorOut})
def unlock_user(request, user_id: int):
    """Lift an admin's lock and every address's login lockout of the account."""
    services.unlock_user(request.user, selectors.user_for(request.user, user_id))
    return Status(204, None)
