import dataclasses
import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from fangkong.core.cli import acting_user, day_option, service_errors

from ...selectors import epi as selectors


class Command(BaseCommand):
    help = ("The epidemic curve, Rt and the indicators of a region as JSON, from the counters: "
            "`epi curve|rt --region CODE [--first D] [--last D] [--basis onset|report]` (default: the 60 days ending "
            "today), `epi rt … [--mean-si DAYS] [--std-si DAYS]`, `epi indicators --region CODE [--first D] "
            "[--last D]` (default: today); --user NAME reads inside that user's scope (default: the system).")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["curve", "rt", "indicators"])
        parser.add_argument("--region", help="region code (default: the user's region)")
        parser.add_argument("--first", help="first day, YYYY-MM-DD")
        parser.add_argument("--last", help="last day, YYYY-MM-DD (default: today)")
        parser.add_argument("--basis", default="onset", help="onset (发病日期) or report (报告日期)")
        parser.add_argument("--mean-si", dest="mean_si", help="mean serial interval, days (FANGKONG_RT_MEAN_SI)")
        parser.add_argument("--std-si", dest="std_si", help="its standard deviation, days (FANGKONG_RT_STD_SI)")
        parser.add_argument("--user", help="read as this user, inside their scope (default: the system)")

    def handle(self, *args, what, **opts):
        user = acting_user(opts["user"])
        if not opts["region"] and not opts["user"]:
            raise CommandError("--region is needed without --user")
        last = day_option(opts["last"], "--last")
        first = day_option(opts["first"], "--first") if opts["first"] else None
        with service_errors(opts["region"] or ""):
            if what == "curve":
                curve = selectors.curve(user, opts["region"], basis=opts["basis"], first=first, last=last)
                found = {"region_code": curve.region.code, "basis": curve.basis,
                         "days": [{"day": d, **{c: curve.series[c][i] for c in curve.series},
                                   "total": curve.totals[i]} for i, d in enumerate(curve.days)]}
            elif what == "rt":
                rt = selectors.rt(user, opts["region"], basis=opts["basis"], first=first, last=last,
                                  mean_si=opts["mean_si"], std_si=opts["std_si"])
                found = {"region_code": rt.region.code, "basis": rt.basis, "mean_si": rt.mean_si, "std_si": rt.std_si,
                         "min_cases": rt.min_cases, "rows": [dataclasses.asdict(r) for r in rt.rows]}
            else:
                found = selectors.indicators(user, opts["region"], first=first or last, last=last).as_dict()
        self.stdout.write(json.dumps(found, ensure_ascii=False, cls=DjangoJSONEncoder))
