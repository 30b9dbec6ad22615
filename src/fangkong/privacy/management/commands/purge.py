import sys

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fangkong.audit import services as audit
from fangkong.audit.models import AuditEntry
from fangkong.core import cli
from fangkong.core.actors import SYSTEM
from fangkong.privacy import services


class Command(BaseCommand):
    help = ("End of the response: erase the names, ID numbers, phones, addresses, free text and files of the people "
            "of a region recorded before a day, keeping every figure. Shows what would be erased (per table) and "
            "asks to type the region code; --yes erases without asking, --dry-run only shows.")

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="region code: that region and everything under it")
        parser.add_argument("--before", required=True, help="YYYY-MM-DD: records before this day, not on it (tomorrow at the latest)")
        parser.add_argument("--yes", action="store_true", help="erase without asking")
        parser.add_argument("--dry-run", action="store_true", help="only show what would be erased")
        parser.add_argument("--user", help="who runs the purge, named in the audit trail (default: system)")

    def handle(self, *args, region, before, yes, dry_run, user, **opts):
        day = cli.day_option(before, "--before")
        actor = cli.acting_user(user)
        if actor is not SYSTEM and not actor.region.contains(region):
            raise CommandError(f"--user {user}: region {region} is outside the user's scope")
        try:
            plan = services.plan_purge(region, day)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self._show(plan)
        if dry_run or not plan.rows:
            self.stdout.write("nothing erased" + (" (dry run)" if plan.rows else ": nothing to erase"))
            return
        if not yes:
            if not sys.stdin.isatty():
                self.stdout.write("dry run: nothing erased (give --yes, or run it at a terminal to confirm)")
                return
            typed = input(f"Type the region code {plan.region} to erase all of the above: ").strip()
            if typed != plan.region:
                self.stdout.write("not confirmed: nothing erased")
                return
        with audit.source("cli"):
            done = services.purge(actor, region, day)
        self.stdout.write(f"erased: {done.persons} person(s), {sum(done.rows.values())} row(s) in "
                          f"{len(done.rows)} table(s), {done.audit_entries} audit entries rewritten, "
                          f"{done.files} file(s) deleted")

    def _show(self, plan: services.Purge) -> None:
        self.stdout.write(f"Personal data of region {plan.region} recorded before {plan.before.isoformat()}:")
        for label, count in sorted(plan.rows.items()):
            meta = apps.get_model(label)._meta
            self.stdout.write(f"  {meta.db_table:<32} {count:>9} row(s)  {meta.verbose_name}")
        self.stdout.write(f"  {AuditEntry._meta.db_table:<32} {plan.audit_entries:>9} entries lose personal values")
        self.stdout.write(f"  {'files':<32} {plan.files:>9} to delete")
