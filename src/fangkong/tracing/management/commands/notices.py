"""`fangkong notices list|draft|edit|publish|withdraw|docx`: a case's public itinerary notice (病例活动轨迹) from the
command line, as JSON, read and written as the pages and the API do (times, places and transport only).
`docx` writes the published notice as a Word file, logged as an export. Exit status 2 on bad input, 1 when the
role may not."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fangkong.core.cli import write_output
from fangkong.core.paging import id_or_404

from ... import rows
from ...selectors import notices as selectors
from ...services import notices as services
from ._tracing import BAD_INPUT, dumps, refusals, user_of


class Command(BaseCommand):
    help = ("Itinerary notices (病例活动轨迹) as JSON: `notices list [--status draft|published|withdrawn] [--after ID]`; "
            "`notices draft CASE` (a case number or id: a draft from its investigation's public stops), `notices "
            "publish ID`, `notices withdraw ID --reason T`, `notices docx ID [--out FILE]` (the published notice as "
            ".docx); each with --user NAME, acting inside that account's scope.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the notices of the scope, newest first (a page)")
        listing.add_argument("--status", default="", help="draft / published / withdrawn (default: all)")
        listing.add_argument("--after", default=None, help="the next_after of the page before")
        listing.add_argument("--user", required=True, help="read as this user, inside their scope")
        draft = sub.add_parser("draft", help="a draft of a case's notice")
        draft.add_argument("case", help="case number or id")
        edit = sub.add_parser("edit", help="the reviewed title and/or public alias (公开称谓) of a draft")
        edit.add_argument("notice", help="notice id")
        edit.add_argument("--title", default=None, help="default: unchanged")
        edit.add_argument("--alias", default=None, help="default: unchanged")
        publish = sub.add_parser("publish", help="release a reviewed draft to the public page")
        publish.add_argument("notice", help="notice id")
        withdraw = sub.add_parser("withdraw", help="take a published notice off the public pages")
        withdraw.add_argument("notice", help="notice id")
        withdraw.add_argument("--reason", required=True)
        docx = sub.add_parser("docx", help="the published notice as a Word file (logged)")
        docx.add_argument("notice", help="notice id")
        docx.add_argument("--out", default=None, help="the file (default: the notice's title and day, here)")
        for p in (draft, edit, publish, withdraw, docx):
            p.add_argument("--user", required=True)

    def handle(self, *args, action, **opts):
        user = user_of(opts.get("user"))
        if action == "list":
            with refusals(_("活动轨迹"), opts["after"] or ""):
                found = selectors.notices_for(user, status=opts["status"], after=opts["after"])
                result = {"notices": [rows.notice(n) for n in found],
                          "next_after": found[-1].pk if len(found) == selectors.PAGE_SIZE else None}
        elif action == "draft":
            case = opts["case"].strip()
            with refusals(_("病例"), case):
                by_id = case.isascii() and case.isdigit()
                target = selectors.case_for_notice(user, pk=id_or_404(case) if by_id else None,
                                                   number="" if by_id else case)
                result = rows.notice(services.draft_notice(user, target))
        else:
            with refusals(_("活动轨迹"), opts["notice"]):
                notice = selectors.notice_for(user, opts["notice"])
                if action == "edit":
                    result = rows.notice(services.edit_notice(user, notice, title=opts["title"], alias=opts["alias"]))
                elif action == "publish":
                    result = rows.notice(services.publish_notice(user, notice))
                elif action == "withdraw":
                    result = rows.notice(services.withdraw_notice(user, notice, reason=opts["reason"]))
                else:
                    content, name = services.export_notice(user, notice)
                    try:
                        path = write_output(content, name, opts["out"])
                    except CommandError as exc:
                        raise CommandError(str(exc), returncode=BAD_INPUT) from None
                    result = {"notice": notice.pk, "file": str(path)}
        self.stdout.write(dumps(result))
