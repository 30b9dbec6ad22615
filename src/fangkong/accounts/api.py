"""JSON API of accounts: the signed-in user, and user management for those who may manage users."""

from ninja import Router, Status

from fangkong.core.api import ErrorOut

from . import selectors, services
from .schemas import MeOut, UserChangeIn, UserIn, UserOut, user_out

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
    return [user_out(u) for u in selectors.users_page(request.user, q=q, role=role, after=after or None, limit=limit)]


@router.get("/users/{user_id}", response={200: UserOut, 404: ErrorOut})
def get_user(request, user_id: int):
    return user_out(selectors.user_for(request.user, user_id))


@router.post("/users", response={201: UserOut, 403: ErrorOut, 422: ErrorOut})
def create_user(request, payload: UserIn):
    return Status(201, user_out(services.create_user(request.user, **payload.dict())))


@router.patch("/users/{user_id}", response={200: UserOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def update_user(request, user_id: int, payload: UserChangeIn):
    target = selectors.user_for(request.user, user_id)
    current = {"role": target.role, "region_code": target.region_id, "display_name": target.display_name,
               "phone": target.phone, "is_active": target.is_active}
    sent = payload.dict(exclude_unset=True, exclude_none=True)
    return user_out(services.update_user(request.user, target, **{**current, **sent}))


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
