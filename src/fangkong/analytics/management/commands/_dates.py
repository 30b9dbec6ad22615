"""Date options shared by the roll-up commands."""

import datetime

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from fangkong.core.cli import day_option

MAX_DAYS = 366


def add_day_options(parser) -> None:
    parser.add_argument("--date", help="one day, YYYY-MM-DD")
    parser.add_argument("--from", dest="first", help="first day of a range, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", help="last day of a range (inclusive), YYYY-MM-DD")


def day_range(opts: dict) -> tuple[datetime.date, datetime.date]:
    """(first, last) from --date, or from --from and --to."""
    if opts.get("date"):
        if opts.get("first") or opts.get("last"):
            raise CommandError(_("--date 不能与 --from/--to 同时使用"))
        day = day_option(opts["date"], "--date")
        return day, day
    if not (opts.get("first") and opts.get("last")):
        raise CommandError(_("请给出 --date，或同时给出 --from 和 --to"))
    first, last = day_option(opts["first"], "--from"), day_option(opts["last"], "--to")
    if first > last:
        raise CommandError(_("--from %(first)s 晚于 --to %(last)s") % {"first": first, "last": last})
    if (last - first).days >= MAX_DAYS:
        raise CommandError(_("一次最多 %(n)d 天") % {"n": MAX_DAYS})
    return first, last
