"""`fangkong contacts list|candidates|confirm|add|dismiss|handover`: contacts (密接) from the command line, as JSON,
scoped as the pages and the API (numbers masked). `handover` writes one receiving county's hand-over (协查函,
full numbers) to a file, logged as an export like the page's, and marks its contacts handed over. Exit status 2
on bad input, 1 when the role may not."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.paging import page_limit

from ... import rows
from ...selectors import candidates as candidate_selectors
from ...selectors import contacts as selectors
from ...selectors import investigations as investigation_selectors
from ...services import contacts as services
from ._tracing import BAD_INPUT, dumps, refusals, user_of

# What only a contact registered in the county has (an outside one is handed over, not isolated here).
HERE_ONLY = [("--id-type", "id_type"), ("--region", "region_code"), ("--cadre", "cadre"), ("--doctor", "doctor"),
             ("--site", "site"), ("--room", "room")]


class Command(BaseCommand):
    help = ("Contacts (密接) as JSON: `contacts list [--level close|secondary] [--outside|--inside] [--after ID]`, "
            "`contacts candidates INVESTIGATION` (候选密接 with why); `contacts confirm INVESTIGATION --person ID "
            "--kind K --last-exposure D [--level L] [--source S] [--via CONTACT] …`, `contacts add INVESTIGATION --name N "
            "--kind K --last-exposure D (--id-number X --region CODE | --outside-county NAME) [--phone P] …` (one the "
            "data did not propose; --outside-county for one living outside the county, for the hand-over), `contacts dismiss INVESTIGATION "
            "--person ID [--source S] [--note T]`, `contacts handover --county NAME [--format xlsx|docx] "
            "[--include-sent] [--out FILE]`; each with --user NAME, acting inside that account's scope.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the confirmed contacts of the scope, latest first (a page)")
        listing.add_argument("--level", default="", help="close / secondary")
        where = listing.add_mutually_exclusive_group()
        where.add_argument("--outside", dest="outside", action="store_const", const=True, default=None,
                           help="only those living outside the county")
        where.add_argument("--inside", dest="outside", action="store_const", const=False,
                           help="only those living inside the county")
        listing.add_argument("--after", default=None, help="the next_after of the page before")
        candidates = sub.add_parser("candidates", help="候选密接 of an investigation, computed now")
        candidates.add_argument("investigation", help="investigation id")
        confirm = sub.add_parser("confirm", help="确认密接: a registered person; the ledger and isolation follow")
        confirm.add_argument("investigation", help="investigation id")
        confirm.add_argument("--person", required=True, help="the person's id")
        confirm.add_argument("--kind", required=True, help="household / same_place / transport / work / social …")
        confirm.add_argument("--last-exposure", dest="last_exposure_date", required=True, help="YYYY-MM-DD")
        confirm.add_argument("--level", default="close", help="close / secondary")
        confirm.add_argument("--source", default="manual")
        confirm.add_argument("--via", default=None, help="a secondary contact's close contact (contact id)")
        confirm.add_argument("--note", default="")
        for who in ("cadre", "doctor", "site", "room"):
            confirm.add_argument(f"--{who}", default=None, help=f"the isolation's {who} (id; default: the nearest)")
        add = sub.add_parser("add", help="添加密接 the data did not propose: registered here, or outside the county")
        add.add_argument("investigation", help="investigation id")
        add.add_argument("--name", required=True)
        add.add_argument("--kind", required=True, help="household / same_place / transport / work / social …")
        add.add_argument("--last-exposure", dest="last_exposure_date", required=True, help="YYYY-MM-DD")
        add.add_argument("--id-type", dest="id_type", default=None, help="default: resident_id")
        add.add_argument("--id-number", dest="id_number", default="")
        add.add_argument("--region", dest="region_code", default=None, help="the person's village or grid (here)")
        add.add_argument("--outside-county", dest="county", default=None,
                         help="the county (县/市/区) they live in, when outside this one: kept for the hand-over")
        add.add_argument("--phone", default="")
        add.add_argument("--address", default="")
        add.add_argument("--level", default="close", help="close / secondary")
        add.add_argument("--via", default=None, help="a secondary contact's close contact (contact id)")
        add.add_argument("--note", default="")
        for who in ("cadre", "doctor", "site", "room"):
            add.add_argument(f"--{who}", default=None, help=f"the isolation's {who} (id; default: the nearest)")
        dismiss = sub.add_parser("dismiss", help="排除 a candidate (not proposed again)")
        dismiss.add_argument("investigation", help="investigation id")
        dismiss.add_argument("--person", required=True, help="the person's id")
        dismiss.add_argument("--source", default="")
        dismiss.add_argument("--note", default="")
        handover = sub.add_parser("handover", help="协查函 of one receiving county to a file (logged)")
        handover.add_argument("--county", required=True, help="the receiving county's name")
        handover.add_argument("--format", dest="file_format", default="xlsx", help="xlsx / docx")
        handover.add_argument("--include-sent", dest="include_sent", action="store_true",
                              help="with the contacts handed over already")
        handover.add_argument("--out", default=None, help="the file (default: handover-YYYYMMDD-HHMM.FORMAT here)")
        for p in (listing, candidates):
            p.add_argument("--user", required=True, help="read as this user, inside their scope")
        for p in (confirm, add, dismiss, handover):
            p.add_argument("--user", required=True, help="the investigator")

    def handle(self, *args, action, **opts):
        user = user_of(opts.get("user"))
        if action in ("list", "handover"):
            with refusals(_("密接"), opts.get("after") or ""):
                if action == "list":
                    items = selectors.contacts_for(user, level=opts["level"], outside=opts["outside"],
                                                   after=opts["after"])
                    found = {"items": [rows.contact(c) for c in items],
                             "next_after": items[-1].pk if len(items) == page_limit(None) else None}
                else:
                    found = self._handover(user, opts)
            self.stdout.write(dumps(found))
            return
        with refusals(_("流调"), opts["investigation"]):
            inv = investigation_selectors.investigation_for(user, opts["investigation"])
            if action == "candidates":
                got = candidate_selectors.candidates_for(user, inv)
                found = {"unconfirmed_visitors": got.unconfirmed_visitors, "truncated": got.truncated,
                         "candidates": [rows.candidate(c) for c in got]}
            elif action == "confirm":
                contact = services.confirm_contact(user, inv.case, person=opts["person"], kind=opts["kind"],
                                                   last_exposure_date=opts["last_exposure_date"], level=opts["level"],
                                                   source=opts["source"], via=opts["via"], note=opts["note"],
                                                   **{w: opts[w] for w in ("cadre", "doctor", "site", "room")})
                found = rows.contact(selectors.contact_for(user, contact.pk), getattr(contact, "outcome", None))
            elif action == "add":
                contact = self._add(user, inv.case, opts)
                found = rows.contact(selectors.contact_for(user, contact.pk), getattr(contact, "outcome", None))
            else:
                contact = services.dismiss_candidate(user, inv.case, person=opts["person"], source=opts["source"],
                                                     note=opts["note"])
                found = rows.contact(selectors.shown([contact])[0])
        self.stdout.write(dumps(found))

    @staticmethod
    def _add(user, case, opts):
        """--outside-county takes the outside contact's fields (no region, no isolation here); without it the
        person is found or registered in a region of the county."""
        common = {f: opts[f] for f in ("name", "kind", "last_exposure_date", "phone", "id_number", "address", "level",
                                       "via", "note")}
        if opts["county"] is not None:
            here_only = [option for option, dest in HERE_ONLY if opts[dest] is not None]
            if here_only:
                raise CommandError(_("外县密接不能填写：%(options)s") % {"options": "、".join(here_only)},
                                   returncode=BAD_INPUT)
            return services.add_outside_contact(user, case, county=opts["county"], **common)
        return services.add_contact(user, case, id_type=opts["id_type"] or "resident_id",
                                    region_code=opts["region_code"] or "", **common,
                                    **{w: opts[w] for w in ("cadre", "doctor", "site", "room")})

    @staticmethod
    def _handover(user, opts) -> dict:
        """The file is opened before the export, so that a path that cannot be written refuses the export (which
        marks the contacts handed over) instead of following it."""
        path = Path(opts["out"] or f"handover-{timezone.localtime():%Y%m%d-%H%M}.{opts['file_format']}")
        existed = path.exists()
        try:
            out = path.open("ab")
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=BAD_INPUT) from None
        with out:
            try:
                content, rows = services.export_handover(user, county=opts["county"], file_format=opts["file_format"],
                                                         include_sent=opts["include_sent"])
            except BaseException:
                if not existed:
                    path.unlink(missing_ok=True)
                raise
            out.truncate(0)
            out.write(content)
        return {"county": opts["county"], "format": opts["file_format"], "rows": rows, "file": str(path)}
