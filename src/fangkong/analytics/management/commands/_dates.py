"""Date options shared by the roll-up commands."""

import datetime

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

MAX_DAYS = 366


def parse_date(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(_("%(option)s 日期格式应为 YYYY-MM-DD：%(value)s")
                           % {"option": option, "value": value}) from None


def add_day_options(parser) -> None:
    parser.add_argument("--date", help="one day, YYYY-MM-DD")
    parser.add_argument("--from", dest="first", help="first day of a range, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", help="last day of a range (inclusive), YYYY-MM-DD")


def day_range(opts: dict) -> tuple[datetime.date, datetime.date]:
    """(first, last) from --date, or from --from and --to."""
    if opts.get("date"):
        if opts.get("first") or opts.get("last"):
            raise CommandError(_("--date 不能与 --from/--to 同时使用"))
        day = parse_date(opts["date"], "--date")
        return day, day
    if not (opts.get("first") and opts.get("last")):
        raise CommandError(_("请给出 --date，或同时给出 --from 和 --to"))
    first, last = parse_date(opts["first"], "--from"), parse_date(opts["last"], "--to")
    if first > last:
        raise CommandError(_("--from %(first)s 晚于 --to %(last)s") % {"first": first, "last": last})
    if (last - first).days >= MAX_DAYS:
        raise CommandError(_("一次最多 %(n)d 天") % {"n": MAX_DAYS})
    return first, last
