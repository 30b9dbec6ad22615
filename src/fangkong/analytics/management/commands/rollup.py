import datetime

from django.core.management.base import BaseCommand, CommandError

from fangkong.analytics import counters, services
from fangkong.audit import services as audit
from fangkong.core.actors import SYSTEM

from ._dates import add_day_options, day_range


class Command(BaseCommand):
    help = ("Roll-up counters: `rollup rebuild --date D` (or --from D1 --to D2) recomputes them from the raw rows; "
            "`rollup check` compares them with a recomputation without writing (exit 1 on a difference).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add_day_options(sub.add_parser("rebuild", help="recompute the counters of the day(s) from the raw rows"))
        add_day_options(sub.add_parser("check", help="compare the counters with a recomputation; writes nothing"))

    def handle(self, *args, action, **opts):
        first, last = day_range(opts)
        if action == "rebuild":
            with audit.source("cli"):
                for day, written in services.rebuild_counters(SYSTEM, first, last):
                    self.stdout.write(f"{day.isoformat()}: {written} counters")
            return
        wrong = 0
        day = first
        while day <= last:
            for (code, metric), (held, fresh) in counters.differences(day).items():
                wrong += 1
                self.stdout.write(f"{day.isoformat()} {code} {metric}: counter {held}, raw rows {fresh}")
            day += datetime.timedelta(days=1)
        if wrong:
            raise CommandError(f"{wrong} counter(s) differ from the raw rows; run `fangkong rollup rebuild`",
                               returncode=1)
        self.stdout.write("counters agree with the raw rows")
