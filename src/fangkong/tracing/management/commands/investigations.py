"""`fangkong investigations open|show|stop-add|stop-remove|complete|reopen`: investigations (流调) from the command line, as JSON, for
those who investigate the case's scope (as the pages and the API). Exit status 2 on bad input, 1 when the role
may not."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ... import rows
from ...selectors import investigations as selectors
from ...services import investigations as services
from ._tracing import dumps, refusals, user_of

STOP_OPTIONS = [("kind", "place / transport / gathering …"), ("starts-at", "YYYY-MM-DDTHH:MM"),
                ("ends-at", "YYYY-MM-DDTHH:MM"), ("place-name", "地点"), ("key-place", "a key place's id"),
                ("region", "the region code of the stop"), ("transport-mode", "交通方式"),
                ("transport-number", "车次/航班/车牌"), ("seat", "座位号"), ("note", "说明（不公开）")]


def _dest(option: str) -> str:
    return {"region": "region_code"}.get(option, option.replace("-", "_"))


class Command(BaseCommand):
    help = ("Investigations (流调) as JSON: `investigations open CASE` (the case's, opened when it has none), "
            "`investigations show ID` (with its itinerary), `investigations stop-add ID --kind K --starts-at T "
            "[--ends-at T] [--place-name P | --key-place ID] [--transport-mode M --transport-number N [--seat S]] "
            "[--note T] [--private]`, `investigations complete ID [--exposure-kind K] [--exposure-note T] "
            "[--summary T]`, `investigations stop-remove STOP_ID` (a stop entered by mistake), `investigations reopen ID "
            "--reason T` (a completed one, on new facts); each with --user NAME, an investigator of the case's scope.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        opening = sub.add_parser("open", help="开始流调 of a case (the one it has when open already)")
        opening.add_argument("case", help="case id")
        show = sub.add_parser("show", help="one investigation with its itinerary")
        show.add_argument("investigation", help="investigation id")
        show.add_argument("--user", required=True, help="read as this user, inside their scope")
        stop = sub.add_parser("stop-add", help="添加行程")
        stop.add_argument("investigation", help="investigation id")
        for option, text in STOP_OPTIONS:
            stop.add_argument(f"--{option}", dest=_dest(option), default=None, help=text)
        stop.add_argument("--private", action="store_true", help="not for the public notice")
        complete = sub.add_parser("complete", help="完成流调 (exposure kind and summary, given here or before)")
        complete.add_argument("investigation", help="investigation id")
        complete.add_argument("--exposure-kind", dest="exposure_kind", default=None)
        complete.add_argument("--exposure-note", dest="exposure_note", default=None)
        complete.add_argument("--summary", default=None)
        removal = sub.add_parser("stop-remove", help="删除行程 entered by mistake (the audit trail keeps it)")
        removal.add_argument("stop", help="itinerary stop id")
        reopen = sub.add_parser("reopen", help="重新打开 a completed investigation, with the reason")
        reopen.add_argument("investigation", help="investigation id")
        reopen.add_argument("--reason", required=True)
        for p in (opening, stop, complete, removal, reopen):
            p.add_argument("--user", required=True, help="the investigator")

    def handle(self, *args, action, **opts):
        user = user_of(opts.get("user"))
        if action == "open":
            with refusals(_("病例"), opts["case"]):
                inv = services.open_investigation(user, selectors.case_to_investigate(user, opts["case"]))
                found = rows.investigation(selectors.investigation_for(user, inv.pk), created=inv.created)
            self.stdout.write(dumps(found))
            return
        if action == "stop-remove":
            with refusals(_("行程"), opts["stop"]):
                stop = selectors.stop_for(user, opts["stop"])
                services.remove_stop(user, stop)
                found = rows.investigation(selectors.investigation_for(user, stop.investigation_id))
            self.stdout.write(dumps(found))
            return
        key = opts["investigation"]
        with refusals(_("流调"), key):
            inv = selectors.investigation_for(user, key)
            if action == "stop-add":
                raw = {_dest(o): opts[_dest(o)] for o, _t in STOP_OPTIONS if opts[_dest(o)] is not None}
                services.add_stop(user, inv, **raw, public=not opts["private"])
            elif action == "complete":
                services.complete_investigation(user, inv, **{f: opts[f] for f in ("exposure_kind", "exposure_note",
                                                                                   "summary") if opts[f] is not None})
            elif action == "reopen":
                services.reopen_investigation(user, inv, reason=opts["reason"])
            found = rows.investigation(selectors.investigation_for(user, inv.pk))
        self.stdout.write(dumps(found))
