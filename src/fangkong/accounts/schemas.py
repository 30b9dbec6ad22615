"""The accounts API's request and response bodies: the signed-in user and user management."""

from ninja import Schema


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


def user_out(u) -> dict:
    return {"id": u.pk, "username": u.username, "display_name": u.display_name, "role": u.role,
            "region_code": u.region_id, "is_active": u.is_active}
