import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fangkong.accounts import services
from fangkong.accounts.models import User
from fangkong.audit import services as audit
from fangkong.core.actors import SYSTEM


class Command(BaseCommand):
    help = "Account maintenance: create the first admin of a region, set a password, issue or revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        admin = sub.add_parser("create-admin", help="create a headquarters admin (bootstrap)")
        admin.add_argument("username")
        admin.add_argument("--region", required=True, help="scope region code")
        admin.add_argument("--name", default="", help="display name")
        admin.add_argument("--password", help="default: asked interactively")
        reset = sub.add_parser("set-password", help="set a user's password (asked interactively)")
        reset.add_argument("username")
        reset.add_argument("--password", help="default: asked interactively")
        token = sub.add_parser("token", help="issue an API token for a user; printed once")
        token.add_argument("username")
        token.add_argument("--name", default="script")
        revoke = sub.add_parser("revoke-tokens", help="revoke a user's API tokens (all, or those of --name)")
        revoke.add_argument("username")
        revoke.add_argument("--name", help="only the tokens issued with this --name")

    def handle(self, *args, action, **opts):
        with audit.source("cli"):
            try:
                if action == "create-admin":
                    password = opts["password"] or getpass.getpass("Password: ")
                    user = services.create_first_admin(username=opts["username"], password=password,
                                                       region_code=opts["region"], display_name=opts["name"])
                    self.stdout.write(f"created {user.username} ({user.region_id})")
                    return
                user = User.objects.filter(username=opts["username"]).first()
                if user is None:
                    raise CommandError(f"no such user: {opts['username']}")
                if action == "set-password":
                    # the operator at the console acts as the system
                    services.set_password(SYSTEM, user, new_password=opts["password"] or getpass.getpass("Password: "))
                    self.stdout.write(f"password set for {user.username}")
                elif action == "revoke-tokens":
                    count = services.revoke_tokens(SYSTEM, user, opts["name"])
                    self.stdout.write(f"revoked {count} token(s) of {user.username}")
                else:
                    self.stdout.write(services.create_token(user, user, opts["name"]))
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
