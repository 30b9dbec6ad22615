"""`fangkong reconcile_arrivals`: the "no one missed" reconciliation (不漏一人), for cron.

Opens an `unlisted` arrival task for every person who arrived from a risk area at least --hours
ago (default: setting FANGKONG_RECONCILE_HOURS, 24) and is on no ledger of the county, and closes
the open ones whose person has been put on a ledger since. The last stdout line is one JSON
object (services.reconciliation.Summary); exit status 1 when refused.
"""

import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from fangkong.audit import services as audit
from fangkong.core.actors import SYSTEM
from fangkong.core.cli import active_user

from ...services import reconciliation


class Command(BaseCommand):
    help = "Open village tasks for risk-area arrivals that no ledger holds after N hours (prints a JSON summary)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=None,
                            help="arrivals at least this many hours old (default FANGKONG_RECONCILE_HOURS, 24)")
        parser.add_argument("--user", default="",
                            help="run as this user (their subtree only); default: the system, everything")

    def handle(self, *args, **opts):
        actor = SYSTEM
        if opts["user"]:
            actor = active_user(opts["user"])
            if actor is None:
                return self._refuse(f"用户不存在或已停用：{opts['user']}")
        try:
            with audit.source("cli"):
                summary = reconciliation.reconcile(actor, hours=opts["hours"])
        except ValidationError as exc:
            return self._refuse("；".join(exc.messages))
        except PermissionDenied as exc:
            return self._refuse(str(exc) or "无权执行此操作")
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def _refuse(self, reason: str):
        self.stderr.write(reason)
        self.stdout.write(json.dumps({"error": reason}, ensure_ascii=False))
        sys.exit(1)
