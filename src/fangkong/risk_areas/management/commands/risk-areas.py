"""`fangkong risk-areas list|add|end`: the risk-area list from the command line (as a headquarters user)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fangkong.audit import services as audit
from fangkong.core.cli import acting_user

from ... import services as risk_areas
from ...models import RiskArea


class Command(BaseCommand):
    help = ("Risk areas (风险地区): `risk-areas list [--current]`; `risk-areas add CODE [--name N] [--from D] "
            "[--until D] --user NAME`; `risk-areas end ID [--day D] --user NAME`. Codes: 2 digits a province, 4 a "
            "city, 6 a county.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the list, one area a line")
        listing.add_argument("--current", action="store_true", help="only the areas in force today")
        add = sub.add_parser("add", help="add an area")
        add.add_argument("code")
        add.add_argument("--name", default="")
        add.add_argument("--from", dest="valid_from", default=None, help="first day (default today)")
        add.add_argument("--until", dest="valid_until", default=None, help="last day (default: until further notice)")
        add.add_argument("--user", required=True, help="a headquarters user")
        end = sub.add_parser("end", help="end an area (its last day: --day, default yesterday)")
        end.add_argument("id", type=int)
        end.add_argument("--day", default=None)
        end.add_argument("--user", required=True, help="a headquarters user")

    def handle(self, *args, action, **opts):
        if action == "list":
            today = timezone.localdate()
            for area in RiskArea.objects.order_by("code", "valid_from", "id"):
                active = area.active_on(today)
                if opts["current"] and not active:
                    continue
                until = area.valid_until.isoformat() if area.valid_until else "-"
                self.stdout.write(f"{area.pk}\t{area.code}\t{area.name}\t{area.valid_from.isoformat()}\t{until}\t"
                                  f"{'active' if active else 'inactive'}")
            return
        actor = acting_user(opts["user"])
        try:
            with audit.source("cli"):
                if action == "add":
                    area = risk_areas.create_risk_area(actor, code=opts["code"], name=opts["name"],
                                                       valid_from=opts["valid_from"], valid_until=opts["valid_until"])
                else:
                    area = RiskArea.objects.filter(pk=opts["id"]).first()
                    if area is None:
                        raise CommandError(f"no such risk area: {opts['id']}")
                    area = risk_areas.end_risk_area(actor, area, day=opts["day"])
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        until = area.valid_until.isoformat() if area.valid_until else "-"
        self.stdout.write(f"{area.pk}\t{area.code}\t{area.name}\t{area.valid_from.isoformat()}\t{until}")
