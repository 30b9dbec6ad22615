"""`fangkong users create-admin` bootstraps the first headquarters admin of a region."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.accounts.models import Role, User
from tests import factories


def _create_admin(*args):
    call_command("users", "create-admin", *args, stdout=io.StringIO())


def test_creates_an_hq_admin_scoped_to_the_region(tree):
    _create_admin("root", "--region", factories.COUNTY, "--password", "Root-password-2020", "--name", "县管理员")
    root = User.objects.get(username="root")
    assert (root.role, root.region_id, root.display_name) == (Role.HQ_ADMIN, factories.COUNTY, "县管理员")
    assert root.check_password("Root-password-2020")


@pytest.mark.parametrize("args,message", [
    (["root", "--region", "420921001299", "--password", "Root-password-2020"], "420921001299 不存在"),
    (["root", "--region", factories.COUNTY, "--password", "12345"], "密码太短"),
    (["bad name", "--region", factories.COUNTY, "--password", "Root-password-2020"], "用户名"),
])
def test_refuses_bad_input_with_a_clear_message(tree, args, message):
    with pytest.raises(CommandError, match=message):
        _create_admin(*args)
    assert not User.objects.exists()


def test_refuses_a_taken_username(tree):
    factories.user("root", Role.VIEWER, factories.COUNTY)
    with pytest.raises(CommandError, match="用户名 ROOT 已存在"):
        _create_admin("ROOT", "--region", factories.COUNTY, "--password", "Root-password-2020")
